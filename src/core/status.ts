// Mirror of assembly/status.ts: the status codes the WASM exports return.
import { CapacityError, InvalidArgumentError, ProofError, type L2EngineError } from "../protocol/errors.js";

export const STATUS_OK = 0;

/** Maps a negative WASM status to the typed error callers see. */
export function statusError(status: number, context: string): L2EngineError {
  switch (status) {
    case -1:
      return new InvalidArgumentError(`${context}: unsupported tree shape`);
    case -2:
      return new ProofError("INDEX_RANGE", `${context}: leaf index outside the tree`);
    case -3:
      return new CapacityError(`${context}: leaf index beyond the in-memory capacity`);
    case -4:
      return new ProofError("FORMAT", `${context}: malformed proof (lengths do not add up)`);
    case -5:
      return new ProofError("ORDER", `${context}: proof indices must be strictly increasing`);
    case -6:
      return new ProofError("EMPTY", `${context}: a proof must name at least one leaf`);
    case -7:
      return new ProofError("NONCANONICAL", `${context}: non-canonical proof encoding`);
    default:
      return new InvalidArgumentError(`${context}: unexpected status ${status}`);
  }
}
