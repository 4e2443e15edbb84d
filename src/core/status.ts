// The status codes the WASM exports return, from the one table (scripts/layout-table.mjs) that
// assembly/status.ts reads too, as typed errors.
import { CapacityError, InvalidArgumentError, ProofError, StoreError, type L2EngineError } from "../protocol/errors.js";
import { CORE_STATUS } from "../protocol/constants.generated.js";

export const STATUS_OK = CORE_STATUS.OK;

/** Maps a negative WASM status to the typed error callers see. */
export function statusError(status: number, context: string): L2EngineError {
  switch (status) {
    case CORE_STATUS.ERR_BAD_SHAPE:
      return new InvalidArgumentError(`${context}: unsupported tree shape`);
    case CORE_STATUS.ERR_INDEX_RANGE:
      return new ProofError("INDEX_RANGE", `${context}: leaf index outside the tree`);
    case CORE_STATUS.ERR_CAPACITY:
      return new CapacityError(`${context}: leaf index beyond the in-memory capacity`);
    case CORE_STATUS.ERR_PROOF_FORMAT:
      return new ProofError("FORMAT", `${context}: malformed proof (lengths do not add up)`);
    case CORE_STATUS.ERR_PROOF_ORDER:
      return new ProofError("ORDER", `${context}: proof indices must be strictly increasing`);
    case CORE_STATUS.ERR_PROOF_EMPTY:
      return new ProofError("EMPTY", `${context}: a proof must name at least one leaf`);
    case CORE_STATUS.ERR_PROOF_NONCANONICAL:
      return new ProofError("NONCANONICAL", `${context}: non-canonical proof encoding`);
    case CORE_STATUS.ERR_CORRUPT_SLOT:
      return new StoreError("CORRUPT", `${context}: a stored slot record does not hash to its stored leaf`);
    default:
      return new InvalidArgumentError(`${context}: unexpected status ${status}`);
  }
}
