// Step commitments (docs/SPEC.md §11.1): what two parties agree or disagree on between two steps
// of a batch. Every fact a one-step verdict depends on besides the posted entry is bound here by a
// hash: the state, the withdrawals so far, the EIP-712 domain, the pre-batch slot count and the
// fee pairs with what each is owed.

import { keccak_256 } from "@noble/hashes/sha3.js";
import { fromHex, isHash32Hex, toHex, type HashInput } from "../protocol/bytes.js";
import { ProofError } from "../protocol/errors.js";
import { MAX_FEE_PAIRS, MAX_SLOTS, MAX_U128, MAX_U64, type FeePair, type Hex, type StepParts } from "../protocol/types.js";
import { MAX_BATCH_ENTRIES } from "../engine/flat.js";
import { encodeStateCommitment } from "../protocol/slot-encoding.js";
import { domainSeparator, type Eip712Domain } from "../protocol/eip712.js";

/** Throws ProofError(FIELD) "`what` `rule`" unless `ok`. */
export function field(ok: boolean, what: string, rule: string): void {
  if (!ok) throw new ProofError("FIELD", `${what} ${rule}`);
}

export function isU32(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
}

/** A 0x 32-byte hex as bytes; ProofError(FIELD) naming `what` otherwise. */
export function hash32(v: unknown, what: string): Uint8Array {
  field(isHash32Hex(v), what, "must be a 0x-prefixed 32-byte hex string");
  return fromHex(v as string);
}

/** A root the API takes as 0x hex or 32 bytes (step-proof fields stay hex strings). */
function root32(v: unknown, what: string): Uint8Array {
  return v instanceof Uint8Array && v.length === 32 ? v : hash32(v, what);
}

/** Bytes of one fee pair in the context hash: u32 token ‖ u32 slot ‖ u128 owed. */
const CONTEXT_PAIR_BYTES = 24;

/**
 * contextHash = keccak256(domainSeparator ‖ u32 baseSlotCount ‖ per fee pair: u32 token ‖ u32 slot
 * ‖ u128 owed), big-endian (SPEC §11.1). It binds the domain signatures are checked under and whom
 * the fees are owed to — facts a step proof must not be able to choose.
 *
 * @throws ProofError (FIELD) naming the part out of range.
 */
export function contextHash(domain: Eip712Domain, baseSlotCount: number, feePairs: readonly FeePair[], owedFees: readonly bigint[]): Uint8Array {
  field(isU32(baseSlotCount) && baseSlotCount <= MAX_SLOTS, "baseSlotCount", `must be an integer in [0, ${MAX_SLOTS}]`);
  field(Array.isArray(feePairs) && feePairs.length <= MAX_FEE_PAIRS, "feePairs", `must be an array of at most ${MAX_FEE_PAIRS} fee pairs`);
  field(Array.isArray(owedFees) && owedFees.length === feePairs.length, "owedFees", "must hold one owed fee per fee pair");
  const bytes = new Uint8Array(36 + CONTEXT_PAIR_BYTES * feePairs.length);
  bytes.set(domainSeparator(domain), 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(32, baseSlotCount);
  feePairs.forEach((pair, k) => {
    field(pair !== null && typeof pair === "object" && isU32(pair.token) && isU32(pair.slot), `feePairs[${k}]`, "must be { token, slot } with u32 values");
    const owed = owedFees[k];
    field(typeof owed === "bigint" && owed >= 0n && owed <= MAX_U128, `owedFees[${k}]`, "must be a u128 bigint");
    const at = 36 + CONTEXT_PAIR_BYTES * k;
    view.setUint32(at, pair.token);
    view.setUint32(at + 4, pair.slot);
    view.setBigUint64(at + 8, (owed as bigint) >> 64n);
    view.setBigUint64(at + 16, (owed as bigint) & MAX_U64);
  });
  return keccak_256(bytes);
}

/**
 * The commitment of the parts after the state root: what a claim's posted roots open with.
 * @throws ProofError (FIELD) for a withdrawal count above 2^20.
 */
export function commitmentOf(stateRoot: Uint8Array, withdrawalsRoot: Uint8Array, withdrawalCount: number, context: Uint8Array): Hex {
  field(isU32(withdrawalCount) && withdrawalCount <= MAX_BATCH_ENTRIES, "withdrawalCount", `must be an integer in [0, ${MAX_BATCH_ENTRIES}]`);
  const input = new Uint8Array(100);
  input.set(stateRoot, 0);
  input.set(withdrawalsRoot, 32);
  new DataView(input.buffer).setUint32(64, withdrawalCount);
  input.set(context, 68);
  return toHex(keccak_256(input));
}

/**
 * C = keccak256(stateRoot ‖ withdrawalsRoot ‖ u32be withdrawalCount ‖ contextHash) (SPEC §11.1)
 * for a batch signed under `domain`.
 *
 * @throws ProofError (FIELD) naming the part that is out of range.
 */
export function stepCommitment(parts: StepParts, domain: Eip712Domain): Hex {
  const stateRoot = hash32(parts.stateRoot, "stateRoot");
  const withdrawalsRoot = hash32(parts.withdrawalsRoot, "withdrawalsRoot");
  return commitmentOf(stateRoot, withdrawalsRoot, parts.withdrawalCount, contextHash(domain, parts.baseSlotCount, parts.feePairs, parts.owedFees));
}

/**
 * keccak256(treeRoot ‖ u32be slotCount): the state root of §4.3. `treeRoot` is 0x hex or 32 bytes.
 *
 * @throws ProofError (FIELD) for a malformed root or a slot count above 2^24.
 */
export function stateRootOf(treeRoot: HashInput, slotCount: number): Hex {
  const root = root32(treeRoot, "treeRoot");
  field(isU32(slotCount) && slotCount <= MAX_SLOTS, "slotCount", `must be an integer in [0, ${MAX_SLOTS}]`);
  return toHex(keccak_256(encodeStateCommitment(root, slotCount)));
}

/** Root of the empty 4-ary depth-16 tree: the withdrawals root before a batch's first withdrawal. */
export const EMPTY_TREE_ROOT: Hex = (() => {
  let node: Uint8Array = new Uint8Array(32);
  for (let level = 0; level < 16; level++) {
    const four = new Uint8Array(128);
    for (let c = 0; c < 4; c++) four.set(node, 32 * c);
    node = keccak_256(four);
  }
  return toHex(node);
})();

/**
 * C_0 of a batch (SPEC §11.1): computable by a referee from what it already trusts — the opening
 * (treeRoot, slotCount) of the agreed pre-state root and the fee pairs of the posted batch.
 *
 * @throws ProofError (FIELD) for a malformed opening or fee pair.
 */
export function startCommitment(pre: { treeRoot: HashInput; slotCount: number }, feePairs: readonly FeePair[], domain: Eip712Domain): Hex {
  return stepCommitment(
    {
      stateRoot: stateRootOf(pre.treeRoot, pre.slotCount),
      withdrawalsRoot: EMPTY_TREE_ROOT,
      withdrawalCount: 0,
      baseSlotCount: pre.slotCount,
      feePairs,
      owedFees: feePairs.map(() => 0n),
    },
    domain,
  );
}
