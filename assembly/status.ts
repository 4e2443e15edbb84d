// Status codes returned by exported functions (0 = ok). Mirrored in src/core/status.ts; a hostile
// input must end in one of these, never in a trap.
export const OK: i32 = 0;
export const ERR_BAD_SHAPE: i32 = -1; // arity/depth not supported
export const ERR_INDEX_RANGE: i32 = -2; // leaf index >= arity^depth
export const ERR_CAPACITY: i32 = -3; // leaf index beyond the in-memory capacity limit
export const ERR_PROOF_FORMAT: i32 = -4; // malformed proof bytes
export const ERR_PROOF_ORDER: i32 = -5; // proof indices not strictly increasing
export const ERR_PROOF_EMPTY: i32 = -6; // a proof must name at least one leaf
export const ERR_PROOF_NONCANONICAL: i32 = -7; // explicit zero sibling or stray bitmap bits
// (-8 and -9 are assembly/engine.ts's ERR_BAD_FEE_SLOTS and ERR_NO_MEMORY)
export const ERR_CORRUPT_SLOT: i32 = -10; // a stored slot record does not hash to its stored leaf (D38)
