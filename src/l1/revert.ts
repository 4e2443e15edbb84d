// A failed L1 call or transaction as an L1Error naming the contract error and its arguments.
import { type Abi, BaseError, ContractFunctionRevertedError, decodeErrorResult, type Hex } from "viem";
import { L1Error } from "../protocol/errors.js";

/** The revert data an RPC error carries (viem nests it under cause.data or deeper). */
export function revertData(e: unknown): Hex | undefined {
  for (let x = e as { data?: unknown; cause?: unknown } | undefined, depth = 0; x && depth < 8; x = x.cause as typeof x, depth++) {
    if (typeof x.data === "string" && x.data.startsWith("0x")) return x.data as Hex;
    if (x.data && typeof x.data === "object" && typeof (x.data as { data?: unknown }).data === "string") return (x.data as { data: Hex }).data;
  }
  return undefined;
}

/** "Name(arg, …)" of a custom error's revert data under `abi`, or the raw data when unknown. */
export function describeRevert(abi: Abi, data: Hex): string {
  try {
    const d = decodeErrorResult({ abi, data });
    return `${d.errorName}(${(d.args ?? []).map(String).join(", ")})`;
  } catch {
    return data;
  }
}

/**
 * An L1Error (REVERTED) for `e` thrown by `what`, carrying the custom error's name and arguments
 * when `abi` (or viem's own decoding) knows it. `e` is kept as the cause.
 */
export function revertError(abi: Abi, what: string, e: unknown): L1Error {
  if (e instanceof L1Error) return e;
  if (e instanceof BaseError) {
    const reverted = e.walk((x) => x instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError && reverted.data?.errorName) {
      const args = reverted.data.args ?? [];
      return new L1Error("REVERTED", `${what} reverted: ${reverted.data.errorName}(${args.map(String).join(", ")})`, e, {
        errorName: reverted.data.errorName,
        args,
      });
    }
  }
  const data = revertData(e);
  if (data !== undefined) {
    try {
      const d = decodeErrorResult({ abi, data });
      const args = d.args ?? [];
      return new L1Error("REVERTED", `${what} reverted: ${d.errorName}(${args.map(String).join(", ")})`, e, { errorName: d.errorName, args });
    } catch {
      return new L1Error("REVERTED", `${what} reverted: ${data}`, e);
    }
  }
  return new L1Error("REVERTED", `${what} failed: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`, e);
}
