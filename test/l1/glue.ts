// A batch as L1 sees it, for the OneStepProver tests, the anvil run, the golden vectors and the
// bench: its v1 DA bytes, its header (SPEC §13.2) and its inbox messages with their timestamps, and
// the arguments of OneStepProver.verifyStep / startCommitment for one step.
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Hex } from "viem";
import {
  deriveBatch, encodeBatch, encodeL1Message, inboxRecord, type Batch, type BatchHeader, type L1Message,
} from "../../src/index.js";
import { be, concat, hex } from "./step-builder.js";

export const ZERO32 = `0x${"00".repeat(32)}` as Hex;
const BASE_TIMESTAMP = 1_700_000_000n;

export interface PostedBatch {
  header: BatchHeader;
  da: Uint8Array;
  /** The inbox range's messages and the timestamps their records hold. */
  messages: L1Message[];
  timestamps: bigint[];
  /** What the derivation rule gives (SPEC §9.4): the messages always, the DA's pairs and txs when they decode. */
  derived: Batch;
  decodable: boolean;
}

/**
 * `batch` posted on L1: its fee pairs and transactions as v1 DA bytes (or `da`, e.g. mutated
 * bytes), its L1 messages as inbox messages `inboxStart …`, timestamped 1,700,000,000 + index.
 */
export function postBatch(batch: Batch, options: { index?: bigint; inboxStart?: bigint; da?: Uint8Array; daKind?: 0 | 1 | 2 } = {}): PostedBatch {
  const da = options.da ?? encodeBatch({ feePairs: batch.feePairs, txs: batch.txs });
  const inboxStart = options.inboxStart ?? 0n;
  const header: BatchHeader = {
    index: options.index ?? 1n,
    prevHeaderHash: ZERO32,
    daKind: options.daKind ?? 0,
    daHash: hex(keccak_256(da)),
    daLength: da.length,
    inboxStart,
    inboxCount: batch.l1Messages.length,
    l1Block: 18n,
    l1Timestamp: BASE_TIMESTAMP + 1000n,
  };
  const { batch: d, error } = deriveBatch(da, { start: inboxStart, count: batch.l1Messages.length });
  return {
    header,
    da,
    messages: batch.l1Messages,
    timestamps: batch.l1Messages.map((_, i) => BASE_TIMESTAMP + inboxStart + BigInt(i)),
    derived: { feePairs: d.feePairs, l1Messages: batch.l1Messages, txs: d.txs },
    decodable: error === null,
  };
}

/** The Header struct of contracts/L2Types.sol as viem encodes it. */
export function headerArg(h: BatchHeader) {
  return {
    index: h.index, prevHeaderHash: h.prevHeaderHash, daKind: h.daKind, daHash: h.daHash, daLength: h.daLength,
    inboxStart: h.inboxStart, inboxCount: h.inboxCount, l1Block: h.l1Block, l1Timestamp: h.l1Timestamp,
  };
}

/** Step j's binding (message ‖ u64be timestamp, or the DA bytes) and the inbox record the caller reads. */
export function bindingOf(p: PostedBatch, j: number): { binding: Uint8Array; inboxRecord: Hex } {
  if (j < p.header.inboxCount) {
    const m = p.messages[j]!;
    return { binding: concat(encodeL1Message(m), be(p.timestamps[j]!, 8)), inboxRecord: inboxRecord(m, p.timestamps[j]!) };
  }
  return { binding: p.da, inboxRecord: ZERO32 };
}

/** The arguments of OneStepProver.verifyStep for step j with `proof`. */
export function verifyStepArgs(ds: Uint8Array, pre: Hex, p: PostedBatch, j: number, proof: Uint8Array): readonly unknown[] {
  const { binding, inboxRecord: record } = bindingOf(p, j);
  return [hex(ds), pre, headerArg(p.header), BigInt(j), hex(proof), hex(binding), record];
}

/** The arguments of OneStepProver.startCommitment for a parent state opening. */
export function startArgs(ds: Uint8Array, parent: { treeRoot: Hex; slotCount: number; stateRoot: Hex }, p: PostedBatch): readonly unknown[] {
  return [hex(ds), parent.treeRoot, parent.slotCount, parent.stateRoot, hex(p.da), headerArg(p.header)];
}
