// `l2engine apply | trace | prove-step | verify-step | inspect`: the engine on files, in the spirit
// of go-ethereum's `evm t8n`. State lives in an LMDB data directory; batches come as JSON (or DA
// bytes without L1 messages); proofs go out as their flat binary (SPEC §11.5), results as msgpack for
// machines or JSON for people.

import { existsSync } from "node:fs";
import { Chain, type ChainBatch, type InboxRange } from "../store/chain.js";
import { decodeBatch, DA_VERSION } from "../da/codec.js";
import { LmdbStore } from "../node/lmdb-store.js";
import { nodeRecovery } from "../node/secp256k1-native.js";
import { decodeStepProof, encodeStepProof, entryAt, proveStep } from "../dispute/step-proof.js";
import { StepReferee } from "../dispute/referee.js";
import { normalizeAddress } from "../protocol/slot-encoding.js";
import { reasonName, type Batch, type BatchResult, type Hex, type Slot } from "../protocol/types.js";
import { encodeBatchResult } from "../store/records.js";
import { L2EngineError } from "../protocol/errors.js";
import { isHash32Hex } from "../protocol/bytes.js";
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

/**
 * Opens the chain in `dir`; an empty or missing directory needs a genesis file. A genesis file
 * given for a directory that holds a chain must be the one it was created from (StoreError
 * DOMAIN_MISMATCH / GENESIS_MISMATCH, exit 1); a genesis file that cannot be read is bad usage.
 */
function openChain(dir: string, genesisFile: string | undefined, mustExist: boolean): Chain {
  if (mustExist && !existsSync(dir)) throw new UsageError(`no data directory at ${dir}`);
  const g = genesisFile === undefined ? undefined : readGenesis(genesisFile); // before the store is locked
  const store = LmdbStore.open(dir);
  try {
    const head = store.readHead();
    if (head === undefined) {
      if (g === undefined) throw new UsageError(`${dir} holds no chain yet: pass --genesis <genesis.json> to create it`);
      const chain = Chain.open({ store, genesis: g.slots, chainId: g.chainId, verifyingContract: g.verifyingContract, recovery: nodeRecovery });
      say(`created the chain in ${dir}: ${chain.head.slotCount} genesis slots, state root ${chain.head.stateRoot}`);
      return chain;
    }
    if (g !== undefined) return Chain.open({ store, genesis: g.slots, chainId: g.chainId, verifyingContract: g.verifyingContract, recovery: nodeRecovery });
    return Chain.open({ store, chainId: head.chainId, verifyingContract: head.verifyingContract, recovery: nodeRecovery });
  } catch (e) {
    store.close();
    throw e;
  }
}

function readGenesis(file: string): GenesisFile {
  const g = readJson<GenesisFile>(file, "a genesis file ({ chainId, verifyingContract, slots })");
  if (!Array.isArray(g?.slots)) throw new UsageError(`${file} has no slots array`);
  return g;
}

/**
 * A batch file: JSON `{ feePairs, inbox?, l1Messages, txs }`, or DA bytes (fee pairs and
 * transactions only: the inbox range is in a batch's header, not in its DA bytes, so such a batch
 * consumes no L1 messages here). `inbox` is the L1 inbox range the batch consumes, if the file
 * names it.
 */
function readBatch(file: string): Batch & { inbox?: InboxRange } {
  if (!file.endsWith(".json")) {
    const da = decodeBatch(readBytes(file));
    return { feePairs: da.feePairs, l1Messages: [], txs: da.txs };
  }
  return readBatchJson(file);
}

/**
 * The batch on the chain's inbox: the range the file names (the chain refuses one that is not
 * next: a replayed file is INBOX_REPLAY, exit 1). A JSON batch without L1 messages may leave it
 * out and consumes the empty range at the chain's next index; with L1 messages it must name it,
 * or applying the file twice would credit its deposits twice.
 */
function onInbox(file: string, batch: Batch & { inbox?: InboxRange }, chain: Chain): ChainBatch {
  if (batch.inbox !== undefined) return { ...batch, inbox: batch.inbox };
  if (batch.l1Messages.length > 0) {
    throw new UsageError(`${file} has ${batch.l1Messages.length} L1 messages but no inbox range: add "inbox": { "start": "<first inbox index>", "count": ${batch.l1Messages.length} } (the chain is at inbox index ${chain.head.nextInbox})`);
  }
  return { ...batch, inbox: { start: chain.head.nextInbox, count: 0 } };
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
    const result = chain.applyBatch(onInbox(p.positionals[0]!, batch, chain));
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
    say(`step ${step} (${entryAt(batch, step).kind}) of batch ${chain.head.batchCount + 1}: ${bytes.length}-byte proof written to ${out} in ${(performance.now() - t0).toFixed(0)} ms`);
    say(`  witness slots    ${proof.witness.map((w) => w.index).join(", ") || "none"}`);
    return 0;
  } finally {
    chain.close();
  }
}

/** A 32-byte commitment given on the command line. */
function commitmentOption(p: ReturnType<typeof parseArgs>, name: string, need: boolean): Hex | undefined {
  const v = need ? required(p, "verify-step", name) : p.strings[name];
  if (v === undefined) return undefined;
  if (!isHash32Hex(v)) throw new UsageError(`--${name} must be a 0x-prefixed 32-byte hex commitment, got ${v}`);
  return v.toLowerCase() as Hex;
}

/**
 * The referee on files: the step and its entry come from the posted batch, the proof must start at
 * the agreed C_step, and the proposer is convicted when its claimed C_step+1 is not the result.
 */
export function verifyStepCommand(args: string[]): number {
  const p = parseArgs("verify-step", args, {
    strings: { "chain-id": undefined, contract: undefined, agreed: undefined, claimed: undefined },
    numbers: { step: undefined },
    positionals: [2, 2],
  });
  const [proofFile, batchFile] = p.positionals as [string, string];
  const chainIdText = required(p, "verify-step", "chain-id");
  if (!/^\d+$/.test(chainIdText)) throw new UsageError(`--chain-id must be a decimal integer, got ${chainIdText}`);
  const domain = { chainId: BigInt(chainIdText), verifyingContract: normalizeAddress(required(p, "verify-step", "contract"), "--contract") };
  const step = p.numbers.step;
  if (step === undefined) throw new UsageError("verify-step needs --step N (the disputed step of the batch)");
  const agreed = commitmentOption(p, "agreed", true)!;
  const claimed = commitmentOption(p, "claimed", false);
  const proof = decodeStepProof(readBytes(proofFile));
  const batch = readBatch(batchFile);
  const total = batch.l1Messages.length + batch.txs.length;
  if (step > total) throw new UsageError(`--step must be from 0 to ${total} (the batch has ${total} entries; step ${total} is fee settlement)`);
  const t0 = performance.now();
  const referee = new StepReferee(domain, { recovery: nodeRecovery });
  // without --claimed the honest post-commitment is printed: judge against the agreed one itself
  const verdict = referee.judgeStep({ batch, step, agreed, claimed: claimed ?? agreed, proof });
  const ms = performance.now() - t0;
  say(toJson({ step, kind: entryAt(batch, step).kind, status: reasonName(verdict.status), pre: agreed, post: verdict.post, verifyMs: Number(ms.toFixed(2)) }));
  if (claimed === undefined) return 0;
  if (!verdict.convicted) {
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
  // both formats start with version byte 1: DA bytes are tried first, then a step proof
  let daError: L2EngineError | undefined;
  try {
    const da = decodeBatch(bytes);
    const types = new Map<string, number>();
    for (const tx of da.txs) types.set(tx.type, (types.get(tx.type) ?? 0) + 1);
    say(toJson({ file, format: `DA v${DA_VERSION}`, bytes: bytes.length, feePairs: da.feePairs, txs: da.txs.length, types: Object.fromEntries(types), bytesPerTx: da.txs.length ? Number((bytes.length / da.txs.length).toFixed(1)) : null }));
    return 0;
  } catch (e) {
    if (!(e instanceof L2EngineError)) throw e;
    daError = e;
  }
  let proof;
  try {
    proof = decodeStepProof(bytes);
  } catch (e) {
    if (e instanceof L2EngineError) throw new FileInputError(file, "", `neither DA bytes nor a step proof (as DA bytes: ${daError.message}; as a step proof: ${e.message})`);
    throw e;
  }
  say(toJson({
    file, format: "step proof", bytes: bytes.length, treeRoot: proof.treeRoot, slotCount: proof.slotCount,
    withdrawalCount: proof.withdrawalCount, baseSlotCount: proof.baseSlotCount, fees: proof.fees, witness: proof.witness.map((w) => w.index),
    slotProofBytes: proof.slotProof.length, withdrawalProofBytes: proof.withdrawalProof?.length ?? 0,
  }));
  return 0;
}
