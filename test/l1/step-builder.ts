// A small, independent builder of protocol v1 step proofs (protocol v1 §B, §D, §G) and of the
// StepVerifier's Entry struct, for the contract tests. Written from the protocol text, so a test
// can hand-compute what the verifier must return without going through the engine.
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Hex } from "viem";
import { encodeSlot, fromHex, toHex, type L1Message, type SignedTx, type Slot } from "../../src/index.js";

export const hex = (b: Uint8Array): Hex => toHex(b);

export function be(value: bigint | number, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let v = BigInt(value);
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A listed fee pair (protocol v1 §A). */
export interface FeePair {
  token: number;
  slot: number;
  owed: bigint;
}

/** The parts C_j hashes (protocol v1 §B). */
export interface Parts {
  treeRoot: Uint8Array;
  slotCount: number;
  withdrawalsRoot: Uint8Array;
  withdrawalCount: number;
  baseSlotCount: number;
  pairs: readonly FeePair[];
}

const pairBytes = (pairs: readonly FeePair[]) => concat(...pairs.map((p) => concat(be(p.token, 4), be(p.slot, 4), be(p.owed, 16))));

export function contextHashV1(ds: Uint8Array, baseSlotCount: number, pairs: readonly FeePair[]): Uint8Array {
  return keccak_256(concat(ds, be(baseSlotCount, 4), pairBytes(pairs)));
}

export function commitmentV1(ds: Uint8Array, p: Parts): Hex {
  const stateRoot = keccak_256(concat(p.treeRoot, be(p.slotCount, 4)));
  return hex(keccak_256(concat(stateRoot, p.withdrawalsRoot, be(p.withdrawalCount, 4), contextHashV1(ds, p.baseSlotCount, p.pairs))));
}

export const ZERO_SLOT = new Uint8Array(48);

/** The flat step proof of protocol v1 §G. */
export function flatProof(p: Parts, witness: readonly { index: number; slot: Slot | null }[], slotProof: Uint8Array, withdrawalProof?: Uint8Array): Uint8Array {
  return concat(
    new Uint8Array([1]),
    p.treeRoot,
    be(p.slotCount, 4),
    p.withdrawalsRoot,
    be(p.withdrawalCount, 4),
    be(p.baseSlotCount, 4),
    new Uint8Array([p.pairs.length]),
    pairBytes(p.pairs),
    new Uint8Array([witness.length]),
    ...witness.map((w) => (w.slot === null ? ZERO_SLOT : encodeSlot(w.slot))),
    witness.length > 0 ? slotProof : new Uint8Array(0),
    withdrawalProof ?? new Uint8Array(0),
  );
}

/** The Entry struct of contracts/L2Types.sol, as viem encodes it. */
export interface EntryArg {
  txType: number;
  slot: readonly [number, number, number, number];
  amount: readonly [bigint, bigint, bigint];
  nonce: bigint;
  toOwner: Hex;
  feeBps: number;
  r: Hex;
  yParityAndS: Hex;
}

const ZERO_ADDRESS = `0x${"00".repeat(20)}` as Hex;

export function entryOf(tx: SignedTx): EntryArg {
  const sig = fromHex(tx.signature);
  const v = sig[64]!;
  const yParity = v >= 27 ? v - 27 : v;
  const s = BigInt(hex(sig.subarray(32, 64)));
  const common = { nonce: tx.nonce, toOwner: ZERO_ADDRESS, feeBps: 0, r: hex(sig.subarray(0, 32)), yParityAndS: hex(be((BigInt(yParity) << 255n) | s, 32)) };
  switch (tx.type) {
    case "transfer":
      return { ...common, txType: 0, slot: [tx.from, tx.to, 0, 0], amount: [tx.amount, tx.fee, 0n] };
    case "transferToNew":
      return { ...common, txType: 1, slot: [tx.from, 0, 0, 0], amount: [tx.amount, tx.fee, 0n], toOwner: tx.toOwner };
    case "withdraw":
      return { ...common, txType: 2, slot: [tx.from, 0, 0, 0], amount: [tx.amount, tx.fee, 0n] };
    case "createPool":
      return { ...common, txType: 3, slot: [tx.fromA, tx.fromB, 0, 0], amount: [tx.amountA, tx.amountB, 0n], feeBps: tx.feeBps };
    case "addLiquidity":
      return { ...common, txType: 4, slot: [tx.pool, tx.fromA, tx.fromB, tx.lpSlot], amount: [tx.amountA, tx.amountB, tx.minShares] };
    case "removeLiquidity":
      return { ...common, txType: 5, slot: [tx.pool, tx.lpSlot, tx.toA, tx.toB], amount: [tx.shares, tx.minA, tx.minB] };
    case "swap":
      return { ...common, txType: 6, slot: [tx.pool, tx.from, tx.to, 0], amount: [tx.amountIn, tx.minOut, 0n] };
  }
}

/** message ‖ u64be timestamp as the inbox records it (protocol v1 §D); 0xffffffff = no slot given. */
export function messageOf(m: L1Message, timestamp: bigint): Uint8Array {
  const body =
    m.kind === "deposit"
      ? concat(new Uint8Array([0]), fromHex(m.owner), be(m.token, 4), be(m.amount, 16), be(m.slot ?? 0xffffffff, 4))
      : concat(new Uint8Array([1]), fromHex(m.owner), be(m.slot, 4));
  return concat(body, be(timestamp, 8));
}
