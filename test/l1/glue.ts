// A batch as L1 sees it, for the OneStepProver tests, the anvil run, the golden vectors and the
// bench: its v1 DA bytes, its header (SPEC §13.2) and its inbox messages with their timestamps, and
// the arguments of OneStepProver.verifyStep / startCommitment for one step.
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Hex } from "viem";
import {
  Engine,
  WasmCore,
  addressOf,
  deriveBatch,
  encodeBatch,
  encodeL1Message,
  encodeStepProof,
  entryAt,
  inboxRecord,
  proveSteps,
  signTransaction,
  verifyStep,
  MAX_L1_DA_BYTES,
  type Batch,
  type BatchHeader,
  type BatchResult,
  type L1Message,
  type SignedTx,
  type Slot,
} from "../../src/index.js";
import { nodeRecovery } from "../../src/node.js";
import { Rng, signedWorkload } from "../workload.js";
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
    index: h.index,
    prevHeaderHash: h.prevHeaderHash,
    daKind: h.daKind,
    daHash: h.daHash,
    daLength: h.daLength,
    inboxStart: h.inboxStart,
    inboxCount: h.inboxCount,
    l1Block: h.l1Block,
    l1Timestamp: h.l1Timestamp,
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

/** One step of a posted random batch, with everything a verifier is given and what it must return. */
export interface StepCase {
  posted: PostedBatch;
  j: number;
  pre: Hex;
  post: Hex;
  proof: Uint8Array;
  /** deposit, forcedExit, a transaction type, or settle. */
  kind: string;
  /** The WASM verifier's reason (0 for settlement). */
  reason: number;
  entry: L1Message | SignedTx | null;
}

export interface PostedRun {
  posted: PostedBatch;
  parent: { treeRoot: Hex; slotCount: number; stateRoot: Hex };
  result: BatchResult;
  steps: StepCase[];
}

export const TEST_DOMAIN = { chainId: 1n, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Hex };
export const TEST_KEYS = Array.from({ length: 5 }, (_, i) => `0x${(i + 11).toString(16).padStart(64, "0")}` as Hex);

/**
 * Random batches (test/workload.ts) on an 18-slot genesis, posted on L1 one after the other, each
 * with every step proven (proveSteps) and verified by the WASM core. `undecodable(b)` posts batch b
 * with DA bytes that do not decode (a trailing zero byte): its messages and settlement only.
 */
export function* postedRuns(seed: number, batches: number, entries: number, undecodable: (b: number) => boolean = () => false): Generator<PostedRun> {
  const owners = TEST_KEYS.map(addressOf);
  const rng = new Rng(seed);
  const genesis = Array.from({ length: 18 }, (_, i) => ({ owner: owners[i % 4]!, token: 1 + (i % 3), balance: rng.big(10n ** 24n), nonce: 0n }));
  const engine = Engine.create({ genesis, ...TEST_DOMAIN, recovery: nodeRecovery });
  const core = WasmCore.createSync();
  try {
    let inboxStart = 0n;
    for (let b = 0; b < batches; b++) {
      const workload = signedWorkload(seed * 100 + b, engine, entries, TEST_KEYS, owners, TEST_DOMAIN);
      const da = undecodable(b) ? concat(encodeBatch({ feePairs: workload.feePairs, txs: workload.txs }), new Uint8Array([0])) : undefined;
      const posted = postBatch(workload, { index: BigInt(b + 1), inboxStart, da });
      inboxStart += BigInt(workload.l1Messages.length);
      const batch = posted.derived;
      const signers = engine.recoverSigners(batch);
      const tracer = engine.fork();
      const { steps: trace, result } = tracer.traceBatch(batch, { signers });
      tracer.dispose();
      const parent = { treeRoot: engine.treeRoot(), slotCount: engine.slotCount(), stateRoot: engine.stateRoot() };
      const steps: StepCase[] = [];
      let j = 0;
      for (const p of proveSteps(engine, batch, { signers })) {
        const proof = encodeStepProof(p);
        const entry = entryAt(batch, j).entry;
        const v = verifyStep(proof, entry, TEST_DOMAIN, { core, recovery: nodeRecovery });
        if (v.pre !== trace[j] || v.post !== trace[j + 1]) throw new Error(`postedRuns: step ${j} does not verify onto the trace`);
        const kind = entry === null ? "settle" : "kind" in entry ? entry.kind : entry.type;
        steps.push({ posted, j, pre: trace[j]!, post: trace[j + 1]!, proof, kind, reason: v.status, entry });
        j++;
      }
      yield { posted, parent, result, steps };
      engine.applyBatch(batch, { signers });
    }
  } finally {
    engine.dispose();
  }
}

/**
 * A full calldata batch of transfers as users send them (4 significant digits, a small fee,
 * sequential nonces) among `slots` genesis slots owned in turn by `keys`, as many as
 * MAX_L1_DA_BYTES of DA holds: the batch of l1.gas.submitBatchPerTx and l1.gas.fullDispute.
 * Every transfer succeeds on `genesis` (fee slot 0).
 */
export function fullTransferBatch(
  keys: readonly Hex[],
  domain: { chainId: bigint; verifyingContract: Hex },
  slots = 64,
  seed = 11,
): { genesis: Slot[]; batch: Batch } {
  const owners = keys.map(addressOf);
  const genesis: Slot[] = Array.from({ length: slots }, (_, i) => ({ owner: owners[i % keys.length]!, token: 1, balance: 10n ** 30n, nonce: 0n }));
  const rng = new Rng(seed);
  const nonces = new Array<bigint>(slots).fill(0n);
  const txs: SignedTx[] = [];
  const froms: number[] = [];
  const feePairs = [{ token: 1, slot: 0 }];
  for (;;) {
    const from = rng.int(slots);
    const tx = {
      type: "transfer" as const,
      from,
      to: (from + 1 + rng.int(slots - 1)) % slots,
      amount: BigInt(1 + rng.int(9999)) * 10n ** BigInt(14 + rng.int(4)),
      fee: BigInt(1 + rng.int(99)) * 10n ** 12n,
      nonce: nonces[from]!,
    };
    txs.push(signTransaction(tx, keys[from % keys.length]!, domain) as SignedTx);
    froms.push(from);
    nonces[from]! += 1n;
    if (txs.length % 64 === 0 && encodeBatch({ feePairs, txs }).length > MAX_L1_DA_BYTES) break;
  }
  while (encodeBatch({ feePairs, txs }).length > MAX_L1_DA_BYTES) {
    txs.pop();
    nonces[froms.pop()!]! -= 1n;
  }
  return { genesis, batch: { feePairs, l1Messages: [], txs } };
}
