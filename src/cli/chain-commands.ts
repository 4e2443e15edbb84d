// `l2engine apply | trace | prove-step | verify-step | inspect`: the engine on files, in the spirit
// of go-ethereum's `evm t8n`. State lives in an LMDB data directory; batches come as JSON (or DA
// bytes without L1 messages); proofs go out as their flat binary (SPEC §11.5), results as msgpack for
// machines or JSON for people.

import { existsSync } from "node:fs";
import { Chain, type ChainBatch, type InboxRange } from "../store/chain.js";
import { decodeBatch } from "../da/codec.js";
import { checkGenesisSlot, Engine } from "../engine/engine.js";
import { LmdbStore } from "../node/lmdb-store.js";
import { nodeRecovery } from "../node/secp256k1-native.js";
import { decodeStepProof, encodeStepProof, entryAt, proveStep } from "../dispute/step-proof.js";
import { StepReferee } from "../dispute/referee.js";
import { normalizeAddress } from "../protocol/slot-encoding.js";
import { reasonName, type Batch, type BatchResult, type Hex, type Slot } from "../protocol/types.js";
import { encodeBatchResult } from "../store/records.js";
import { InvalidArgumentError } from "../protocol/errors.js";
import { isHash32Hex } from "../protocol/bytes.js";
import type { Eip712Domain } from "../protocol/eip712.js";
import { UsageError, parseArgs, required, type ParsedArgs } from "./args.js";
import { batchFromJson, FileInputError, parseJson, readBytes, readJson, toJson, writeFile } from "./files.js";
import { EXIT } from "./exit-codes.js";

const say = (s = "") => process.stdout.write(`${s}\n`);

export interface GenesisFile {
  chainId: bigint;
  verifyingContract: Hex;
  slots: Slot[];
}

/**
 * Opens the chain in `dir`; an empty or missing directory needs a genesis file. A genesis file
 * given for a directory that holds a chain must be the one it was created from (StoreError
 * DOMAIN_MISMATCH / GENESIS_MISMATCH, exit 1); a genesis file that cannot be read is bad usage.
 */
export function openChain(dir: string, genesisFile: string | undefined, mustExist: boolean): Chain {
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

/**
 * A genesis file `{ chainId, verifyingContract, slots }`; the engine checks each slot.
 * @throws UsageError if it cannot be read; FileInputError (exit 1) if its content is invalid.
 */
export function readGenesis(file: string): GenesisFile {
  const g = readJson<GenesisFile | null>(file, "a genesis file ({ chainId, verifyingContract, slots })");
  if (g === null || typeof g !== "object" || Array.isArray(g))
    throw new FileInputError(file, "", "a genesis file is a JSON object { chainId, verifyingContract, slots }");
  return checkGenesisFile(g, file);
}

/**
 * A parsed genesis file's fields and slots, checked as the engine will check them, so an error
 * names the file and the slot (`slots[3].owner`).
 * @throws FileInputError (exit 1).
 */
export function checkGenesisFile(g: GenesisFile, file: string): GenesisFile {
  if (typeof g.chainId !== "bigint") throw new FileInputError(file, "chainId", "must be a decimal string");
  if (typeof g.verifyingContract !== "string") throw new FileInputError(file, "verifyingContract", "must be a 0x-prefixed 20-byte hex address");
  if (!Array.isArray(g.slots)) throw new FileInputError(file, "slots", "must be an array of { owner, token, balance, nonce }");
  g.slots.forEach((slot, i) => {
    try {
      checkGenesisSlot(slot, i);
    } catch (e) {
      if (e instanceof InvalidArgumentError) throw new FileInputError(file, "", e.message.replace(/^genesis\[/, "slots["));
      throw e;
    }
  });
  return g;
}

/** The state a batch runs on, read-only: a fork of a chain's head, or a genesis in memory. */
export interface PreState {
  state: Engine;
  domain: Eip712Domain;
  /** The number the batch gets when applied (1 = the first after genesis). */
  batchNumber: number;
  close(): void;
}

/**
 * `--data-dir DIR` (the chain's current state) or `--genesis genesis.json` (that genesis in
 * memory): where sign, trace and prove-step take a batch's pre-state from.
 * @throws UsageError for neither or both, or a directory without a chain.
 */
export function openPreState(p: ParsedArgs, command: string): PreState {
  const dir = p.strings["data-dir"];
  const genesisFile = p.strings.genesis;
  if ((dir === undefined) === (genesisFile === undefined)) {
    throw new UsageError(
      `${command} needs ${dir === undefined ? "" : "only one of "}--data-dir DIR (the chain's current state) or --genesis genesis.json (a genesis state)`,
    );
  }
  if (genesisFile !== undefined) {
    const g = readGenesis(genesisFile);
    const state = Engine.create({ genesis: g.slots, chainId: g.chainId, verifyingContract: g.verifyingContract, recovery: nodeRecovery });
    return { state, domain: state.domain, batchNumber: 1, close: () => state.dispose() };
  }
  const chain = openChain(dir!, undefined, true);
  let state: Engine;
  try {
    state = chain.state.fork() as Engine; // never committed
  } catch (e) {
    chain.close();
    throw e;
  }
  return {
    state,
    domain: chain.state.domain,
    batchNumber: chain.head.batchCount + 1,
    close: () => {
      state.dispose();
      chain.close();
    },
  };
}

/**
 * A batch file: JSON `{ feePairs, inbox?, l1Messages, txs }`, or DA bytes (fee pairs and
 * transactions only: the inbox range is in a batch's header, not in its DA bytes, so such a batch
 * consumes no L1 messages here). `inbox` is the L1 inbox range the batch consumes, if the file
 * names it.
 */
export function readBatch(file: string): Batch & { inbox?: InboxRange } {
  const bytes = readBytes(file);
  // told by content, not name: JSON starts with "{" or "[", DA bytes with their version byte
  if (!/^\s*[{[]/.test(new TextDecoder().decode(bytes.subarray(0, 64)))) {
    const da = decodeBatch(bytes);
    return { feePairs: da.feePairs, l1Messages: [], txs: da.txs };
  }
  return batchFromJson(parseJson(new TextDecoder().decode(bytes), file, "a JSON batch ({ feePairs, inbox, l1Messages, txs })"), file);
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
    throw new UsageError(
      `${file} has ${batch.l1Messages.length} L1 messages but no inbox range: add "inbox": { "start": "<first inbox index>", "count": ${batch.l1Messages.length} } (the chain is at inbox index ${chain.head.nextInbox})`,
    );
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
  const p = parseArgs("trace", args, { strings: { "data-dir": undefined, genesis: undefined, out: undefined }, positionals: [1, 1] });
  const batch = readBatch(p.positionals[0]!);
  const pre = openPreState(p, "trace");
  try {
    const { result, steps, traceRoot: root } = pre.state.traceBatch(batch);
    say(`trace of ${steps.length - 1} steps on batch ${pre.batchNumber} (not committed): ${receiptSummary(result)}`);
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
    pre.close();
  }
}

export function proveStepCommand(args: string[]): number {
  const p = parseArgs("prove-step", args, {
    strings: { "data-dir": undefined, genesis: undefined, out: undefined },
    numbers: { step: undefined },
    positionals: [1, 1],
  });
  const step = p.numbers.step;
  if (step === undefined) throw new UsageError("prove-step needs --step N");
  const out = required(p, "prove-step", "out");
  const batchFile = p.positionals[0]!;
  const batch = readBatch(batchFile);
  checkStep(batchFile, batch, step);
  const pre = openPreState(p, "prove-step");
  try {
    const t0 = performance.now();
    const proof = proveStep(pre.state, batch, step);
    const bytes = encodeStepProof(proof);
    writeFile(out, bytes);
    say(
      `step ${step} (${entryAt(batch, step).kind}) of batch ${pre.batchNumber}: ${bytes.length}-byte proof written to ${out} in ${(performance.now() - t0).toFixed(0)} ms`,
    );
    say(`  witness slots    ${proof.witness.map((w) => w.index).join(", ") || "none"}`);
    return 0;
  } finally {
    pre.close();
  }
}

/**
 * A --step the batch has: like a --slot or --batch the data does not hold, one out of range is
 * invalid input (exit 1), not bad usage — only the batch file can tell.
 */
function checkStep(file: string, batch: Batch, step: number): void {
  const total = batch.l1Messages.length + batch.txs.length;
  if (step > total)
    throw new InvalidArgumentError(
      `--step ${step}: ${file} has no such step (its ${total} entries are steps 0 to ${total - 1}; step ${total} is fee settlement)`,
    );
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
    strings: { "chain-id": undefined, contract: undefined, agreed: undefined, claimed: undefined, trace: undefined },
    numbers: { step: undefined },
    positionals: [2, 2],
  });
  const [proofFile, batchFile] = p.positionals as [string, string];
  const chainIdText = required(p, "verify-step", "chain-id");
  if (!/^\d+$/.test(chainIdText)) throw new UsageError(`--chain-id must be a decimal integer, got ${chainIdText}`);
  const domain = { chainId: BigInt(chainIdText), verifyingContract: normalizeAddress(required(p, "verify-step", "contract"), "--contract") };
  const step = p.numbers.step;
  if (step === undefined) throw new UsageError("verify-step needs --step N (the disputed step of the batch)");
  const fromTrace = p.strings.trace === undefined ? undefined : traceCommitments(p.strings.trace, step);
  const agreed = commitmentOption(p, "agreed", fromTrace === undefined) ?? fromTrace!.agreed;
  const claimed = commitmentOption(p, "claimed", false) ?? fromTrace?.claimed;
  const proof = decodeStepProof(readBytes(proofFile));
  const batch = readBatch(batchFile);
  checkStep(batchFile, batch, step);
  const t0 = performance.now();
  const referee = new StepReferee(domain, { recovery: nodeRecovery });
  // without --claimed the honest post-commitment is printed: judge against the agreed one itself
  const verdict = referee.judgeStep({ batch, step, agreed, claimed: claimed ?? agreed, proof });
  const ms = performance.now() - t0;
  say(toJson({ step, kind: entryAt(batch, step).kind, status: reasonName(verdict.status), pre: agreed, post: verdict.post, verifyMs: Number(ms.toFixed(2)) }));
  if (claimed === undefined) return EXIT.OK;
  if (!verdict.convicted) {
    process.stderr.write("the claimed post-commitment is correct\n");
    return EXIT.OK;
  }
  process.stderr.write(`CONVICTED: the claimed post-commitment ${claimed} is not ${verdict.post}\n`);
  return EXIT.CONVICTED;
}

/** C_step and C_step+1 of a trace file (`trace --out`): the agreed and the claimed commitment. */
function traceCommitments(file: string, step: number): { agreed: Hex; claimed: Hex } {
  const t = readJson<{ steps?: unknown } | null>(file, "a trace ({ traceRoot, steps, preStateRoot, postStateRoot })");
  const steps = t !== null && typeof t === "object" ? t.steps : undefined;
  if (!Array.isArray(steps)) throw new FileInputError(file, "steps", "must be the array of step commitments trace --out writes");
  if (step + 1 >= steps.length) throw new InvalidArgumentError(`--step ${step}: ${file} has no such step (its commitments are C_0 to C_${steps.length - 1})`);
  for (const k of [step, step + 1]) {
    if (!isHash32Hex(steps[k])) throw new FileInputError(file, `steps[${k}]`, "must be a 0x-prefixed 32-byte hex commitment");
  }
  return { agreed: (steps[step] as string).toLowerCase() as Hex, claimed: (steps[step + 1] as string).toLowerCase() as Hex };
}
