// Proofs out of an engine: multiproofs of state slots, of a batch's withdrawals and of trace steps,
// each over a protocol-shaped tree (SPEC §3.3, §5.2, §11.2). The Engine class (engine.ts) delegates
// here; the dispute stage imports the trace helpers through engine.ts.

import { fromHex, toHex } from "../protocol/bytes.js";
import { InvalidArgumentError } from "../protocol/errors.js";
import { encodeWithdrawal } from "../protocol/slot-encoding.js";
import { STATE_TREE_SHAPE, resolveShape } from "../protocol/shape.js";
import type { Hex, Withdrawal } from "../protocol/types.js";
import { u32Bytes, type CoreInstance } from "../core/instance.js";
import { statusError } from "../core/status.js";
import { checkProofIndices, type WasmMerkleTree } from "../core/tree.js";
import type { WasmCore } from "../core/wasm-core.js";

/**
 * Runs `use` on a transient protocol-shaped tree whose leaf i is `leaves[i]`, and frees it:
 * the trace tree, a batch's withdrawal tree, anything built from a list rather than the state.
 */
export function withLeafTree<T>(core: WasmCore, leaves: readonly Uint8Array[], use: (tree: WasmMerkleTree) => T): T {
  const tree = core.createTree(STATE_TREE_SHAPE);
  try {
    if (leaves.length > 0)
      tree.setMany(
        leaves.map((_, i) => i),
        leaves,
      );
    return use(tree);
  } finally {
    tree.dispose();
  }
}

/** The withdrawal-tree leaves of a batch's withdrawals (SPEC §5.2). */
export function withdrawalLeaves(core: WasmCore, withdrawals: readonly Withdrawal[]): Uint8Array[] {
  return withdrawals.map((w) => core.keccak256(encodeWithdrawal(w)));
}

/** Root of the 4-ary depth-16 tree whose leaf i is step commitment i (SPEC §11.2). */
export function traceRoot(core: WasmCore, steps: readonly Hex[]): Hex {
  return withLeafTree(core, steps.map(fromHex), (tree) => toHex(tree.root()) as Hex);
}

/** A multiproof that `steps[indices[k]]` are leaves of the trace tree (for bisection moves). */
export function proveTraceSteps(core: WasmCore, steps: readonly Hex[], indices: readonly number[]): Uint8Array {
  return withLeafTree(core, steps.map(fromHex), (tree) => tree.prove(indices));
}

/**
 * A multiproof of state slots against the engine's tree root (commits pending changes first).
 *
 * @throws InvalidArgumentError for indices that are not strictly increasing leaf indices.
 */
export function proveEngineSlots(instance: CoreInstance, handle: number, indices: readonly number[]): Uint8Array {
  const list = checkProofIndices(resolveShape(STATE_TREE_SHAPE), indices);
  const size = instance.call((x) => x.engineProve(handle, instance.copyIn(u32Bytes(list)), list.length));
  if (size < 0) throw statusError(size, "proveSlots");
  const out = instance.call((x) => x.ioOut());
  return instance.bytes().slice(out, out + size);
}

/**
 * A multiproof of withdrawal records against a batch's withdrawals root.
 *
 * @throws InvalidArgumentError for a withdrawal index outside the batch.
 */
export function proveBatchWithdrawals(
  core: WasmCore,
  withdrawals: readonly Withdrawal[],
  indices: readonly number[],
): { root: Hex; proof: Uint8Array; leaves: Uint8Array[] } {
  if (!Array.isArray(withdrawals)) throw new InvalidArgumentError("withdrawals must be an array");
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= withdrawals.length) throw new InvalidArgumentError(`no withdrawal ${String(i)} in this batch`);
  }
  const leaves = withdrawalLeaves(core, withdrawals);
  return withLeafTree(core, leaves, (tree) => ({
    root: toHex(tree.root()) as Hex,
    proof: tree.prove(indices),
    leaves: indices.map((i) => leaves[i]!),
  }));
}
