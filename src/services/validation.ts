import { forbidden, type FieldProblem } from "./errors";
import { isPlatform, type Principal } from "./principal";

const CUSTOMER_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

/** Customer ids are opaque, but bounded and printable: they key partitions, rows and log lines. */
export function validateCustomerId(value: string, field: string): FieldProblem | null {
  return CUSTOMER_ID.test(value)
    ? null
    : { field, message: "must be 1 to 128 characters: letters, digits and . _ : @ -, starting with a letter or digit" };
}

/**
 * Whose new object this is: a platform key names the customer (null: the platform's own or a global
 * one); a customer key may only name its own customer, or omit it. A bad name goes into problems.
 */
export function ownerOf(principal: Principal, requested: string | null | undefined, what: string, problems: FieldProblem[]): string | null {
  if (isPlatform(principal)) {
    const customerId = requested ?? null;
    const problem = customerId === null ? null : validateCustomerId(customerId, "customerId");
    if (problem) problems.push(problem);
    return customerId;
  }
  if (requested != null && requested !== principal.customerId) throw forbidden(`a customer key creates ${what} for its own customer only; omit customerId`);
  return principal.customerId;
}
