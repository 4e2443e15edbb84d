// `l2engine apply | trace | prove-step | verify-step | inspect`: the engine on files, in the spirit
// of go-ethereum's `evm t8n`. State lives in an LMDB data directory; batches come as JSON (or DA
// bytes without L1 messages); proofs and results go out as msgpack for machines or JSON for people.

import { existsSync } from "node:fs";
import { Chain } from "../chain.js";
import { decodeBatch, DA_VERSION } from "../codec.js";
import { LmdbStore } from "../node/lmdb-store.js";
import { secp256k1WasmRecovery } from "../node/secp256k1-wasm.js";
import { entryAt, proveStep, verifyStep } from "../proof.js";
import { normalizeAddress } from "../protocol/encoding.js";
import { reasonName, type Batch, type BatchResult, type Hex, type Slot } from "../protocol/types.js";
import { decodeStepProof, encodeBatchResult, encodeStepProof } from "../records.js";
import { L2EngineError } from "../errors.js";
import { UsageError, parseArgs, required } from "./args.js";
import { FileInputError, readBatchJson, readBytes, readJson, toJson, writeFile } from "./files.js";

/** Exit code when verify-step convicts the claimed post-commitment. */
export const EXIT_CONVICTED = 3;

const say = (s = "") => process.stdout.write(`${s}\n`);

interface GenesisFile {
  chainId: bigint;
  verifyingContract: Hex;
  slots: Slot[];
}

/** Opens the chain in `dir`; an empty or missing directory needs a genesis file. */
function openChain(dir: string, genesisFile: string | undefined, mustExist: boolean): Chain {
  if (mustExist && !existsSync(dir)) throw new UsageError(`no data directory at ${dir}`);
  const store = LmdbStore.open(dir);
  try {
    const head = store.readHead();
    if (head === undefined) {
      if (genesisFile === undefined) throw new UsageError(`${dir} holds no chain yet: pass --genesis <genesis.json> to create it`);
      const g = readJson<GenesisFile>(genesisFile, "a genesis file ({ chainId, verifyingContract, slots })");
      if (!Array.isArray(g?.slots)) throw new UsageError(`${genesisFile} has no slots array`);
      const chain = Chain.open({ store, genesis: g.slots, chainId: g.chainId, verifyingContract: g.verifyingContract, recovery: secp256k1WasmRecovery });
      say(`created the chain in ${dir}: ${chain.head.slotCount} genesis slots, state root ${chain.head.stateRoot}`);
      return chain;
    }
    return Chain.open({ store, chainId: head.chainId, verifyingContract: head.verifyingContract, recovery: secp256k1WasmRecovery });
  } catch (e) {
    store.close();
    throw e;
  }
}

/** A batch file: JSON `{ feeSlots, l1Messages, txs }`, or DA bytes (which carry no L1 messages). */
function readBatch(file: string): Batch {
  if (!file.endsWith(".json")) {
    const da = decodeBatch(readBytes(file));
    if (da.inbox.count > 0) throw new UsageError(`${file} takes ${da.inbox.count} L1 messages from the inbox: give the batch as JSON with its l1Messages`);
    return { feeSlots: da.feeSlots, l1Messages: [], txs: da.txs };
  }
  return readBatchJson(file);
}

function receiptSummary(result: BatchResult): string {
  const counts = new Map<string, number>();
  for (const r of result.receipts) counts.set(reasonName(r.status), (counts.get(reasonName(r.status)) ?? 0) + 1);
  return [...counts].map(([k, v]) => `${v} ${k}`).join(", ") || "no entries";
}

export function apply(args: string[]): number {
  const p = parseArgs("apply", args, { strings: { "data-dir": undefined, genesis: undefined, out: undefined }, positionals: [1, 1] });
  const batch = readBatch(p.positionals[0]!);
  const chain = openChain(required(p, "apply", "data-dir"), p.strings.genesis, false);
  try {
    const result = chain.applyBatch(batch);
    say(`batch ${chain.head.batchCount} committed: ${result.receipts.length} entries (${receiptSummary(result)})`);
    say(`  pre-state root   ${result.preStateRoot}`);
    say(`  post-state root  ${result.postStateRoot}`);
    say(`  slots            ${result.slotCount}`);
    say(`  withdrawals      ${result.withdrawals.length}, root ${result.withdrawalsRoot}`);
    const out = p.strings.out;
    if (out !== undefined) {
      writeFile(out, out.endsWith(".json") ? toJson(result) : encodeBatchResult(result));
      say(`  result written to ${out}`);
    }
    return 0;
  } finally {
    chain.close();
  }
}

export function trace(args: string[]): number {
  const p = parseArgs("trace", args, { strings: { "data-dir": undefined, out: undefined }, positionals: [1, 1] });
  const batch = readBatch(p.positionals[0]!);
  const chain = openChain(required(p, "trace", "data-dir"), undefined, true);
  const fork = chain.state.fork(); // a trace never commits
  try {
    const { result, steps, traceRoot: root } = fork.traceBatch(batch);
    say(`trace of ${steps.length - 1} steps on batch ${chain.head.batchCount + 1} (not committed): ${receiptSummary(result)}`);
    say(`  trace root       ${root}`);
    say(`  first step       ${steps[0]}`);
    say(`  last step        ${steps[steps.length - 1]}`);
    const out = p.strings.out;
    if (out !== undefined) {
      writeFile(out, toJson({ traceRoot: root, steps, preStateRoot: result.preStateRoot, postStateRoot: result.postStateRoot }));
      say(`  steps written to ${out}`);
    }
    return 0;
  } finally {
    fork.dispose();
    chain.close();
  }
}

export function proveStepCommand(args: string[]): number {
  const p = parseArgs("prove-step", args, { strings: { "data-dir": undefined, out: undefined }, numbers: { step: undefined }, positionals: [1, 1] });
  const batch = readBatch(p.positionals[0]!);
  const step = p.numbers.step;
  if (step === undefined) throw new UsageError("prove-step needs --step N");
  const out = required(p, "prove-step", "out");
  const total = batch.l1Messages.length + batch.txs.length;
  if (step > total) throw new UsageError(`--step must be from 0 to ${total} (the batch has ${total} entries; step ${total} is fee settlement)`);
  const chain = openChain(required(p, "prove-step", "data-dir"), undefined, true);
  try {
    const t0 = performance.now();
    const proof = proveStep(chain.state, batch, step);
    const bytes = encodeStepProof(proof);
    writeFile(out, bytes);
    say(`step ${step} (${proof.kind}) of batch ${chain.head.batchCount + 1}: ${bytes.length}-byte proof written to ${out} in ${(performance.now() - t0).toFixed(0)} ms`);
    say(`  witness slots    ${proof.witness.map((w) => w.index).join(", ") || "none"}`);
    return 0;
  } finally {
    chain.close();
  }
}

export function verifyStepCommand(args: string[]): number {
  const p = parseArgs("verify-step", args, { strings: { "chain-id": undefined, contract: undefined, claimed: undefined }, positionals: [2, 2] });
  const [proofFile, batchFile] = p.positionals as [string, string];
  const chainIdText = required(p, "verify-step", "chain-id");
  if (!/^\d+$/.test(chainIdText)) throw new UsageError(`--chain-id must be a decimal integer, got ${chainIdText}`);
  const domain = { chainId: BigInt(chainIdText), verifyingContract: normalizeAddress(required(p, "verify-step", "contract"), "--contract") };
  const proof = decodeStepProof(readBytes(proofFile));
  const batch = readBatch(batchFile);
  const total = batch.l1Messages.length + batch.txs.length;
  if (proof.step > total) throw new UsageError(`the proof is for step ${proof.step}, but the batch has only ${total + 1} steps`);
  const t0 = performance.now();
  const verdict = verifyStep(proof, entryAt(batch, proof.step).entry, domain, { recovery: secp256k1WasmRecovery });
  const ms = performance.now() - t0;
  say(toJson({ step: proof.step, kind: proof.kind, status: reasonName(verdict.status), pre: verdict.pre, post: verdict.post, verifyMs: Number(ms.toFixed(2)) }));
  const claimed = p.strings.claimed;
  if (claimed === undefined) return 0;
  if (claimed.toLowerCase() === verdict.post) {
    process.stderr.write("the claimed post-commitment is correct\n");
    return 0;
  }
  process.stderr.write(`CONVICTED: the claimed post-commitment ${claimed} is not ${verdict.post}\n`);
  return EXIT_CONVICTED;
}

export function inspect(args: string[]): number {
  const p = parseArgs("inspect", args, { strings: { "data-dir": undefined, owner: undefined }, numbers: { slot: undefined, batch: undefined }, positionals: [0, 1] });
  if (p.positionals.length === 1) return inspectFile(p.positionals[0]!);
  const chain = openChain(required(p, "inspect", "data-dir"), undefined, true);
  try {
    const { slot, batch } = p.numbers;
    const owner = p.strings.owner;
    if (slot !== undefined) say(toJson({ slot, ...chain.state.getSlot(slot) }));
    else if (batch !== undefined) {
      const stored = chain.batch(batch);
      if (stored === undefined) throw new UsageError(`no batch ${batch} (the chain has ${chain.head.batchCount})`);
      say(toJson(stored));
    } else if (owner !== undefined) say(toJson({ owner, slots: chain.state.slotsOf(owner) }));
    else say(toJson(chain.head));
    return 0;
  } finally {
    chain.close();
  }
}

/** What a step proof or DA file holds. */
function inspectFile(file: string): number {
  const bytes = readBytes(file);
  if (bytes[0] === DA_VERSION) {
    const da = decodeBatch(bytes);
    const types = new Map<string, number>();
    for (const tx of da.txs) types.set(tx.type, (types.get(tx.type) ?? 0) + 1);
    say(toJson({ file, format: `DA v${DA_VERSION}`, bytes: bytes.length, feeSlots: da.feeSlots, inbox: da.inbox, txs: da.txs.length, types: Object.fromEntries(types), bytesPerTx: da.txs.length ? Number((bytes.length / da.txs.length).toFixed(1)) : null }));
    return 0;
  }
  let proof;
  try {
    proof = decodeStepProof(bytes);
  } catch (e) {
    if (e instanceof L2EngineError) throw new FileInputError(file, "", `neither DA bytes nor a step proof (${e.message})`);
    throw e;
  }
  say(toJson({
    file, format: "step proof", bytes: bytes.length, step: proof.step, kind: proof.kind, treeRoot: proof.treeRoot, slotCount: proof.slotCount,
    withdrawalCount: proof.withdrawalCount, feeSlots: proof.feeSlots, witness: proof.witness.map((w) => w.index),
    slotProofBytes: proof.slotProof.length, withdrawalProofBytes: proof.withdrawalProof.length,
  }));
  return 0;
}
