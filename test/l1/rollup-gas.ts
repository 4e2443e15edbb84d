// Gas of the rollup's L1 operations (issue 12's named figures), measured on the real contracts
// wired as src/l1/deploy.ts wires them (Inbox → Batches → Claims → StepVerifier → OneStepProver →
// DisputeGame → Bridge, the two binds, DESIGN §7's defaults) on the in-process Prague EVM of the
// dispute-game tests (game-fixture.ts: each call a fresh transaction — warm set and EIP-2200
// original values reset — priced whole: 21,000 + EIP-7623 calldata + execution, as anvil's receipt).
//
// One rollup's story: batch 1, a full calldata batch of real signed transfers (~120,000 DA bytes),
// is posted; a wrong claim on it (its last transfer "failed": the settle walks the whole batch) and
// the honest one are proposed; the wrong one is challenged and played to the end by src/l1/game.ts's
// parties; deposits and a forced exit queue; the honest claim confirms; batch 2 consumes the inbox
// and its claim — whose withdrawals root is a 2^20 − 1 withdrawal tree (claims-evm.ts) — is
// proposed on it, confirmed, and withdrawals paid. The blob-bound step is the last transfer of the
// same batch posted as one blob, through the deployed OneStepProver.
//
// Deterministic: gas is counted, not timed; the batch and keys are seeded. bench/l1.js runs
// `vite-node test/l1/rollup-gas.ts --json` (and guards the targets); test/l1/rollup-gas.test.ts
// checks them too.
import { readFileSync } from "node:fs";
import { encodeFunctionData, type Hex } from "viem";
import { keccak_256 } from "@noble/hashes/sha3.js";
import {
  Engine,
  addressOf,
  commitmentOf,
  domainSeparator,
  encodeBatch,
  encodeClaim,
  fromHex,
  headerHash,
  toHex,
  type BatchHeader,
  type Claim,
} from "../../src/index.js";
import { nodeRecovery } from "../../src/node.js";
import { ROLLUP_DEFAULTS } from "../../src/l1/deploy.js";
import { loadBlobKzg, makeBlobSidecar } from "../../src/l1/blobs.js";
import { startLevel, type GameBatch } from "../../src/l1/game.js";
import { largeWithdrawalTree } from "./claims-evm.js";
import {
  CHALLENGER,
  DEPLOYER,
  GameBench,
  GameChallenger,
  GameProposer,
  PHASE,
  PROPOSER,
  STRANGER,
  ZERO32,
  claimFor,
  openingOfEngine,
  play,
  proofsOf,
  storyOf,
  withFailedTx,
  type Contract,
  type Deployment,
  type TxResult,
} from "./game-fixture.js";
import { TEST_KEYS, fullTransferBatch, headerArg } from "./glue.js";

/**
 * The targets issue 12 sets (gas of whole transactions; submitBatchPerTx per transfer), kept in
 * bench/floors.json's gasCeilings, which bench/run.js guards in CI.
 */
export const ROLLUP_GAS_TARGETS: Record<string, number> = (
  JSON.parse(readFileSync(new URL("../../bench/floors.json", import.meta.url), "utf8")) as { gasCeilings: Record<string, number> }
).gasCeilings;

export interface RollupGas {
  /** Named figures for bench/results.json extras (gas of whole transactions unless named otherwise). */
  figures: Record<string, number>;
  /** What each figure measured, in words, for the bench output. */
  notes: Record<string, string>;
}

const SEQUENCER = "0x00000000000000000000000000000000000005e9" as Hex;
const HONEST = "0x00000000000000000000000000000000000000a2" as Hex;
const ALICE = "0x000000000000000000000000000000000000a11c" as Hex; // finite allowance
const BOB = "0x0000000000000000000000000000000000000b0b" as Hex; // unlimited allowance
const NO_SLOT = 0xffffffff;
const UNLIMITED = (1n << 256n) - 1n;

function ok<T>(r: TxResult<T>, what: string): TxResult<T> {
  if (!r.ok) throw new Error(`rollup-gas: ${what} reverted: ${r.error?.name}(${r.error?.args.join(", ")})`);
  return r;
}

const n = (x: bigint) => Number(x);
/** Between the long synchronous phases (signing, tracing, proving ~1,700 steps): lets a vitest worker answer its RPC. */
const breathe = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Measures every figure; see the file's head for the story. `blob: false` leaves out
 * l1.gas.blobStep: loading kzg-wasm's trusted setup alone takes ~25 s on a busy 2-core machine,
 * more than everything else together (quick mode).
 */
export async function measureRollupGas(options: { blob?: boolean } = {}): Promise<RollupGas> {
  const figures: Record<string, number> = {};
  const notes: Record<string, string> = {};
  const kzg = options.blob === false ? null : await loadBlobKzg();
  const bench = await GameBench.create(kzg === null ? {} : { kzg: kzg.wasm });
  for (const a of [HONEST, SEQUENCER, ALICE, BOB]) await bench.fund(a, 10n ** 21n);
  const s7 = ROLLUP_DEFAULTS;

  // the contracts in deployRollup's order; Claims needs the genesis root, which needs the domain
  const token = await bench.deploy("TestToken", ["Test", "TT"]);
  const inbox = await bench.deploy("Inbox", [[1], [token.address]]);
  const batches = await bench.deploy("Batches", [inbox.address, SEQUENCER, s7.forceDelaySeconds, [], 0n]);
  const domain = { chainId: 1n, verifyingContract: inbox.address }; // ethereumjs's mainnet: chain id 1
  await breathe();
  const { genesis, batch: full } = fullTransferBatch(TEST_KEYS.slice(0, 4), domain);
  await breathe();
  const engine = Engine.create({ genesis, ...domain, recovery: nodeRecovery });
  try {
    const genesisStateRoot = engine.stateRoot();
    const claims = await bench.deploy("Claims", [
      batches.address,
      genesisStateRoot,
      s7.claimBondWei,
      s7.challengeWindowSeconds,
      s7.escapeDelaySeconds,
      s7.burnBps,
    ]);
    const verifier = await bench.deploy("StepVerifier");
    const prover = await bench.deploy("OneStepProver", [verifier.address]);
    const game = await bench.deploy("DisputeGame", [
      claims.address,
      batches.address,
      inbox.address,
      prover.address,
      s7.challengeBondWei,
      s7.clockPerSideSeconds,
      s7.burnBps,
    ]);
    const bridge = await bench.deploy("Bridge", [claims.address, batches.address, inbox.address]);
    ok(await inbox.send("bind", [bridge.address], { from: DEPLOYER }), "inbox.bind");
    ok(await claims.send("bind", [game.address], { from: DEPLOYER }), "claims.bind");
    const d: Deployment = { bench, claims, batches, inbox, game, genesisStateRoot };

    // batch 1: the full batch, as calldata (the first batch: it also writes Batches' state word from zero)
    const da = encodeBatch({ feePairs: full.feePairs, txs: full.txs });
    const transfers = full.txs.length;
    const post1 = ok(await batches.send("postBatch", [1n, 0, toHex(da), "0x"], { from: SEQUENCER }), "postBatch 1");
    const header1: BatchHeader = {
      index: 1n,
      prevHeaderHash: ZERO32,
      daKind: 0,
      daHash: toHex(keccak_256(da)) as Hex,
      daLength: da.length,
      inboxStart: 0n,
      inboxCount: 0,
      l1Block: 100n,
      l1Timestamp: bench.now,
    };
    if ((await batches.read<Hex>("headerHash", [1n])) !== headerHash(header1)) throw new Error("rollup-gas: batch 1's header is not the one posted");
    const postData = encodeFunctionData({ abi: batches.abi, functionName: "postBatch", args: [1n, 0, toHex(da), "0x"] });
    const calldataBytes = (postData.length - 2) / 2;
    figures["l1.gas.submitBatch"] = n(post1.txGas);
    figures["l1.gas.submitBatchPerTx"] = Math.round(n(post1.txGas) / transfers);
    figures["l1.bytesPerTx"] = Number((calldataBytes / transfers).toFixed(2));
    figures["l1.fullBatch.transfers"] = transfers;
    figures["l1.fullBatch.daBytes"] = da.length;
    notes["l1.gas.submitBatchPerTx"] =
      `batch 1 of ${transfers} signed transfers in ${da.length} DA bytes (${calldataBytes} calldata bytes), ${post1.txGas} gas as a transaction`;

    // claims on batch 1: the honest one and a wrong one (its last transfer "failed")
    const gameBatch: GameBatch = { header: header1, da, messages: [], timestamps: [] };
    const s = storyOf(d, engine, gameBatch);
    await breathe();
    const last = transfers - 1;
    const tampered = withFailedTx(s.batch, last);
    const wrongTrace = proofsOf(engine, tampered);
    await breathe();
    const wrong = claimFor(s, wrongTrace.leaves, openingOfEngine(engine, s, tampered));
    await breathe();
    const propose = (c: Claim, from: Hex) => claims.send<Hex>("propose", [toHex(encodeClaim(c))], { from, value: s7.claimBondWei });
    const proposedHonest = ok(await propose(s.claim, HONEST), "propose honest");
    const honestHash = proposedHonest.value!;
    figures["l1.gas.proposeOnGenesis"] = n(proposedHonest.txGas);
    ok(await propose(wrong, PROPOSER), "propose wrong");

    // the wrong claim challenged and played to the end: challenge, every reveal and choose, the settle
    const proposer = new GameProposer({ claim: wrong, batch: gameBatch, parent: s.parent }, wrongTrace);
    const challenger = new GameChallenger({ claim: wrong, batch: gameBatch, parent: s.parent }, s.honest);
    const p = await play(d, proposer, challenger, { challengerAddress: CHALLENGER });
    if (p.result !== PHASE.ChallengerWon) throw new Error(`rollup-gas: the wrong claim's game ended in phase ${p.result}`);
    const moves = p.moves.filter((m) => m.fn === "reveal" || m.fn === "choose");
    const k = startLevel(wrong.stepCount);
    if (moves.length !== 2 * k) throw new Error(`rollup-gas: ${moves.length} bisection moves, expected ${2 * k}`);
    const settle = p.moves.at(-1)!;
    figures["l1.gas.challenge"] = n(p.moves[0]!.txGas);
    figures["l1.gas.bisectionMove"] = n(moves.reduce((a, m) => (m.txGas > a ? m.txGas : a), 0n));
    figures["l1.gas.reveal"] = n(moves.filter((m) => m.fn === "reveal").reduce((a, m) => (m.txGas > a ? m.txGas : a), 0n));
    figures["l1.gas.choose"] = n(moves.filter((m) => m.fn === "choose").reduce((a, m) => (m.txGas > a ? m.txGas : a), 0n));
    figures["l1.gas.settleStep"] = n(settle.txGas);
    figures["l1.gas.fullDispute"] = n(p.moves.reduce((a, m) => a + m.txGas, 0n));
    figures["l1.gas.fullDispute.moves"] = p.moves.length;
    notes["l1.gas.fullDispute"] =
      `stepCount ${wrong.stepCount}, start level ${k}: challenge ${p.moves[0]!.txGas} + ${moves.length} reveal/choose ` +
      `(max ${figures["l1.gas.bisectionMove"]}) + ${settle.fn} by the ${settle.by} ${settle.txGas} (step ${last}, the last transfer: the walk of the whole batch)`;

    // deposits and a forced exit (inbox messages 0 … 4); ALICE approves a finite amount, BOB an unlimited one
    for (const [who, allowance] of [
      [ALICE, 10n ** 30n],
      [BOB, UNLIMITED],
    ] as const) {
      ok(await token.send("mint", [who, 10n ** 24n]), "mint");
      ok(await token.send("approve", [inbox.address, allowance], { from: who }), "approve");
    }
    const first = ok(await inbox.send("deposit", [1, 10n ** 18n, NO_SLOT], { from: ALICE }), "deposit");
    const bobFirst = ok(await inbox.send("deposit", [1, 2n * 10n ** 18n, NO_SLOT], { from: BOB }), "deposit");
    const bobLater = ok(await inbox.send("deposit", [1, 10n ** 18n, NO_SLOT], { from: BOB }), "deposit");
    const aliceLater = ok(await inbox.send("deposit", [1, 3n * 10n ** 18n, NO_SLOT], { from: ALICE }), "deposit");
    const exit = ok(await inbox.send("forceExit", [0], { from: ALICE }), "forceExit");
    figures["l1.gas.deposit"] = n(bobLater.txGas);
    figures["l1.gas.depositFiniteAllowance"] = n(aliceLater.txGas);
    figures["l1.gas.depositFirstIntoEscrow"] = n(first.txGas);
    figures["l1.gas.forceExit"] = n(exit.txGas);
    notes["l1.gas.deposit"] =
      `unlimited allowance, escrow and inbox already in use: ${bobLater.txGas} (the account's first: ${bobFirst.txGas}); ` +
      `finite allowance (the token writes it down): ${aliceLater.txGas}; the very first deposit (empty escrow, inbox count from zero): ${first.txGas}`;

    // the honest claim confirms after the window (the first confirmation); batch 2 consumes the inbox
    bench.now = (await claims.read<bigint>("windowEnd", [honestHash])) + 1n;
    const confirmFirst = ok(await claims.send("confirm", [honestHash]), "confirm 1");
    figures["l1.gas.confirmFirst"] = n(confirmFirst.txGas);
    const da2 = encodeBatch({ feePairs: [], txs: [] });
    ok(await batches.send("postBatch", [2n, 5, toHex(da2), "0x"], { from: SEQUENCER }), "postBatch 2");
    const header2Hash = await batches.read<Hex>("headerHash", [2n]);

    // batch 2's claim on the confirmed one: its withdrawals root a 2^20 − 1 withdrawal tree
    const index = 700_001;
    const owner = addressOf(TEST_KEYS[4]!);
    const amount = 123_456_789n;
    const tree = largeWithdrawalTree(index, owner, amount);
    try {
      const postStateRoot = toHex(keccak_256(new TextEncoder().encode("post 2"))) as Hex;
      const contextHash = toHex(keccak_256(new TextEncoder().encode("context 2"))) as Hex;
      const c2: Claim = {
        batchIndex: 2n,
        headerHash: header2Hash,
        parentClaimHash: honestHash,
        stepCount: 6,
        traceRoot: toHex(keccak_256(new TextEncoder().encode("trace 2"))) as Hex,
        finalCommitment: commitmentOf(fromHex(postStateRoot), fromHex(tree.root), tree.count, fromHex(contextHash)),
        postStateRoot,
        withdrawalsRoot: tree.root,
        withdrawalCount: tree.count,
        contextHash,
      };
      const proposed = ok(await propose(c2, HONEST), "propose 2");
      figures["l1.gas.propose"] = n(proposed.txGas);
      notes["l1.gas.propose"] =
        `a claim on a confirmed parent, by a proposer with a claim before: ${proposed.txGas} (batch 1's, on genesis: ${figures["l1.gas.proposeOnGenesis"]})`;
      bench.now = (await claims.read<bigint>("windowEnd", [proposed.value!])) + 1n;
      const confirmed = ok(await claims.send("confirm", [proposed.value!]), "confirm 2");
      figures["l1.gas.confirm"] = n(confirmed.txGas);
      notes["l1.gas.confirm"] = `a claim whose parent is confirmed: ${confirmed.txGas} (the rollup's first confirmation: ${confirmFirst.txGas})`;
      const c2Bytes = toHex(encodeClaim(c2));
      const worst = ok(await bridge.send("withdraw", [c2Bytes, index - 1, owner, 1, amount, tree.prove(index - 1)], { from: STRANGER }), "withdraw");
      const paid = ok(await bridge.send("withdraw", [c2Bytes, index, owner, 1, amount, tree.prove(index)], { from: STRANGER }), "withdraw");
      figures["l1.gas.withdrawalClaim"] = n(paid.txGas);
      figures["l1.gas.withdrawalClaimWorst"] = n(worst.txGas);
      notes["l1.gas.withdrawalClaim"] =
        `position ${index} of ${tree.count} (30 siblings in the proof): ${paid.txGas} when its spent-bitmap word is in use and the owner holds the token; ` +
        `${worst.txGas} when both are written from zero`;
    } finally {
      tree.dispose();
    }

    // the blob-bound step: the last transfer of the same 120,000 bytes posted as one blob
    if (kzg === null) return { figures, notes };
    const sidecar = await makeBlobSidecar(da, { kzg });
    const blobHeader: BatchHeader = { ...header1, daKind: 1, daHash: sidecar.daHash };
    const args = [
      toHex(domainSeparator(domain)),
      s.honest.leaves[last]!,
      headerArg(blobHeader),
      BigInt(last),
      toHex(s.honest.proofs[last]!),
      toHex(sidecar.binding),
      ZERO32,
    ];
    const blob = ok(await (prover as Contract).send<Hex>("verifyStep", args, { from: STRANGER }), "blob verifyStep");
    if (blob.value !== s.honest.leaves[last + 1]) throw new Error("rollup-gas: the blob-bound step did not reach the honest post-commitment");
    figures["l1.gas.blobStep"] = n(blob.txGas);
    notes["l1.gas.blobStep"] = `OneStepProver.verifyStep of transfer ${last} of ${transfers}, bound to one blob (KZG point evaluation) as a transaction`;
    return { figures, notes };
  } finally {
    engine.dispose();
  }
}

// `npx vite-node test/l1/rollup-gas.ts --json [--no-blob]`: bench/l1.js reads this output
if (process.argv.includes("--json")) {
  process.stdout.write(`${JSON.stringify(await measureRollupGas({ blob: !process.argv.includes("--no-blob") }))}\n`);
}
