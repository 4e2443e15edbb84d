// The bisection game on L1 (docs/SPEC.md §13.10, contracts/DisputeGame.sol) played by the
// TypeScript parties (src/l1/game.ts) on an in-process EVM with the real OneStepProver and
// StepVerifier and test stubs for Claims, Batches and Inbox: every outcome, every illegal move,
// the clocks, parallel games, pull payments, and the gas of every move and of a full dispute over
// the largest batch. One game runs on anvil through viem.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hex } from "viem";
import { domainSeparator, encodeClaim, encodeHeader, fromHex, toHex, type Batch, type SignedTx } from "../../src/index.js";
import { GameError, TraceTree, TRACE_ZERO_HASHES, startLevel, traceBatchOnL1 } from "../../src/l1/game.js";
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
  domainOf,
  genesisSlots,
  makeBatch,
  nodeRecovery,
  openingAt,
  play,
  propose,
  sendMove,
  story,
  traceRootOf,
  viewOf,
  type Deployment,
  type PartyTrace,
  type Story,
} from "./game-fixture.js";

const hex = (b: Uint8Array) => toHex(b) as Hex;
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

/** Transaction `i` of the batch with a signature that recovers no owner: the proposer says it failed. */
function withFailedTx(batch: Batch, i: number): Batch {
  const txs = batch.txs.map((t, k) => (k === i ? ({ ...t, signature: `0x${"11".repeat(64)}1b` } as SignedTx) : t));
  return { ...batch, txs };
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
    expect(() => new TraceTree(s.honest.leaves, 1)).toThrow(GameError);
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
    console.log(JSON.stringify(p, (k, v) => (typeof v === "bigint" ? String(v) : v)), await viewOf(d, p.gameId));
    expect(p.result).toBe(PHASE.ProposerWon);
    expect((await viewOf(d, p.gameId)).nodeIndex).toBe(8);
    expect(p.moves.at(-1)!.fn).toBe("settleStep");
    const burn = (BOND * BURN_BPS) / 10_000n;
    expect(await d.game.read<bigint>("balanceOf", [PROPOSER])).toBe(BOND - burn);
    expect(await d.game.read<bigint>("balanceOf", [CHALLENGER])).toBe(0n);
    expect(await d.game.read<bigint>("burned")).toBe(burn);
    expect(await d.claims.read<boolean>("lastProposerWon")).toBe(true);
    expect(await d.claims.read<[bigint, bigint]>("hookCounts", [p.gameId ? await d.game.read<Hex>("gameOf", [p.gameId]).then((g) => (g as unknown as { claimHash: Hex }).claimHash) : ZERO32])).toEqual([1n, 1n]);
  });
});
