// The main job (`npm start` = `l2engine demo`): a small rollup end to end with real keys, on an
// LMDB store — genesis, pools, batches of signed traffic recovered on worker threads while the
// chain applies and commits the previous batch, every batch encoded to DA bytes and decoded back,
// the store closed and reopened, and finally a dishonest proposer's claim about the last batch
// caught by bisection and convicted by a one-step proof.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { Chain, type ChainBatch } from "../store/chain.js";
import { LmdbStore } from "../node/lmdb-store.js";
import { toHex } from "../protocol/bytes.js";
import { Challenger, Proposer, playBisection } from "../dispute/bisection.js";
import { StepReferee, makeClaim } from "../dispute/referee.js";
import { decodeBatch, encodeBatch } from "../da/codec.js";
import { Engine } from "../engine/engine.js";
import { RecoverPool } from "../node/recover-pool.js";
import { Reason, reasonName, type Batch, type Hex, type L1Message, type SignedTx, type Slot } from "../protocol/types.js";
import { addressOf, signTransaction } from "../protocol/signatures.js";
import { encodeStepProof, proveStep } from "../dispute/step-proof.js";
import { nodeRecovery } from "../node/secp256k1-native.js";

export interface DemoOptions {
  slots: number;
  batches: number;
  batchSize: number;
  threads: number;
  seed: number;
  /** Where the chain is stored (must not hold one yet); a temporary directory by default. */
  dataDir?: string;
}

type Progress = (label: string, done: number, total: number) => void;

const USERS = 300;
const TOKENS = [1, 2, 3];
const DOMAIN = { chainId: 31337n, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Hex };

export class Rng {
  constructor(private s: number) {}
  next(): number {
    let x = this.s || 1;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.s = x;
    return x;
  }
  int(n: number): number {
    return this.next() % n;
  }
}

const line = (s = "") => process.stdout.write(`${s}\n`);
const fmt = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(0));
/** "batch 2" or "batches 2 to 5": chain numbers (1 = the first batch after genesis). */
const batchRange = (first: number, last: number) => (first === last ? `batch ${first}` : `batches ${first} to ${last}`);
const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));

export async function rollupDemo(o: DemoOptions, progress: Progress): Promise<void> {
  if (o.slots < 4 * (USERS + 1) || o.slots > 1 << 22) throw new RangeError(`--slots must be from ${4 * (USERS + 1)} to ${1 << 22}`);
  if (o.batches < 1 || o.batchSize < 10 || o.threads < 1) throw new RangeError("--batches ≥ 1, --batch-size ≥ 10, --threads ≥ 1");
  const rng = new Rng(o.seed * 2654435761);
  const started = performance.now();
  line(
    `l2engine demo: ${o.slots} slots, ${USERS} users with real secp256k1 keys, ${o.batches} traffic batch${o.batches === 1 ? "" : "es"} × ${o.batchSize} entries, ${o.threads} recovery threads`,
  );

  // ---- genesis: every user (and the sequencer, user USERS) holds one slot per token, spread over the state
  const keys = Array.from({ length: USERS + 1 }, (_, i) => toHex(keccak_256(new TextEncoder().encode(`l2engine demo key ${o.seed} ${i}`))));
  const owners = keys.map(addressOf);
  const stride = Math.floor(o.slots / ((USERS + 1) * TOKENS.length));
  const slotOf = (user: number, t: number) => (user * TOKENS.length + t) * stride;
  const genesis: Slot[] = new Array(o.slots);
  for (let i = 0; i < o.slots; i++) {
    genesis[i] = {
      owner: toHex(keccak_256(new Uint8Array([i & 255, (i >> 8) & 255, i >> 16, 7])).subarray(12)),
      token: TOKENS[i % 3]!,
      balance: BigInt(1 + rng.int(1e9)),
      nonce: 0n,
    };
  }
  for (let u = 0; u <= USERS; u++) {
    for (let t = 0; t < TOKENS.length; t++) genesis[slotOf(u, t)] = { owner: owners[u]!, token: TOKENS[t]!, balance: 10n ** 26n, nonce: 0n };
  }
  const dir = o.dataDir ?? mkdtempSync(join(tmpdir(), "l2engine-demo-"));
  const openStore = () => LmdbStore.open(dir);
  const existing = openStore();
  const held = existing.readHead();
  existing.close();
  if (held !== undefined) throw new RangeError(`--data-dir ${dir} already holds a chain (${held.batchCount} batches); give an empty or new directory`);
  let t0 = performance.now();
  let chain = Chain.open({ store: openStore(), genesis, ...DOMAIN, recovery: nodeRecovery });
  const genesisRoot = chain.head.stateRoot;
  // the sequencer takes the L1 messages of each batch from the inbox in order, right after the last
  const nextOnInbox = (b: Batch): ChainBatch => ({ ...b, inbox: { start: chain.head.nextInbox, count: b.l1Messages.length } });
  line(`genesis: ${o.slots} slots committed to LMDB at ${dir}, state root ${genesisRoot} (${(performance.now() - t0).toFixed(0)} ms)`);

  // ---- batch 1 (batches are numbered as the chain numbers them): two pools (token 1/2 and
  // token 2/3), and the sequencer's fee pairs; the traffic batches follow as batches 2, 3, …
  const feePairs = TOKENS.map((token, t) => ({ token, slot: slotOf(USERS, t) }));
  const nonces = new Map<number, bigint>();
  const nextNonce = (slot: number) => {
    const n = nonces.get(slot) ?? 0n;
    nonces.set(slot, n + 1n);
    return n;
  };
  const poolTxs: SignedTx[] = [0, 1].map((u) =>
    signTransaction(
      {
        type: "createPool",
        fromA: slotOf(u, u),
        fromB: slotOf(u, u + 1),
        amountA: 10n ** 24n,
        amountB: 10n ** 24n,
        feeBps: 30,
        nonce: nextNonce(slotOf(u, u)),
      },
      keys[u]!,
      DOMAIN,
    ),
  );
  const pools = [o.slots, o.slots + 4];
  const setup = chain.applyBatch(nextOnInbox({ feePairs, l1Messages: [], txs: poolTxs }));
  if (!setup.receipts.every((r) => r.status === Reason.OK)) throw new Error("pool creation failed");
  line(`batch 1: pools created at slots ${pools.join(" and ")} (token 1/2 and token 2/3, 0.30% fee)`);

  // ---- signed traffic: 70% transfers, 15% swaps, 5% withdrawals, 10% deposits from the L1 inbox
  const batches: Batch[] = [];
  const total = o.batches * o.batchSize;
  let signed = 0;
  let prepared = 0; // entries, deposits included: what the progress bar counts, so it ends at total
  t0 = performance.now();
  for (let b = 0; b < o.batches; b++) {
    const txs: SignedTx[] = [];
    const l1Messages: L1Message[] = [];
    for (let i = 0; i < o.batchSize; i++) {
      const u = rng.int(USERS);
      const r = rng.int(20);
      if (++prepared % 250 === 0) progress("signing (wallet side)", prepared, total);
      if (r < 2) {
        const t = rng.int(3);
        l1Messages.push({ kind: "deposit", owner: owners[u]!, token: TOKENS[t]!, amount: BigInt(1 + rng.int(100)) * 10n ** 18n, slot: slotOf(u, t) });
        continue;
      }
      const t = rng.int(3);
      const from = slotOf(u, t);
      if (r < 16) {
        const to = slotOf(rng.int(USERS), t);
        txs.push(
          signTransaction(
            { type: "transfer", from, to, amount: BigInt(1 + rng.int(5000)) * 10n ** 15n, fee: 10n ** 13n, nonce: nextNonce(from) },
            keys[u]!,
            DOMAIN,
          ),
        );
      } else if (r < 19) {
        const p = rng.int(2); // pool p trades tokens p+1 and p+2
        const dir = rng.int(2);
        const fromT = p + dir;
        const toT = p + 1 - dir;
        const f = slotOf(u, fromT);
        txs.push(
          signTransaction(
            { type: "swap", pool: pools[p]!, from: f, to: slotOf(u, toT), amountIn: BigInt(1 + rng.int(1000)) * 10n ** 16n, minOut: 0n, nonce: nextNonce(f) },
            keys[u]!,
            DOMAIN,
          ),
        );
      } else {
        txs.push(
          signTransaction({ type: "withdraw", from, amount: BigInt(1 + rng.int(50)) * 10n ** 17n, fee: 10n ** 13n, nonce: nextNonce(from) }, keys[u]!, DOMAIN),
        );
      }
      signed++;
    }
    batches.push({ feePairs, l1Messages, txs });
  }
  if (prepared % 250 !== 0) progress("signing (wallet side)", prepared, total);
  line(
    `${total} entries for ${batchRange(2, o.batches + 1)}: ${signed} transactions signed with ${USERS} keys (${((performance.now() - t0) / 1000).toFixed(1)} s, client-side work) and ${total - signed} L1 deposits`,
  );

  // ---- the sequencer: recover batch k+1 on worker threads while applying batch k; post DA bytes
  const pool = new RecoverPool({ domain: DOMAIN, threads: o.threads });
  const last = batches.length - 1;
  let applyMs = 0;
  let daBytes = 0;
  let ok = 0;
  const reasons = new Map<string, number>();
  const signersOf: (Hex | null)[][] = [];
  t0 = performance.now();
  let pending = pool.recover(batches[0]!.txs);
  for (let k = 0; k < batches.length; k++) {
    const signers = await pending;
    signersOf.push(signers);
    if (k + 1 < batches.length) pending = pool.recover(batches[k + 1]!.txs);
    if (k === last) break; // the last batch goes through the dispute below
    const a = performance.now();
    const onInbox = nextOnInbox(batches[k]!);
    const res = chain.applyBatch(onInbox, { signers }); // executes, then commits in one transaction
    applyMs += performance.now() - a;
    for (const r of res.receipts) {
      if (r.status === Reason.OK) ok++;
      else reasons.set(reasonName(r.status), (reasons.get(reasonName(r.status)) ?? 0) + 1);
    }
    const bytes = encodeBatch({ feePairs, txs: batches[k]!.txs });
    if (json(decodeBatch(bytes).txs) !== json(batches[k]!.txs)) throw new Error("DA bytes did not decode to the batch");
    daBytes += bytes.length;
    progress("sequencing", k + 1, last); // every batch but the last, which is disputed first
  }
  await pool.close();
  const e2eSeconds = (performance.now() - t0) / 1000;
  const applied = batches.slice(0, last).reduce((n, b) => n + b.txs.length + b.l1Messages.length, 0);
  const appliedTxs = batches.slice(0, last).reduce((n, b) => n + b.txs.length, 0);
  const outcome = `${ok}/${applied} entries OK${reasons.size ? ` (${[...reasons].map(([k, v]) => `${v} ${k}`).join(", ")})` : ""}`;
  line(last === 0 ? "no traffic batch before the disputed one" : `applied and committed ${batchRange(2, last + 1)}: ${outcome}`);

  // ---- a restart: close the store and reopen it; the state comes back without replaying batches
  const rootBefore = chain.head.stateRoot;
  chain.close();
  t0 = performance.now();
  chain = Chain.open({ store: openStore(), ...DOMAIN, recovery: nodeRecovery });
  const reopenMs = performance.now() - t0;
  if (chain.state.stateRoot() !== rootBefore) throw new Error("the reopened state has another root");
  line(
    `reopened the store: ${chain.head.slotCount} slots after batch ${chain.head.batchCount}, root ${rootBefore.slice(0, 18)}… restored in ${reopenMs.toFixed(0)} ms`,
  );
  const engine = chain.state;

  // ---- the last batch: an honest trace, and a dishonest proposer's claim about it
  const preLast = engine.fork(); // the batch's pre-state, kept for the one-step proof
  const honestFork = engine.fork(); // tracing applies the batch: do it off the committed chain
  const honest = honestFork.traceBatch(batches[last]!, { signers: signersOf[last]! });
  honestFork.dispose();
  const liar = Engine.create({ genesis, ...DOMAIN });
  liar.applyBatch({ feePairs, l1Messages: [], txs: poolTxs });
  for (let k = 0; k < last; k++) liar.applyBatch(batches[k]!, { signers: signersOf[k]! });
  const lastTxs = batches[last]!.txs;
  let victim = Math.floor(lastTxs.length / 2);
  while (victim < lastTxs.length && !("amount" in lastTxs[victim]!)) victim++; // a transfer or withdrawal
  const forged = {
    ...batches[last]!,
    txs: batches[last]!.txs.map((tx, i) => (i === victim && "amount" in tx ? { ...tx, amount: tx.amount + 1n } : tx)) as SignedTx[],
  };
  const claim = liar.traceBatch(forged, { signers: signersOf[last]! }); // it pretends the signature still holds
  // the referee (what L1 runs) trusts only the agreed pre-state root, the posted batch and the
  // claim; it checks the parties' moves in a core of its own, never the chain's
  const referee = new StepReferee(DOMAIN, { recovery: nodeRecovery });
  const pre = { stateRoot: engine.stateRoot(), treeRoot: engine.treeRoot(), slotCount: engine.slotCount() };
  const posted = makeClaim(batches[last]!, claim, pre.slotCount, DOMAIN);
  t0 = performance.now();
  const game = referee.openDispute(batches[last]!, pre, posted);
  const dispute = playBisection(game, new Proposer(claim.steps), new Challenger(honest.steps));
  const disputeMs = performance.now() - t0;
  const step = dispute.step;
  const l1 = batches[last]!.l1Messages.length;
  const disputed = chain.head.batchCount + 1; // the chain's number for the last batch
  line(
    `dispute over batch ${disputed} (${batches[last]!.l1Messages.length + lastTxs.length} entries): the proposer claims post-state ${claim.result.postStateRoot.slice(0, 18)}…, the honest one is ${honest.result.postStateRoot.slice(0, 18)}…`,
  );
  line(
    `  bisection: ${dispute.rounds} rounds over ${honest.steps.length - 1} steps → first disputed step ${step} (${step >= l1 ? `transaction ${step - l1}` : `L1 message ${step}`}; the forged one was transaction ${victim}) in ${disputeMs.toFixed(0)} ms`,
  );
  line(
    `  agreed pre-state ${dispute.pre.slice(0, 18)}…, proposer's post ${dispute.proposerPost.slice(0, 18)}… ≠ honest post ${dispute.challengerPost.slice(0, 18)}…`,
  );
  if (step !== l1 + victim) throw new Error("bisection did not find the forged transaction");
  // ---- the one-step proof: re-execute just that step, statelessly, in the same WASM loop
  t0 = performance.now();
  const proofBytes = encodeStepProof(proveStep(preLast, batches[last]!, step, { signers: signersOf[last]! }));
  const proveMs = performance.now() - t0;
  t0 = performance.now();
  const verdict = referee.judgeStep({ batch: batches[last]!, step, agreed: dispute.pre, claimed: dispute.proposerPost, proof: proofBytes });
  const verifyMs = performance.now() - t0;
  preLast.dispose();
  const convicted = verdict.convicted && verdict.post === dispute.challengerPost;
  line(
    `  one-step proof: ${proofBytes.length} bytes (proved in ${proveMs.toFixed(0)} ms), verified in ${verifyMs.toFixed(1)} ms (first call, cold) → the proposer is ${convicted ? "CONVICTED" : "not convicted"}`,
  );
  if (!convicted) throw new Error("verifyStep did not convict the dishonest proposer");
  const final = chain.applyBatch(nextOnInbox(batches[last]!), { signers: signersOf[last]! }); // the honest result is committed
  if (final.postStateRoot !== honest.result.postStateRoot) throw new Error("the committed batch differs from the honest trace");
  line(
    `batch ${disputed} committed with the honest result: ${final.receipts.filter((r) => r.status === Reason.OK).length}/${final.receipts.length} entries OK`,
  );

  // ---- summary
  line("");
  line("summary");
  const rows: [string, string][] = [
    [
      "state",
      `${chain.head.slotCount} slots after ${chain.head.batchCount} batches (the pools, then ${total} entries of traffic), root ${chain.head.stateRoot}`,
    ],
    ["store (LMDB)", `reopened ${fmt(chain.head.slotCount)} slots in ${reopenMs.toFixed(0)} ms, root checked`],
    [
      "apply + LMDB commit (senders recovered)",
      applied === 0 ? "— (no batch before the disputed one)" : `${fmt((applied / applyMs) * 1000)} entries/s (${applied} entries in ${applyMs.toFixed(0)} ms)`,
    ],
    [
      "end to end incl. signature recovery",
      `${fmt((applied + batches[last]!.txs.length) / e2eSeconds)} entries/s on ${o.threads} recovery threads (${nodeRecovery.name})`,
    ],
    [
      "DA bytes per transaction",
      appliedTxs === 0 ? "— (no batch before the disputed one)" : `${(daBytes / appliedTxs).toFixed(1)} (L1 messages are not in DA)`,
    ],
    ["dispute", `step ${step} found in ${dispute.rounds} rounds; trace root ${honest.traceRoot.slice(0, 18)}…`],
    ["one-step proof", `${proofBytes.length} bytes, verified cold in ${verifyMs.toFixed(1)} ms (signature recovery included): convicted`],
    ["wall time", `${((performance.now() - started) / 1000).toFixed(1)} s`],
  ];
  for (const [k, v] of rows) line(`  ${k.padEnd(40)} ${v}`);
  chain.close();
  liar.dispose();
  if (o.dataDir === undefined) rmSync(dir, { recursive: true, force: true });
}
