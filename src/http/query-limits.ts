import type { ApolloServerPlugin } from "@apollo/server";
import {
  GraphQLError,
  Kind,
  getNamedType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationRule,
  validate,
} from "graphql";
import { getComplexity, type ComplexityEstimator } from "graphql-query-complexity";

export const MAX_QUERY_DEPTH = 12;
/**
 * Braces, brackets and parentheses open at once in a query's text. graphql's parser and the literal
 * coercions recurse once per level, so a few thousand levels (well within the token limit) exhaust
 * the stack (issue 13, item 4). Real operations nest a few dozen; an inline payload may nest 64 (DESIGN
 * "The event") plus the operation around it.
 */
export const MAX_QUERY_NESTING = 128;
export const MAX_QUERY_COST = 5_000;
/** Connections hand out 50 nodes when `first` is absent (services/pagination.ts). */
const DEFAULT_PAGE_SIZE = 50;

const tooComplex = (message: string) => new GraphQLError(message, { extensions: { code: "QUERY_TOO_COMPLEX", http: { status: 400 } } });

/**
 * Refuses a query text that nests deeper than maxNesting, before anything parses it: one pass that
 * counts `{`, `[` and `(` outside strings, block strings and comments. Unbalanced or malformed text is
 * left to the parser, which reports it with a location.
 */
export function checkQueryNesting(query: string, maxNesting = MAX_QUERY_NESTING): GraphQLError | undefined {
  let depth = 0;
  const n = query.length;
  for (let i = 0; i < n; i++) {
    const c = query.charCodeAt(i);
    if (c === 0x7b || c === 0x5b || c === 0x28) {
      if (++depth > maxNesting) {
        return tooComplex(`the query nests braces, brackets or parentheses deeper than ${maxNesting} levels; send a flatter query, and nested values as variables`);
      }
    } else if (c === 0x7d || c === 0x5d || c === 0x29) {
      if (depth > 0) depth--;
    } else if (c === 0x23) {
      // a comment runs to the end of the line
      while (i + 1 < n && query.charCodeAt(i + 1) !== 0x0a && query.charCodeAt(i + 1) !== 0x0d) i++;
    } else if (c === 0x22) {
      i = query.startsWith('"""', i) ? blockStringEnd(query, i + 3) : stringEnd(query, i + 1);
    }
  }
  return undefined;
}

/** The index of the closing quote of a string whose text starts at `from` (or the last index when unterminated). */
function stringEnd(query: string, from: number): number {
  for (let i = from; i < query.length; i++) {
    const c = query.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22 || c === 0x0a || c === 0x0d) return i;
  }
  return query.length;
}

/** The index of the last quote of the `"""` closing a block string whose text starts at `from`; `\"""` is escaped. */
function blockStringEnd(query: string, from: number): number {
  for (let i = from; i < query.length; i++) {
    const c = query.charCodeAt(i);
    if (c === 0x5c && query.startsWith('"""', i + 1)) i += 3;
    else if (c === 0x22 && query.startsWith('"""', i)) return i + 2;
  }
  return query.length;
}

/** Introspection nests through `ofType` (GraphiQL's own query reaches 14 levels); the schema bounds it. */
export const MAX_INTROSPECTION_DEPTH = 20;

/** Rejects operations nested deeper than maxDepth fields (introspection: its own bound), fragments included. */
export function depthLimitRule(maxDepth = MAX_QUERY_DEPTH): ValidationRule {
  return (context) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    // The fields a selection set selects directly, through inline fragments and spreads.
    const fieldsOf = (set: SelectionSetNode | undefined, seen: ReadonlySet<string>, visit: (field: FieldNode, seen: ReadonlySet<string>) => boolean): boolean => {
      for (const selection of set?.selections ?? []) {
        if (selection.kind === Kind.FIELD) {
          if (!visit(selection, seen)) return false;
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (!fieldsOf(selection.selectionSet, seen, visit)) return false;
        } else {
          const name = selection.name.value;
          // A fragment cycle is reported by the standard rules; here it just ends the walk.
          if (!seen.has(name) && !fieldsOf(fragments.get(name)?.selectionSet, new Set(seen).add(name), visit)) return false;
        }
      }
      return true;
    };
    // Whether every path below `field` stays within `budget` levels, the field itself included.
    const within = (field: FieldNode, seen: ReadonlySet<string>, budget: number): boolean =>
      budget >= 1 && fieldsOf(field.selectionSet, seen, (child, s) => within(child, s, budget - 1));
    return {
      OperationDefinition(node) {
        fieldsOf(node.selectionSet, new Set(), (field, seen) => {
          const limit = field.name.value.startsWith("__") ? MAX_INTROSPECTION_DEPTH : maxDepth;
          if (within(field, seen, limit)) return true;
          context.reportError(tooComplex(`the query nests deeper than ${limit} levels under ${field.name.value}; ask for fewer nested fields`));
          return false;
        });
      },
    };
  };
}

/**
 * Each field costs 1; a page that reads rows (a Connection, or a root list with `first`) costs its
 * children times the page size. Lists inside a row (a status's entities) cost no more than their fields.
 */
const pageEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const returns = getNamedType(field.type).name;
  const paged = field.args.some((a) => a.name === "first") && (returns.endsWith("Connection") || type.name === "Query");
  const size = typeof args.first === "number" && args.first > 0 ? args.first : DEFAULT_PAGE_SIZE;
  const work = type.name === "Query" || type.name === "Mutation" ? (FIELD_WORK[field.name]?.(args) ?? 0) : 0;
  return 1 + work + childComplexity * (paged ? size : 1);
};

/** The largest payload an event may have (DESIGN "The event"): sizing one stops there. */
const PAYLOAD_LIMIT_BYTES = 256 * 1024;

/**
 * Fields whose cost is their work, not their rows (issue 13, item 3): aliases could otherwise repeat
 * them hundreds of times in one request, and each is refused with QUERY_TOO_COMPLEX before any runs.
 * testAlert evaluates a sample event (priced per KiB of payload); previewAlert scans the archive; a
 * channel test sends a request out, waiting up to DELIVERY_TIMEOUT_MS.
 */
const FIELD_WORK: Record<string, (args: Record<string, unknown>) => number> = {
  testAlert: (args) => 20 + Math.ceil(jsonSizeBytes((args.event as { payload?: unknown } | undefined)?.payload, PAYLOAD_LIMIT_BYTES) / 1024),
  previewAlert: () => 1_000,
  testNotificationChannel: () => 500,
};

/** Sizes already measured: aliases that share one variable share one payload object. */
const measured = new WeakMap<object, number>();

/** About the size of a value's JSON text, counted up to `limit` (then `limit`), without building the text. */
export function jsonSizeBytes(value: unknown, limit: number): number {
  if (value !== null && typeof value === "object") {
    const known = measured.get(value);
    if (known !== undefined) return known;
  }
  let size = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && size < limit) {
    const v = stack.pop();
    if (typeof v === "string") size += v.length + 2;
    else if (typeof v === "number" || typeof v === "boolean") size += String(v).length;
    else if (v === null || v === undefined) size += 4;
    else if (Array.isArray(v)) {
      size += 2 + v.length;
      for (const item of v) stack.push(item);
    } else if (typeof v === "object") {
      for (const [key, item] of Object.entries(v as Record<string, unknown>)) {
        size += key.length + 4;
        stack.push(item);
      }
      size += 2;
    }
  }
  const bounded = Math.min(size, limit);
  if (value !== null && typeof value === "object") measured.set(value, bounded);
  return bounded;
}

export function operationCost(schema: GraphQLSchema, query: DocumentNode, variables: Record<string, unknown> | undefined, operationName?: string): number {
  return getComplexity({ schema, query, variables, operationName, estimators: [pageEstimator] });
}

/**
 * Depth and cost of one operation, checked after standard validation and before anything runs.
 * Returns the error to answer with, or undefined. Variables that don't fit their types are left to
 * execution, which refuses them as BAD_USER_INPUT.
 */
export function checkOperationLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
): GraphQLError | undefined {
  const [depthError] = validate(schema, document, [depthLimitRule()]);
  if (depthError) return depthError;
  let cost: number;
  try {
    cost = operationCost(schema, document, variables, operationName);
  } catch (err) {
    if (err instanceof GraphQLError) return undefined;
    throw err;
  }
  return cost > MAX_QUERY_COST
    ? tooComplex(`query cost ${cost} exceeds the limit of ${MAX_QUERY_COST}; ask for smaller pages (first) or fewer fields`)
    : undefined;
}

/** Apollo runs its own validation rules under one code; limits are checked here to keep QUERY_TOO_COMPLEX. */
export function operationLimitsPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operation }) {
          if (operation?.operation === "subscription") {
            throw new GraphQLError("subscriptions are served over graphql-ws (WebSocket) on the same path, not over HTTP", {
              extensions: { code: "BAD_REQUEST", http: { status: 400 } },
            });
          }
          const error = checkOperationLimits(schema, document, request.variables, request.operationName ?? undefined);
          if (error) throw error;
        },
      };
    },
  };
}
