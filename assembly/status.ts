// Status codes returned by exported functions (0 = ok), from the one table
// (scripts/layout-table.mjs, docs/DECISIONS.md D36); src/core/status.ts maps them to typed errors.
// A hostile input must end in one of these, never in a trap.
export {
  OK, ERR_BAD_SHAPE, ERR_INDEX_RANGE, ERR_CAPACITY, ERR_PROOF_FORMAT, ERR_PROOF_ORDER, ERR_PROOF_EMPTY, ERR_PROOF_NONCANONICAL,
  ERR_BAD_FEE_SLOTS, ERR_NO_MEMORY, ERR_CORRUPT_SLOT,
} from "./generated/constants";
