// The bisection game on L1 (docs/SPEC.md §13.10, contracts/DisputeGame.sol) played by the
// TypeScript parties (src/l1/game.ts) on an in-process EVM with the real OneStepProver and
// StepVerifier and test stubs for Claims, Batches and Inbox: every outcome, every illegal move,
// the clocks, parallel games, pull payments, and the gas of every move and of a full dispute over
// the largest batch. One game runs on anvil through viem.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWalletClient, encodeFunctionData, http, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { Anvil } from "./anvil.js";
import { artifact } from "./evm.js";
import { postBatch } from "./glue.js";
import {
  domainSeparator,
  traceRoot,
  encodeBatch,
  encodeClaim,
  headerHash,
  inboxRecord,
  makeClaim,
  encodeHeader,
  fromHex,
  proveTraceSteps,
  toHex,
  type Batch,
} from "../../src/index.js";
import { L1Error } from "../../src/protocol/errors.js";
import { TraceTree, TRACE_ZERO_HASHES, ViemGame, nextMoveOf, startLevel, traceBatchOnL1 } from "../../src/l1/game.js";
import {
  BOND,
  BURN_BPS,
  CHALLENGER,
  CHALLENGER2,
  CLOCK,
  Engine,
  GameBench,
  GameChallenger,
  GameProposer,
  PHASE,
  PROPOSER,
  STRANGER,
  ZERO32,
  claimFor,
  deployGame,
  openingOfEngine,
  proofsOf,
  withFailedTx,
  domainOf,
  genesisSlots,
  makeBatch,
  nodeRecovery,
  openingAt,
  play,
  propose,
  sendMove,
  story,
  viewOf,
  type Deployment,
  type PartyTrace,
  type Story,
} from "./game-fixture.js";

const hex = (b: Uint8Array) => toHex(b) as Hex;
type IClaimsStatus = number;
const claimBytes = (s: Story, c = s.claim) => hex(encodeClaim(c));
const headerBytes = (s: Story) => hex(encodeHeader(s.gameBatch.header));

let bench: GameBench;
let d: Deployment;
let engine: Engine;

/** A fresh bench per test: the stubs' state and the clock start over. */
async function fresh(deposits = 2, transfers = 10, genesisBump = 0n): Promise<Story> {
  bench = await GameBench.create();
  const genesis = genesisSlots(8, genesisBump);
  // deploy first: the domain's verifyingContract is the inbox's address
  const probe = Engine.create({ genesis, chainId: 1n, verifyingContract: "0x0000000000000000000000000000000000000001", recovery: nodeRecovery });
  const genesisRoot = probe.stateRoot();
  probe.dispose();
  d = await deployGame(bench, genesisRoot);
  engine?.dispose();
  engine = Engine.create({ genesis, ...domainOf(d), recovery: nodeRecovery });
  return story(d, engine, makeBatch(domainOf(d), deposits, transfers));
}

/** The proposer's trace of `batch` run on `on` (a tampered batch or another pre-state). */
function traceOf(on: Engine, batch: Batch): PartyTrace {
  const signers = on.recoverSigners(batch);
  const fork = on.fork();
  const { steps } = fork.traceBatch(batch, { signers });
  fork.dispose();
  return { leaves: steps, proofs: [] };
}

function proposerOf(s: Story, trace: PartyTrace, claim = s.claim): GameProposer {
  return new GameProposer({ claim, batch: s.gameBatch, parent: s.parent }, trace);
}
function challengerOf(s: Story, trace: PartyTrace = s.honest, claim = s.claim): GameChallenger {
  return new GameChallenger({ claim, batch: s.gameBatch, parent: s.parent }, trace);
}

afterAll(() => engine?.dispose());

describe("trace tree helpers", () => {
  it("start level is the smallest k ≥ 1 with 4^k > stepCount; ≤ 11 for 2^20 steps", () => {
    expect([1, 3, 4, 15, 16, 17, 2 ** 20 + 1].map(startLevel)).toEqual([1, 1, 2, 2, 3, 3, 11]);
  });
  it("the tree's root folded from level k is the engine's trace root; children hash to their parent", async () => {
    const s = await fresh(2, 20);
    const k = startLevel(s.claim.stepCount);
    const t = new TraceTree(s.honest.leaves, k);
    expect(t.root()).toBe(s.claim.traceRoot);
    expect(TRACE_ZERO_HASHES[1]).toBe("0x012893657d8eb2efad4de0a91bcd0e39ad9837745dec3ea923737ea803fc8e3d");
    expect(t.node(0, s.claim.stepCount + 1)).toBe(ZERO32);
    expect(() => new TraceTree(s.honest.leaves, 1)).toThrow(L1Error);
    expect(() => new TraceTree(s.honest.leaves, 1)).toThrow(expect.objectContaining({ code: "L1_FAILED", fault: "GAME", game: "BAD_TRACE" }));
  });
});

describe("DisputeGame on an in-process EVM", () => {
  it("computes the EIP-712 domain separator eip712.ts gives for the inbox on this chain", async () => {
    await fresh();
    expect(await d.game.read<Hex>("domainSeparator")).toBe(hex(domainSeparator(domainOf(d))));
  });

  it("an honest proposer beats a wrong challenger: the challenger's bond, less the burned share, is the proposer's", async () => {
    const s = await fresh(2, 10);
    // the challenger wrongly believes transaction 5 failed (its leaf 2 + 5 + 1 = 8 is child 0 of its node:
    // the honest proposer proves C_7 against the trace root)
    const wrong = traceOf(engine, withFailedTx(s.batch, 5));
    await propose(s, s.claim);
    const p = await play(d, proposerOf(s, s.honest), challengerOf(s, wrong));
    expect(p.result).toBe(PHASE.ProposerWon);
    expect((await viewOf(d, p.gameId)).nodeIndex).toBe(8);
    expect(p.moves.at(-1)!.fn).toBe("settleStep");
    const burn = (BOND * BURN_BPS) / 10_000n;
    expect(await d.game.read<bigint>("balanceOf", [PROPOSER])).toBe(BOND - burn);
    expect(await d.game.read<bigint>("balanceOf", [CHALLENGER])).toBe(0n);
    expect(await d.game.read<bigint>("burned")).toBe(burn);
    expect(await d.claims.read<boolean>("lastProposerWon")).toBe(true);
    expect(await d.claims.read<[bigint, bigint]>("hookCounts", [(await viewOf(d, p.gameId)).claimHash])).toEqual([1n, 1n]);
    // pull: the proposer withdraws; nothing is left; the sender of the last move got nothing
    const before = await bench.balance(PROPOSER);
    expect((await d.game.send("withdrawBalance", [], { from: PROPOSER })).ok).toBe(true);
    expect(await bench.balance(PROPOSER)).toBe(before + BOND - burn);
    expect((await d.game.send("withdrawBalance", [], { from: PROPOSER })).error?.name).toBe("NothingToWithdraw");
  });

  it("a proposer wrong at a transaction step loses: the challenger settles from the agreed sibling", async () => {
    const s = await fresh(2, 10);
    // the proposer says transaction 4 failed: its leaves differ from leaf 2 + 4 + 1 = 7 on (child 3)
    const t = proofsOf(engine, withFailedTx(s.batch, 4));
    const claim = claimFor(s, t.leaves, openingOfEngine(engine, s, withFailedTx(s.batch, 4)));
    await propose(s, claim);
    const p = await play(d, proposerOf(s, t, claim), challengerOf(s, s.honest, claim), { challengerFirst: true });
    expect(p.result).toBe(PHASE.ChallengerWon);
    expect((await viewOf(d, p.gameId)).nodeIndex).toBe(7);
    expect(p.moves.at(-1)).toMatchObject({ fn: "settleStep", by: "challenger" });
    expect(await d.game.read<bigint>("balanceOf", [CHALLENGER])).toBe(BOND);
    expect(await d.game.read<bigint>("balanceOf", [PROPOSER])).toBe(0n);
    expect(await d.claims.read<number>("status", [(await viewOf(d, p.gameId)).claimHash])).toBe(3); // Rejected
    expect(await d.claims.read<boolean>("lastProposerWon")).toBe(false);
    expect((await d.claims.read<Hex>("lastChallenger")).toLowerCase()).toBe(CHALLENGER);
  });

  it("a proposer wrong at a transaction step whose leaf is child 0 loses by its own settle (its C_7 proved in its trace)", async () => {
    const s = await fresh(2, 10);
    // transaction 5 "failed": first differing leaf 8 = child 0; the proposer's proof of its own step
    // does not give its C_8 from the agreed C_7
    const t = proofsOf(engine, withFailedTx(s.batch, 5));
    const claim = claimFor(s, t.leaves, openingOfEngine(engine, s, withFailedTx(s.batch, 5)));
    await propose(s, claim);
    const p = await play(d, proposerOf(s, t, claim), challengerOf(s, s.honest, claim));
    expect(p.result).toBe(PHASE.ChallengerWon);
    expect((await viewOf(d, p.gameId)).nodeIndex).toBe(8);
    // the proposer's proof (made for the entry it pretends) is refused, never a verdict; then its clock runs out
    expect(p.moves.at(-1)).toMatchObject({ fn: "settleStep", by: "proposer" });
  });

  it("a proposer wrong at an L1-message step loses; the message comes from the inbox's record, not the caller", async () => {
    const s = await fresh(2, 6);
    // the proposer credits deposit 1 with one unit more
    const msgs = s.batch.l1Messages.map((m, i) => (i === 1 && m.kind === "deposit" ? { ...m, amount: m.amount + 1n } : m));
    const tampered = { ...s.batch, l1Messages: msgs };
    const t = proofsOf(engine, tampered);
    const claim = claimFor(s, t.leaves, openingOfEngine(engine, s, tampered));
    await propose(s, claim);
    // the proposer defends with its own message bytes as binding: the record the game reads refuses them
    const gameBatch = { ...s.gameBatch, messages: msgs };
    const proposer = new GameProposer({ claim, batch: gameBatch, parent: s.parent }, t);
    const p = await play(d, proposer, challengerOf(s, s.honest, claim));
    expect(p.result).toBe(PHASE.ChallengerWon);
    expect((await viewOf(d, p.gameId)).nodeIndex).toBe(2);
    // the proposer's own message bytes (with its proof of them) are refused by the record the game read
    expect(p.reverts).toContainEqual({ fn: "settleStep", by: "proposer", error: "InboxRecordMismatch" });
    expect(p.moves.at(-1)).toMatchObject({ fn: "settleStep", by: "challenger" });
  });

  it("a proposer whose settlement did nothing loses at the last leaf", async () => {
    const s = await fresh(2, 9); // stepCount 12: leaf 12 is child 0, so the proposer must settle it
    const E = s.claim.stepCount - 1;
    const leaves = [...s.honest.leaves.slice(0, E + 1), s.honest.leaves[E]!];
    const claim = claimFor(s, leaves, openingAt(s, s.batch, E));
    expect(claim.finalCommitment).toBe(s.honest.leaves[E]);
    await propose(s, claim);
    const p = await play(d, proposerOf(s, { leaves, proofs: s.honest.proofs }, claim), challengerOf(s, s.honest, claim));
    expect(p.result).toBe(PHASE.ChallengerWon);
    expect((await viewOf(d, p.gameId)).nodeIndex).toBe(E + 1);
    expect(p.moves.at(-1)).toMatchObject({ fn: "settleStep", by: "proposer" });
  });

  it("a proposer built on another pre-state loses at C_0; an honest one wins settleStart", async () => {
    const s = await fresh(2, 6);
    const other = Engine.create({ genesis: genesisSlots(8, 7n), ...domainOf(d), recovery: nodeRecovery });
    try {
      const t = proofsOf(other, s.batch);
      const claim = claimFor(s, t.leaves, openingOfEngine(other, s, s.batch));
      await propose(s, claim);
      const p = await play(d, proposerOf(s, t, claim), challengerOf(s, s.honest, claim));
      expect(p.result).toBe(PHASE.ChallengerWon);
      expect((await viewOf(d, p.gameId)).nodeIndex).toBe(0);
      expect(p.moves.at(-1)).toMatchObject({ fn: "settleStart" });
      // and the other way round: a challenger on the wrong pre-state disputes C_0 and loses
      await propose(s, s.claim);
      const q = await play(d, proposerOf(s, s.honest), challengerOf(s, t), { challengerAddress: CHALLENGER2 });
      expect(q.result).toBe(PHASE.ProposerWon);
      expect(q.moves.at(-1)).toMatchObject({ fn: "settleStart", by: "proposer" });
    } finally {
      other.dispose();
    }
  });

  it("a non-zero padding leaf loses at once; a challenger disputing a zero one loses at once", async () => {
    const s = await fresh(2, 6); // stepCount 9: leaves 10 … 15 are padding
    const leaves = [...s.honest.leaves, `0x${"00".repeat(31)}01` as Hex];
    const claim = claimFor(s, leaves);
    await propose(s, claim);
    const p = await play(d, proposerOf(s, { leaves, proofs: s.honest.proofs }, claim), challengerOf(s, s.honest, claim));
    expect(p.result).toBe(PHASE.ChallengerWon);
    expect((await viewOf(d, p.gameId)).nodeIndex).toBe(10);
    expect(p.moves.at(-1)).toMatchObject({ fn: "choose" });
    // a challenger naming a padding leaf that is zero: the honest proposer wins at once
    const h = await propose(s, s.claim);
    const g = (await sendMove(d, challengerOf(s, traceOf(engine, withFailedTx(s.batch, 0))).challengeMove(BOND), CHALLENGER2)).value as bigint;
    const tree = new TraceTree(s.honest.leaves, 2);
    expect((await d.game.send("reveal", [g, tree.children(2, 0)], { from: PROPOSER })).ok).toBe(true);
    expect((await d.game.send("choose", [g, tree.children(2, 0), 2], { from: CHALLENGER2 })).ok).toBe(true);
    expect((await d.game.send("reveal", [g, tree.children(1, 2)], { from: PROPOSER })).ok).toBe(true);
    const last = await d.game.send("choose", [g, tree.children(1, 2), 2], { from: CHALLENGER2 });
    expect(last.logs.map((l) => l.eventName)).toContain("GameResolved");
    expect(await d.game.read<number>("phase", [g])).toBe(PHASE.ProposerWon);
    expect(await d.claims.read<number>("status", [h])).toBe(1);
  });

  it("a final commitment that is not the last leaf loses, though every leaf is right", async () => {
    const s = await fresh(2, 6); // stepCount 9: leaf 9 is child 1, the challenger settles
    const { postStateRoot: _, withdrawalsRoot, withdrawalCount, contextHash: ctx } = s.claim;
    const forged = { postStateRoot: `0x${"ab".repeat(32)}` as Hex, withdrawalsRoot, withdrawalCount, contextHash: ctx };
    const claim = claimFor(s, s.honest.leaves, forged);
    expect(claim.traceRoot).toBe(s.claim.traceRoot);
    await propose(s, claim);
    const p = await play(d, proposerOf(s, s.honest, claim), challengerOf(s, s.honest, claim), { challengerFirst: true });
    expect(p.result).toBe(PHASE.ChallengerWon);
    expect((await viewOf(d, p.gameId)).nodeIndex).toBe(9);
    expect(p.moves.at(-1)).toMatchObject({ fn: "settleStep", by: "challenger" });
  });

  it("a wrong stepCount loses at once to settleStepCount; a right one cannot be convicted that way", async () => {
    const s = await fresh(2, 6);
    const claim = { ...s.claim, stepCount: s.claim.stepCount + 1 };
    await propose(s, claim);
    const p = await play(d, proposerOf(s, s.honest, claim), challengerOf(s, s.honest, claim));
    expect(p.result).toBe(PHASE.ChallengerWon);
    expect(p.moves.at(-1)).toMatchObject({ fn: "settleStepCount", by: "challenger" });
    await propose(s, s.claim);
    const g = (await sendMove(d, challengerOf(s, traceOf(engine, withFailedTx(s.batch, 1))).challengeMove(BOND), CHALLENGER2)).value as bigint;
    const r = await d.game.send("settleStepCount", [g, claimBytes(s), headerBytes(s), hex(s.gameBatch.da)]);
    expect(r.error?.name).toBe("StepCountMatches");
    const other = new Uint8Array(s.gameBatch.da);
    other[other.length - 1] = other[other.length - 1]! ^ 1;
    expect((await d.game.send("settleStepCount", [g, claimBytes(s), headerBytes(s), hex(other)])).error?.name).toBe("DaMismatch");
  });
});

describe("DisputeGame: clocks, illegal moves, parallel games", () => {
  /** A wrong claim (transaction 4 "failed") with a game opened by CHALLENGER; the trees of both sides. */
  async function opened() {
    const s = await fresh(2, 10);
    const t = proofsOf(engine, withFailedTx(s.batch, 4));
    const claim = claimFor(s, t.leaves, openingOfEngine(engine, s, withFailedTx(s.batch, 4)));
    const h = await propose(s, claim);
    const r = await d.game.send("challenge", [claimBytes(s, claim)], { from: CHALLENGER, value: BOND });
    expect(r.ok).toBe(true);
    return { s, t, claim, h, g: r.value as bigint, tree: new TraceTree(t.leaves, startLevel(claim.stepCount)) };
  }

  it("either side that lets its clock run out loses; a move after that is refused; time spent is charged", async () => {
    const { s, claim, g, tree } = await opened();
    // the proposer never reveals
    expect((await d.game.send("timeout", [g])).error).toMatchObject({ name: "ClockNotExpired", args: [g, CLOCK] });
    bench.now += CLOCK - 1n;
    expect((await d.game.send("timeout", [g])).error?.name).toBe("ClockNotExpired");
    bench.now += 1n;
    expect((await d.game.send("reveal", [g, tree.children(2, 0)], { from: PROPOSER })).error?.name).toBe("ClockExpired");
    const r = await d.game.send("timeout", [g], { from: STRANGER });
    expect(r.ok).toBe(true);
    expect(await d.game.read<number>("phase", [g])).toBe(PHASE.ChallengerWon);
    // the bounty is the bonded challenger's, not the sender's
    expect(await d.game.read<bigint>("balanceOf", [CHALLENGER])).toBe(BOND);
    expect(await d.game.read<bigint>("balanceOf", [STRANGER])).toBe(0n);
    expect((await d.game.send("timeout", [g])).error?.name).toBe("WrongPhase");

    // the challenger never chooses: the proposer's time so far stays charged to it
    const claim2 = { ...s.claim };
    await propose(s, claim2);
    const g2 = (await d.game.send("challenge", [claimBytes(s, claim2)], { from: CHALLENGER2, value: BOND })).value as bigint;
    bench.now += 1000n;
    expect((await d.game.send("reveal", [g2, new TraceTree(s.honest.leaves, 2).children(2, 0)], { from: PROPOSER })).ok).toBe(true);
    expect((await viewOf(d, g2)).proposerClock).toBe(CLOCK - 1000n);
    bench.now += CLOCK;
    expect((await d.game.send("choose", [g2, new TraceTree(s.honest.leaves, 2).children(2, 0), 0], { from: CHALLENGER2 })).error?.name).toBe("ClockExpired");
    expect((await d.game.send("timeout", [g2], { from: STRANGER })).ok).toBe(true);
    expect(await d.game.read<number>("phase", [g2])).toBe(PHASE.ProposerWon);
    // the bounty is the bonded proposer's, not the sender's
    expect(await d.game.read<bigint>("balanceOf", [PROPOSER])).toBe(BOND - (BOND * BURN_BPS) / 10_000n);
    expect(await d.game.read<bigint>("balanceOf", [STRANGER])).toBe(0n);
    void claim;
  });

  it("illegal moves are refused: wrong children, child out of range, wrong phase, wrong party, wrong bond, unknown game", async () => {
    const { s, claim, g, tree, h } = await opened();
    const kids = tree.children(2, 0);
    const bad = [...kids] as Hex[];
    bad[3] = ZERO32;
    const err = async (fn: string, args: unknown[], from: Hex = STRANGER, value?: bigint) => (await d.game.send(fn, args, { from, value })).error?.name;
    // anyone may reveal (SECURITY.md F2), but only the children the proposer committed to
    expect(await err("reveal", [g, bad], STRANGER)).toBe("ChildrenMismatch");
    expect(await err("reveal", [g, bad], PROPOSER)).toBe("ChildrenMismatch");
    expect(await err("choose", [g, kids, 0], CHALLENGER)).toBe("WrongPhase");
    expect(await err("reveal", [99n, kids], PROPOSER)).toBe("UnknownGame");
    expect(await err("reveal", [g, kids], PROPOSER)).toBeUndefined();
    expect(await err("reveal", [g, kids], PROPOSER)).toBe("WrongPhase");
    expect(await err("choose", [g, kids, 1], PROPOSER)).toBe("NotChallenger");
    expect(await err("choose", [g, bad, 1], CHALLENGER)).toBe("ChildrenMismatch");
    expect(await err("choose", [g, kids, 4], CHALLENGER)).toBe("ChildOutOfRange");
    expect(await err("settleStep", [g, claimBytes(s, claim), headerBytes(s), ZERO32, "0x", "0x", "0x"])).toBe("WrongPhase");
    // bonds and claims at opening
    expect(await err("challenge", [claimBytes(s, claim)], CHALLENGER2, BOND - 1n)).toBe("WrongBond");
    expect(await err("challenge", [claimBytes(s, claim)], CHALLENGER2, 0n)).toBe("WrongBond");
    expect(await err("challenge", [claimBytes(s, claim).slice(0, -2)], CHALLENGER2, BOND)).toBe("BadClaimLength");
    expect(await err("challenge", [claimBytes(s)], CHALLENGER2, BOND)).toBe("NotChallengeable"); // never proposed
    bench.now += 700_000n;
    expect(await err("challenge", [claimBytes(s, claim)], CHALLENGER2, BOND)).toBe("NotChallengeable"); // window over
    void h;
  });

  it("settling checks the claim, the header, the agreed pre-commitment and the leaf; a bad proof decides nothing", async () => {
    const { s, claim, g, tree, t } = await opened();
    const challenger = challengerOf(s, s.honest, claim);
    // descend to leaf 7 (child 3): the challenger's settle arguments, then mutate them one by one
    for (let i = 0; i < 2; i++) {
      const v = await viewOf(d, g);
      await d.game.send("reveal", [g, tree.children(v.level, v.nodeIndex)], { from: PROPOSER });
      const m = challenger.nextMove(g, await viewOf(d, g), bench.now, tree.children(v.level, v.nodeIndex))!;
      expect((await sendMove(d, m, CHALLENGER)).ok).toBe(true);
    }
    const v = await viewOf(d, g);
    expect([v.phase, v.nodeIndex, v.agreed]).toEqual([PHASE.AwaitSettle, 7, s.honest.leaves[6]]);
    const move = challenger.nextMove(g, v, bench.now, null)!;
    const args = [...move.args] as unknown[];
    const err = async (i: number, value: unknown) => {
      const a = [...args];
      a[i] = value;
      return (await d.game.send("settleStep", a)).error?.name;
    };
    const otherClaim = claimBytes(s);
    expect(await err(1, otherClaim)).toBe("ClaimMismatch");
    expect(await err(2, hex(encodeHeader({ ...s.gameBatch.header, l1Block: 19n })))).toBe("HeaderMismatch");
    expect(await err(3, s.honest.leaves[5])).toBe("AgreedPreMismatch");
    const proof = fromHex(args[5] as Hex);
    proof[40] = proof[40]! ^ 1;
    expect(await err(5, hex(proof))).toMatch(/Mismatch|Witness|Field|Truncated/);
    expect(await err(6, hex(s.gameBatch.da.slice(1)))).toBe("DaLengthMismatch");
    expect(await d.game.send("settleStart", [g, args[1], args[2], "0x", s.parent.treeRoot, s.parent.slotCount, args[6]])).toMatchObject({
      error: { name: "WrongLeaf" },
    });
    // the header Batches holds is the one a settle must use
    await d.batches.send("setHeaderHash", [1n, ZERO32]);
    expect(await err(3, args[3])).toBe("HeaderMismatch");
    await d.batches.send("setHeaderHash", [1n, s.claim.headerHash]);
    expect(await d.game.read<number>("phase", [g])).toBe(PHASE.AwaitSettle);
    // the proposer's clock runs while the leaf awaits its settle: once out, no settle
    const at = bench.now;
    bench.now = v.lastMove + v.proposerClock;
    expect(await err(3, args[3])).toBe("ClockExpired");
    bench.now = at;
    expect((await d.game.send("settleStep", args)).ok).toBe(true);
    expect(await d.game.read<number>("phase", [g])).toBe(PHASE.ChallengerWon);
    void t;
  });

  it("a leaf named as child 0 needs its left neighbour proved at index j − 1 of the trace", async () => {
    const s = await fresh(2, 10);
    const wrong = traceOf(engine, withFailedTx(s.batch, 5)); // the challenger names leaf 8
    await propose(s, s.claim);
    const proposer = proposerOf(s, s.honest);
    const challenger = challengerOf(s, wrong);
    const g = (await sendMove(d, challenger.challengeMove(BOND), CHALLENGER)).value as bigint;
    for (let i = 0; i < 2; i++) {
      await sendMove(d, proposer.nextMove(g, await viewOf(d, g), bench.now)!, PROPOSER);
      const v = await viewOf(d, g);
      const kids = new TraceTree(s.honest.leaves, 2).children(v.level, v.nodeIndex);
      await sendMove(d, challenger.nextMove(g, v, bench.now, kids)!, CHALLENGER);
    }
    const move = proposer.nextMove(g, await viewOf(d, g), bench.now)!;
    const args = [...move.args] as unknown[];
    expect((await viewOf(d, g)).nodeIndex).toBe(8);
    const send = (a: unknown[]) => d.game.send("settleStep", a, { from: PROPOSER });
    // another leaf's value, a proof of another index, no proof
    expect((await send([args[0], args[1], args[2], s.honest.leaves[6], args[4], args[5], args[6]])).error?.name).toBe("AgreedPreMismatch");
    expect(
      (await send([args[0], args[1], args[2], s.honest.leaves[6], hex(proveTraceSteps(engine.core, s.honest.leaves, [6])), args[5], args[6]])).error?.name,
    ).toBe("AgreedPreMismatch");
    expect((await send([args[0], args[1], args[2], args[3], "0x", args[5], args[6]])).error?.name).toBe("ProofTooShort");
    expect((await send(args)).ok).toBe(true);
    expect(await d.game.read<number>("phase", [g])).toBe(PHASE.ProposerWon);
  });

  it("C_0 of a batch on a parent claim comes from the parent's bytes, checked against parentClaimHash", async () => {
    const s = await fresh(2, 6);
    const parentHash = await propose(s, s.claim);
    engine.applyBatch(s.batch);
    const batch2 = makeBatch(domainOf(d), 1, 5);
    const batch2Nonced = { ...batch2, txs: batch2.txs.map((t) => t) };
    const posted = postBatch(batch2Nonced, { index: 2n, inboxStart: 2n });
    await d.batches.send("setHeaderHash", [2n, headerHash(posted.header)]);
    await d.inbox.send("setRecord", [2n, inboxRecord(posted.messages[0]!, posted.timestamps[0]!)]);
    const gameBatch = { header: posted.header, da: posted.da, messages: posted.messages, timestamps: posted.timestamps };
    const honest = traceBatchOnL1(engine, gameBatch);
    const claim2 = makeClaim(
      honest.batch,
      { result: honest.result, steps: honest.leaves as Hex[], traceRoot: traceRoot(engine.core, honest.leaves) },
      engine.slotCount(),
      s.domain,
      {
        batchIndex: 2n,
        headerHash: headerHash(posted.header),
        parentClaimHash: parentHash,
      },
    );
    await s.d.claims.send("register", [hex(encodeClaim(claim2)), PROPOSER, bench.now + 604_800n]);
    const parent = { claim: s.claim, treeRoot: engine.treeRoot(), slotCount: engine.slotCount() };
    const dispute = { claim: claim2, batch: gameBatch, parent };
    // a challenger that disputes C_0 (it ran batch 2 on genesis, not on batch 1's outcome)
    const stale = Engine.create({ genesis: genesisSlots(8), ...domainOf(d), recovery: nodeRecovery });
    try {
      const wrong = traceBatchOnL1(stale, gameBatch);
      const challenger = new GameChallenger(dispute, wrong);
      const proposer = new GameProposer(dispute, honest);
      const g = (await sendMove(d, challenger.challengeMove(BOND), CHALLENGER)).value as bigint;
      const tree = new TraceTree(honest.leaves, startLevel(claim2.stepCount));
      while ((await viewOf(d, g)).phase !== PHASE.AwaitSettle) {
        await sendMove(d, proposer.nextMove(g, await viewOf(d, g), bench.now)!, PROPOSER);
        const v = await viewOf(d, g);
        await sendMove(d, challenger.nextMove(g, v, bench.now, tree.children(v.level, v.nodeIndex))!, CHALLENGER);
      }
      expect((await viewOf(d, g)).nodeIndex).toBe(0);
      const move = proposer.nextMove(g, await viewOf(d, g), bench.now)!;
      expect(move.functionName).toBe("settleStart");
      const args = [...move.args] as unknown[];
      const a = [...args];
      a[3] = hex(encodeClaim({ ...s.claim, stepCount: s.claim.stepCount + 1 }));
      expect((await d.game.send("settleStart", a)).error?.name).toBe("ParentMismatch");
      const b = [...args];
      b[5] = parent.slotCount + 1;
      expect((await d.game.send("settleStart", b)).error?.name).toBe("PreStateMismatch");
      expect((await d.game.send("settleStart", args, { from: STRANGER })).ok).toBe(true);
      expect(await d.game.read<number>("phase", [g])).toBe(PHASE.ProposerWon);
    } finally {
      stale.dispose();
    }
  });

  it("anyone may defend a claim its bonded proposer abandons: a copied honest claim cannot be thrown by a colluding challenger (SECURITY.md F2)", async () => {
    const s = await fresh(2, 10);
    // CHALLENGER2 front-runs the honest claim's author and proposes its very bytes: it is now the
    // claim's bonded proposer. Its accomplice CHALLENGER challenges with a made-up trace, and
    // CHALLENGER2 never moves. Were the claim rejected, its hash could never be proposed again and
    // batch 1 could never confirm. The honest author (PROPOSER, not bonded) reveals instead.
    const h = await propose(s, s.claim, CHALLENGER2);
    const wrong = traceOf(engine, withFailedTx(s.batch, 5));
    const p = await play(d, proposerOf(s, s.honest), challengerOf(s, wrong));
    expect(p.result).toBe(PHASE.ProposerWon);
    expect(p.reverts).toEqual([]);
    expect(p.moves.filter((m) => m.fn === "reveal").length).toBeGreaterThan(0);
    expect(await d.claims.read<IClaimsStatus>("status", [h])).toBe(1); // still Pending
    // the bounty stays the bonded proposer's: the defender gets nothing, the reveal was the only one possible
    const burn = (BOND * BURN_BPS) / 10_000n;
    expect(await d.game.read<bigint>("balanceOf", [CHALLENGER2])).toBe(BOND - burn);
    expect(await d.game.read<bigint>("balanceOf", [PROPOSER])).toBe(0n);
  });

  it("two games against one wrong claim: the first rejects it, the second ends Void with its bond back", async () => {
    const s = await fresh(2, 10);
    const t = proofsOf(engine, withFailedTx(s.batch, 4));
    const claim = claimFor(s, t.leaves, openingOfEngine(engine, s, withFailedTx(s.batch, 4)));
    const h = await propose(s, claim);
    const c1 = challengerOf(s, s.honest, claim);
    const g2 = (await sendMove(d, c1.challengeMove(BOND), CHALLENGER2)).value as bigint;
    const p = await play(d, proposerOf(s, t, claim), c1, { challengerFirst: true });
    expect(p.result).toBe(PHASE.ChallengerWon);
    expect(await d.claims.read<bigint>("openGames", [h])).toBe(1n);
    // the second game: whoever wins it, the claim is already rejected
    bench.now += 2n * CLOCK;
    expect((await d.game.send("timeout", [g2])).ok).toBe(true);
    expect(await d.game.read<number>("phase", [g2])).toBe(PHASE.Void);
    expect(await d.game.read<bigint>("balanceOf", [CHALLENGER2])).toBe(BOND);
    expect(await d.game.read<bigint>("balanceOf", [CHALLENGER])).toBe(BOND);
    expect(await d.game.read<bigint>("balanceOf", [PROPOSER])).toBe(0n);
    expect(await d.claims.read<[bigint, bigint]>("hookCounts", [h])).toEqual([2n, 1n]);
    // bonds leave by pull, each once
    for (const who of [CHALLENGER, CHALLENGER2]) {
      const before = await bench.balance(who);
      expect((await d.game.send("withdrawBalance", [], { from: who })).ok).toBe(true);
      expect(await bench.balance(who)).toBe(before + BOND);
    }
    expect((await d.game.send("withdrawBalance", [], { from: STRANGER })).error?.name).toBe("NothingToWithdraw");
  });
});

describe("DisputeGame gas", () => {
  it("l1.gas.bisectionMove ≤ 50,000 per reveal and choose; l1.gas.fullDispute ≤ 6,000,000 for the largest batch", async () => {
    bench = await GameBench.create();
    const genesis = genesisSlots(8);
    const probe = Engine.create({ genesis, chainId: 1n, verifyingContract: "0x0000000000000000000000000000000000000001", recovery: nodeRecovery });
    d = await deployGame(bench, probe.stateRoot());
    probe.dispose();
    engine?.dispose();
    engine = Engine.create({ genesis, ...domainOf(d), recovery: nodeRecovery });
    // as many transfers as 120,000 DA bytes hold
    const full = makeBatch(domainOf(d), 0, 1700);
    while (encodeBatch({ feePairs: full.feePairs, txs: full.txs }).length > 120_000) full.txs.pop();
    const s = await story(d, engine, full);
    const daBytes = s.gameBatch.da.length;
    // the proposer is wrong at the last transaction: the settle walks the whole batch
    const last = full.txs.length - 1;
    const t = proofsOf(engine, withFailedTx(s.batch, last));
    const claim = claimFor(s, t.leaves, openingOfEngine(engine, s, withFailedTx(s.batch, last)));
    await propose(s, claim);
    const p = await play(d, proposerOf(s, t, claim), challengerOf(s, s.honest, claim));
    expect(p.result).toBe(PHASE.ChallengerWon);
    const moves = p.moves.filter((m) => m.fn === "reveal" || m.fn === "choose");
    const k = startLevel(claim.stepCount);
    expect(moves.length).toBe(2 * k);
    const total = p.moves.reduce((a, m) => a + m.txGas, 0n);
    const settle = p.moves.at(-1)!;
    console.log(
      `l1.gas: ${full.txs.length} transfers in ${daBytes} DA bytes, stepCount ${claim.stepCount}, start level ${k}\n` +
        `  challenge ${p.moves[0]!.txGas}\n` +
        moves.map((m) => `  ${m.fn} ${m.txGas} (execution ${m.gas})`).join("\n") +
        `\n  ${settle.fn} by ${settle.by} ${settle.txGas} (execution ${settle.gas})\n` +
        `  l1.gas.bisectionMove max ${moves.reduce((a, m) => (m.txGas > a ? m.txGas : a), 0n)}; l1.gas.fullDispute ${total}`,
    );
    expect(daBytes).toBeGreaterThan(119_000);
    for (const m of moves) expect(m.txGas, m.fn).toBeLessThanOrEqual(50_000n);
    expect(total).toBeLessThanOrEqual(6_000_000n);
  }, 300_000);
});

describe("DisputeGame on anvil through viem", () => {
  let anvil: Anvil;
  beforeAll(async () => {
    anvil = await Anvil.start();
  }, 30_000);
  afterAll(async () => {
    await anvil?.stop();
  });

  it("a wrong claim loses a game played by src/l1/game.ts's parties over viem; the bounty is pulled", async () => {
    const tx = (to: Hex, name: string, fn: string, args: readonly unknown[]) =>
      anvil.transact(to, encodeFunctionData({ abi: artifact(name).abi, functionName: fn, args } as never));
    const genesis = genesisSlots(8);
    const inbox = await anvil.deploy(artifact("InboxStub"));
    const batches = await anvil.deploy(artifact("BatchesStub"));
    const domain = { chainId: 31337n, verifyingContract: inbox };
    const on = Engine.create({ genesis, ...domain, recovery: nodeRecovery });
    try {
      const claimsAt = await anvil.deploy(artifact("ClaimsStub"), [on.stateRoot()]);
      const verifier = await anvil.deploy(artifact("StepVerifier"));
      const prover = await anvil.deploy(artifact("OneStepProver"), [verifier]);
      const gameAt = await anvil.deploy(artifact("DisputeGame"), [claimsAt, batches, inbox, prover, BOND, CLOCK, Number(BURN_BPS)]);
      await tx(claimsAt, "ClaimsStub", "bind", [gameAt]);
      const game = new ViemGame(anvil.publicClient, gameAt, artifact("DisputeGame").abi);
      expect(await anvil.publicClient.readContract({ address: gameAt, abi: artifact("DisputeGame").abi, functionName: "domainSeparator" })).toBe(
        hex(domainSeparator(domain)),
      );

      // batch 1 posted, a wrong claim on it (transaction 4 "failed") proposed by account 2
      const batch = makeBatch(domain, 2, 10);
      const posted = postBatch(batch, { index: 1n, inboxStart: 0n });
      await tx(batches, "BatchesStub", "setHeaderHash", [1n, headerHash(posted.header)]);
      for (let i = 0; i < posted.messages.length; i++)
        await tx(inbox, "InboxStub", "setRecord", [BigInt(i), inboxRecord(posted.messages[i]!, posted.timestamps[i]!)]);
      const gameBatch = { header: posted.header, da: posted.da, messages: posted.messages, timestamps: posted.timestamps };
      const honest = traceBatchOnL1(on, gameBatch);
      const tampered = withFailedTx(honest.batch, 4);
      const t = proofsOf(on, tampered);
      const fork = on.fork();
      const wrong = fork.traceBatch(tampered);
      fork.dispose();
      const claim = makeClaim(tampered, wrong, on.slotCount(), domain, { batchIndex: 1n, headerHash: headerHash(posted.header), parentClaimHash: ZERO32 });
      const keys = [
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
      ] as const;
      const wallet = (key: Hex) => createWalletClient({ account: privateKeyToAccount(key), chain: anvil.walletClient.chain, transport: http(anvil.url) });
      const [challengerWallet, proposerWallet] = [wallet(keys[0]), wallet(keys[1])];
      const now = (await anvil.publicClient.getBlock()).timestamp;
      await tx(claimsAt, "ClaimsStub", "register", [hex(encodeClaim(claim)), proposerWallet.account.address, now + 604_800n]);

      const parent = { claim: null, treeRoot: on.treeRoot(), slotCount: on.slotCount() };
      const proposer = new GameProposer({ claim, batch: gameBatch, parent }, t);
      const challenger = new GameChallenger({ claim, batch: gameBatch, parent }, honest);
      expect(challenger.disputes()).toBe(true);
      const gas: string[] = [];
      gas.push(`challenge ${await game.send(challengerWallet, challenger.challengeMove(BOND))}`);
      const gameId = 1n;
      for (let i = 0; i < 40 && (await game.view(gameId)).phase < PHASE.ProposerWon; i++) {
        let moved = false;
        for (const [party, w] of [
          [challenger, challengerWallet],
          [proposer, proposerWallet],
        ] as const) {
          const move = await nextMoveOf(party, game, gameId);
          if (move === null) continue;
          try {
            gas.push(`${move.functionName} ${await game.send(w, move)}`);
            moved = true;
            break;
          } catch {
            // a refused move decides nothing
          }
        }
        if (!moved) {
          await anvil.publicClient.request({ method: "evm_increaseTime" as never, params: [Number(CLOCK) + 1] as never });
          await anvil.publicClient.request({ method: "evm_mine" as never, params: [] as never });
        }
      }
      console.log(`anvil game: ${gas.join(", ")}`);
      expect((await game.view(gameId)).phase).toBe(PHASE.ChallengerWon);
      const read = (fn: string, args: readonly unknown[]) =>
        anvil.publicClient.readContract({ address: gameAt, abi: artifact("DisputeGame").abi, functionName: fn, args });
      expect(await read("balanceOf", [challengerWallet.account.address])).toBe(BOND);
      const before = await anvil.publicClient.getBalance({ address: challengerWallet.account.address });
      const used = await game.send(challengerWallet, { functionName: "withdrawBalance", args: [] });
      const after = await anvil.publicClient.getBalance({ address: challengerWallet.account.address });
      expect(after - before).toBeGreaterThan(BOND - used * 10n ** 11n);
      expect(await read("balanceOf", [challengerWallet.account.address])).toBe(0n);
    } finally {
      on.dispose();
    }
  }, 180_000);
});
