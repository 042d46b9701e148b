import { DateTimeResolver, JSONResolver, SafeIntResolver } from "graphql-scalars";

/** The contract's scalars: DateTime (ISO-8601, UTC), JSON (any value), SafeInt (counts past 2^31). */
export const DateTimeScalar = DateTimeResolver;
export const JSONScalar = JSONResolver;
export const SafeIntScalar = SafeIntResolver;
