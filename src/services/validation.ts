import type { FieldProblem } from "./errors";

const CUSTOMER_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

/** Customer ids are opaque, but bounded and printable: they key partitions, rows and log lines. */
export function validateCustomerId(value: string, field: string): FieldProblem | null {
  return CUSTOMER_ID.test(value)
    ? null
    : { field, message: "must be 1 to 128 characters: letters, digits and . _ : @ -, starting with a letter or digit" };
}
