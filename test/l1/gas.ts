// Gas of the entry binding (protocol v1 §F): the one-step proof of transaction j re-supplies the
// batch's DA bytes, the contract checks them against the header and decodes transaction i. The
// figures are the in-process Prague EVM's execution gas plus the transaction's intrinsic part:
// 21,000 + EIP-7623 calldata (standard 4/16 per zero/non-zero byte, floor 10/40 per byte; the
// larger of standard + execution and floor).
import { encodeFunctionData, type Hex } from "viem";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { Rng } from "../workload.js";
import { InProcessEvm, artifact, type Deployed } from "./evm.js";
import { MAX_L1_DA_BYTES, type DaBatch, type DaTx, encodeV1, padTo } from "./da-v1.js";

const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}` as Hex;

export interface TxGas {
  /** Execution gas of the call (no intrinsic part). */
  execution: number;
  calldataBytes: number;
  /** 21,000 + max(4·tokens + execution, 10·tokens), tokens = zero bytes + 4 · non-zero bytes. */
  transaction: number;
  /** Whether the EIP-7623 floor, not execution, decided `transaction`. */
  floorBound: boolean;
}

export function transactionGas(calldata: Uint8Array, execution: number): TxGas {
  let zeros = 0;
  for (const b of calldata) if (b === 0) zeros++;
  const tokens = zeros + 4 * (calldata.length - zeros);
  const standard = 4 * tokens + execution;
  const floor = 10 * tokens;
  return { execution, calldataBytes: calldata.length, transaction: 21_000 + Math.max(standard, floor), floorBound: floor > standard };
}

/** Transfers as a sequencer posts them: slots below 2^20, 4-significant-digit amounts, small nonces. */
export function realisticTransfer(rng: Rng): DaTx {
  return {
    type: 0,
    slots: [rng.int(1 << 20), rng.int(1 << 20)],
    amounts: [BigInt(1 + rng.int(9999)) * 10n ** BigInt(12 + rng.int(7)), BigInt(1 + rng.int(99)) * 10n ** BigInt(12 + rng.int(4))],
    nonce: BigInt(rng.int(500)),
    sig: Uint8Array.from({ length: 64 }, () => rng.int(256)),
  };
}

/**
 * The costliest shape for the walk per byte: alternating addLiquidity/removeLiquidity (packed
 * types, the most amounts per byte) with one-byte fields.
 */
export function adversarialTx(rng: Rng, k: number): DaTx {
  return {
    type: 4 + (k & 1),
    slots: [1, 2, 3, 4],
    amounts: [1n, 2n, 3n],
    nonce: 0n,
    sig: Uint8Array.from({ length: 64 }, () => 1 + rng.int(255)),
  };
}

/** The largest batch of `make` transactions that fits `limit` bytes (MAX_L1_DA_BYTES), padded to exactly that. */
export function largestBatch(make: (rng: Rng, k: number) => DaTx, seed = 1, limit = MAX_L1_DA_BYTES): DaBatch {
  const rng = new Rng(seed);
  const b: DaBatch = {
    pairs: [
      [1, 0],
      [2, 1],
    ],
    txs: [],
  };
  const one = encodeV1({ ...b, txs: [make(rng, 0)] }).length;
  while (b.txs.length < limit / (one - 12)) b.txs.push(make(rng, b.txs.length));
  while (encodeV1(b).length > limit) b.txs.pop();
  if (!padTo(b, limit)) throw new Error("largestBatch: cannot pad to the limit");
  return b;
}

export interface BindGas {
  daBytes: number;
  transactions: number;
  /** Hash check + full canonical walk + decode of the last transaction. */
  bind: TxGas;
  /** The walk alone (BatchData.check), execution gas. */
  checkExecution: number;
}

async function measure(harness: Deployed, da: Uint8Array, n: number): Promise<BindGas> {
  const header = {
    index: 1n,
    prevHeaderHash: hex(new Uint8Array(32)),
    daKind: 0,
    daHash: hex(keccak_256(da)),
    daLength: da.length,
    inboxStart: 0n,
    inboxCount: 0,
    l1Block: 1n,
    l1Timestamp: 1n,
  };
  const args = [header, hex(da), BigInt(n - 1)] as const;
  const r = await harness.call<readonly [boolean, bigint, unknown]>("bind", args);
  if (!r.ok || !r.value![0] || Number(r.value![1]) !== n) throw new Error("bind: the batch did not decode");
  const data = encodeFunctionData({ abi: harness.abi, functionName: "bind", args } as never);
  const c = await harness.call<readonly [boolean, bigint]>("check", [hex(da), 0n]);
  return {
    daBytes: da.length,
    transactions: n,
    bind: transactionGas(Buffer.from(data.slice(2), "hex"), Number(r.gas)),
    checkExecution: Number(c.gas),
  };
}

/**
 * `l1.bindGas.max`: binding the last transaction of the largest allowed batch (120,000 bytes)
 * of realistic transfers, and of the costliest shape for the walk.
 */
export async function measureBindGas(): Promise<{ transfers: BindGas; adversarial: BindGas }> {
  const evm = await InProcessEvm.create();
  const harness = await evm.deploy(artifact("BatchDataHarness"));
  const transfers = largestBatch(realisticTransfer);
  const adversarial = largestBatch(adversarialTx);
  return {
    transfers: await measure(harness, encodeV1(transfers), transfers.txs.length),
    adversarial: await measure(harness, encodeV1(adversarial), adversarial.txs.length),
  };
}
