// The two parties of the bisection game on L1 (docs/SPEC.md §13.10, contracts/DisputeGame.sol):
// a proposer that answers reveals from its trace and settles the named leaf with its step proof,
// and a challenger that re-executes the batch itself, names the leftmost child that differs from
// its own trace and settles or times the proposer out. Each party only decides a move from what
// the game stores and what it computed itself; a transport (viem here, or a test harness) sends it.

import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Abi, PublicClient, WalletClient } from "viem";
import { fromHex, toHex } from "../protocol/bytes.js";
import { type GameFault, L1Error } from "../protocol/errors.js";
import { revertError } from "./revert.js";
import { encodeClaim, encodeHeader, encodeL1Message, type BatchHeader, type Claim } from "../protocol/l1-records.js";
import type { Batch, BatchResult, Hex, L1Message } from "../protocol/types.js";
import { defaultCore, type WasmCore } from "../core/wasm-core.js";
import { proveTraceSteps, type Engine } from "../engine/engine.js";
import { deriveBatch } from "../da/codec.js";
import { proveSteps } from "../dispute/step-proof.js";
import { encodeStepProof } from "../dispute/proof-codec.js";

export type { GameFault };

/** An L1Error of fault GAME: a party cannot move as asked (its trace, the game's state or the batch is not what it expects). */
function gameError(fault: GameFault, message: string): L1Error {
  return new L1Error("GAME", message, undefined, { game: fault });
}

/** IDisputeGame.Phase, in the contract's order. */
export const PHASE = { None: 0, AwaitReveal: 1, AwaitChoice: 2, AwaitSettle: 3, ProposerWon: 4, ChallengerWon: 5, Void: 6 } as const;
/** A value of {@link PHASE}. */
export type Phase = (typeof PHASE)[keyof typeof PHASE];

/** IDisputeGame.GameView: what the contract stores per game. */
export interface GameView {
  claimHash: Hex;
  /** The node whose children are due; at AwaitSettle the proposer's named leaf C_j. */
  node: Hex;
  /** The named leaf's left sibling when its child index is > 0. */
  agreed: Hex;
  challenger: Hex;
  proposer: Hex;
  stepCount: number;
  nodeIndex: number;
  level: number;
  startLevel: number;
  phase: Phase;
  lastMove: bigint;
  proposerClock: bigint;
  challengerClock: bigint;
}

/** One transaction a party sends to the game contract. */
export interface GameMove {
  functionName: "challenge" | "reveal" | "choose" | "settleStep" | "settleStart" | "settleStepCount" | "timeout" | "withdrawBalance";
  args: readonly unknown[];
  /** Wei sent along (the bond of `challenge`). */
  value?: bigint;
}

/** A batch as L1 holds it: its header, its DA bytes and the inbox messages its range names. */
export interface GameBatch {
  header: BatchHeader;
  da: Uint8Array;
  messages: readonly L1Message[];
  /** The l1Timestamp of each message's inbox record. */
  timestamps: readonly bigint[];
}

/** The state a claim builds on: its parent claim (null on genesis) and the opening of its state root. */
export interface ParentState {
  claim: Claim | null;
  treeRoot: Hex;
  slotCount: number;
}

/** A party's trace of a batch: the leaves C_0 … C_{E+1} and the step proof of each step. */
export interface PartyTrace {
  leaves: readonly Hex[];
  proofs: readonly Uint8Array[];
}

const DEPTH = 16;

function hashNode(children: readonly Uint8Array[]): Uint8Array {
  const buf = new Uint8Array(128);
  for (let i = 0; i < 4; i++) buf.set(children[i]!, 32 * i);
  return keccak_256(buf);
}

/** Z_0 … Z_16 of the 4-ary tree (SPEC §3.2). */
export const TRACE_ZERO_HASHES: readonly Hex[] = (() => {
  const out: Uint8Array[] = [new Uint8Array(32)];
  for (let l = 0; l < DEPTH; l++) out.push(hashNode([out[l]!, out[l]!, out[l]!, out[l]!]));
  return out.map((z) => toHex(z));
})();

/** The level the game starts at: the smallest k ≥ 1 with 4^k > stepCount (≤ 16). */
export function startLevel(stepCount: number): number {
  let k = 1;
  while (k < DEPTH && 4 ** k <= stepCount) k++;
  return k;
}

/**
 * The trace tree's levels 0 … k (SPEC §11.2): level 0 holds the leaves C_0 … C_{E+1}, every node
 * past them is the zero hash of its level. Both parties read children from it.
 */
export class TraceTree {
  private readonly levels: Uint8Array[][];

  /**
   * @param leaves the trace leaves (a proposer's may be tampered; nothing is checked).
   * @param top the highest level to build (the game's start level).
   * @throws L1Error (GAME, game BAD_TRACE) when there are more leaves than 4^top.
   */
  constructor(
    readonly leaves: readonly Hex[],
    readonly top: number,
  ) {
    if (leaves.length > 4 ** top) throw gameError("BAD_TRACE", `${leaves.length} leaves do not fit under a level-${top} node`);
    this.levels = [leaves.map((l) => fromHex(l))];
    for (let l = 0; l < top; l++) {
      const below = this.levels[l]!;
      const z = fromHex(TRACE_ZERO_HASHES[l]!);
      const up: Uint8Array[] = [];
      for (let i = 0; i < below.length; i += 4) up.push(hashNode([0, 1, 2, 3].map((c) => below[i + c] ?? z)));
      this.levels.push(up);
    }
  }

  /** Node `index` at `level` (the zero hash of the level past the leaves). */
  node(level: number, index: number): Hex {
    const v = this.levels[level]?.[index];
    return v === undefined ? TRACE_ZERO_HASHES[level]! : toHex(v);
  }

  /** The 4 children (at `level` − 1) of node `index` at `level`. */
  children(level: number, index: number): [Hex, Hex, Hex, Hex] {
    return [0, 1, 2, 3].map((c) => this.node(level - 1, 4 * index + c)) as [Hex, Hex, Hex, Hex];
  }

  /** The root above node 0 at `top`, all other nodes zero: what a claim posts as its trace root. */
  root(): Hex {
    let h = fromHex(this.node(this.top, 0));
    for (let l = this.top; l < DEPTH; l++) {
      const z = fromHex(TRACE_ZERO_HASHES[l]!);
      h = hashNode([h, z, z, z]);
    }
    return toHex(h);
  }
}

/**
 * Re-executes `batch` on `engine` (at the batch's pre-state, left unchanged): the batch derived
 * from its DA bytes and inbox messages (SPEC §9.4), its trace leaves and every step's proof.
 * @throws L1Error (GAME, game BAD_TRACE) when the messages do not match the header's inbox count;
 *   InvalidArgumentError for a header range the codec refuses.
 */
export function traceBatchOnL1(engine: Engine, batch: GameBatch): PartyTrace & { batch: Batch; result: BatchResult } {
  const { header } = batch;
  if (batch.messages.length !== header.inboxCount || batch.timestamps.length !== header.inboxCount)
    throw gameError("BAD_TRACE", `the header consumes ${header.inboxCount} inbox messages, ${batch.messages.length} were given`);
  const { batch: derived } = deriveBatch(batch.da, { start: header.inboxStart, count: header.inboxCount });
  const b: Batch = { feePairs: derived.feePairs, l1Messages: [...batch.messages], txs: derived.txs };
  const signers = engine.recoverSigners(b);
  const fork = engine.fork();
  let traced: ReturnType<Engine["traceBatch"]>;
  try {
    traced = fork.traceBatch(b, { signers });
  } finally {
    fork.dispose();
  }
  const proofs = [...proveSteps(engine, b, { signers })].map(encodeStepProof);
  return { batch: b, result: traced.result, leaves: traced.steps, proofs };
}

function be(value: bigint, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let v = value;
  for (let i = bytes - 1; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

/** Step j's binding (SPEC §13.4): message ‖ u64 l1Timestamp for an inbox step, else the DA bytes. */
export function bindingOf(batch: GameBatch, step: number): Uint8Array {
  if (step >= batch.header.inboxCount) return batch.da;
  const m = encodeL1Message(batch.messages[step]!);
  const out = new Uint8Array(m.length + 8);
  out.set(m);
  out.set(be(batch.timestamps[step]!, 8), m.length);
  return out;
}

/** What both parties know about the disputed claim. */
export interface Dispute {
  claim: Claim;
  batch: GameBatch;
  parent: ParentState;
}

/**
 * The settling move of leaf `j`: C_0 from the parent's opening (j = 0), else step j − 1 from the
 * agreed C_{j−1} — the recorded sibling, or `leaves[j − 1]` proved in the trace of `leaves` when
 * the named leaf was child 0 — with `proof` (the step proof of step j − 1).
 */
function settleMove(
  gameId: bigint,
  j: number,
  d: Dispute,
  agreed: Hex,
  leaves: readonly Hex[] | null,
  proof: Uint8Array | undefined,
  core: WasmCore,
): GameMove {
  const claim = toHex(encodeClaim(d.claim));
  const header = toHex(encodeHeader(d.batch.header));
  if (j === 0) {
    const parent = d.parent.claim === null ? "0x" : toHex(encodeClaim(d.parent.claim));
    return { functionName: "settleStart", args: [gameId, claim, header, parent, d.parent.treeRoot, d.parent.slotCount, toHex(d.batch.da)] };
  }
  if (proof === undefined) throw gameError("UNKNOWN_LEAF", `no step proof for step ${j - 1}`);
  let agreedProof: Hex = "0x";
  if (j % 4 === 0) {
    if (leaves === null) throw gameError("UNKNOWN_LEAF", `leaf ${j - 1} must be proved in the proposer's trace`);
    agreed = leaves[j - 1]!;
    agreedProof = toHex(proveTraceSteps(core, leaves, [j - 1]));
  }
  return { functionName: "settleStep", args: [gameId, claim, header, agreed, agreedProof, toHex(proof), toHex(bindingOf(d.batch, j - 1))] };
}

/** Whether the side to move in `view` has run out of time at `now` (the other side may call timeout). */
export function moverExpired(view: GameView, now: bigint): boolean {
  const clock = view.phase === PHASE.AwaitChoice ? view.challengerClock : view.proposerClock;
  return now - view.lastMove >= clock;
}

function isOpen(view: GameView): boolean {
  return view.phase === PHASE.AwaitReveal || view.phase === PHASE.AwaitChoice || view.phase === PHASE.AwaitSettle;
}

/**
 * The proposer of a claim: reveals children of its trace tree and settles the named leaf with its
 * own step proof. It moves only on its turn, and calls timeout when the challenger ran out.
 */
export class GameProposer {
  private readonly tree: TraceTree;

  /**
   * @param trace the proposer's leaves (whatever it committed to in the claim's trace root) and proofs.
   * @throws L1Error (GAME, game BAD_TRACE) when the leaves do not give the claim's trace root.
   */
  constructor(
    readonly dispute: Dispute,
    readonly trace: PartyTrace,
    private readonly core: WasmCore = defaultCore(),
  ) {
    this.tree = new TraceTree(trace.leaves, startLevel(dispute.claim.stepCount));
    if (this.tree.root() !== dispute.claim.traceRoot.toLowerCase()) throw gameError("BAD_TRACE", "the proposer's leaves do not give the claim's trace root");
  }

  /**
   * The move due from the proposer in `view` at L1 time `now`, or null when it is not its turn.
   * @throws L1Error (GAME, game UNKNOWN_LEAF) when its trace holds no step proof for the named leaf.
   */
  nextMove(gameId: bigint, view: GameView, now: bigint): GameMove | null {
    if (!isOpen(view)) return null;
    if (view.phase === PHASE.AwaitChoice) return moverExpired(view, now) ? { functionName: "timeout", args: [gameId] } : null;
    if (moverExpired(view, now)) return null; // its own clock ran out: nothing it may do
    if (view.phase === PHASE.AwaitReveal) return { functionName: "reveal", args: [gameId, this.tree.children(view.level, view.nodeIndex)] };
    const j = view.nodeIndex;
    return settleMove(gameId, j, this.dispute, view.agreed, this.trace.leaves, this.trace.proofs[j - 1], this.core);
  }
}

/**
 * A challenger: holds its own re-execution of the batch and disputes the claim where it differs.
 * The leaf it aims at is the leftmost leaf of the claim's trace that is not its own; when every
 * revealed node agrees but the claim's final commitment is not its own C_{E+1}, the last leaf.
 */
export class GameChallenger {
  private readonly tree: TraceTree;
  readonly stepCountWrong: boolean;
  private readonly finalWrong: boolean;

  /** @throws L1Error (GAME, game BAD_TRACE) when the honest trace has more leaves than the claim's tree holds. */
  constructor(
    readonly dispute: Dispute,
    readonly honest: PartyTrace,
    private readonly core: WasmCore = defaultCore(),
  ) {
    const claim = dispute.claim;
    this.stepCountWrong = claim.stepCount !== honest.leaves.length - 1;
    this.tree = new TraceTree(this.stepCountWrong ? [] : honest.leaves, startLevel(claim.stepCount));
    this.finalWrong = claim.finalCommitment.toLowerCase() !== honest.leaves[honest.leaves.length - 1]!.toLowerCase();
  }

  /** Whether the claim differs from this challenger's own outcome (only then is a challenge worth its bond). */
  disputes(): boolean {
    return this.stepCountWrong || this.finalWrong || this.tree.root() !== this.dispute.claim.traceRoot.toLowerCase();
  }

  /**
   * The opening move: challenge the claim with `bond` wei.
   * @throws L1Error (GAME, game NO_DISPUTE) when the claim agrees with this challenger's re-execution.
   */
  challengeMove(bond: bigint): GameMove {
    if (!this.disputes()) throw gameError("NO_DISPUTE", "the claim agrees with this challenger's re-execution");
    return { functionName: "challenge", args: [toHex(encodeClaim(this.dispute.claim))], value: bond };
  }

  /**
   * The child (0 … 3) to name among `children` of node `index` at `level`.
   * @throws L1Error (GAME, game NO_DISPUTE) when every child agrees and the final commitment is not disputed here.
   */
  pick(level: number, index: number, children: readonly Hex[]): number {
    const mine = this.tree.children(level, index);
    for (let c = 0; c < 4; c++) if (children[c]!.toLowerCase() !== mine[c]) return c;
    const last = this.dispute.claim.stepCount;
    const target = Math.floor(last / 4 ** (level - 1)) - 4 * index;
    if (this.finalWrong && target >= 0 && target < 4) return target;
    throw gameError("NO_DISPUTE", `the revealed children of node ${index} at level ${level} all agree with this challenger's trace`);
  }

  /**
   * The move due from the challenger in `view` at L1 time `now`; `revealed` are the children the
   * proposer revealed last (needed at AwaitChoice). Null when it is not its turn.
   * @throws L1Error (GAME, game BAD_VIEW) at AwaitChoice without the revealed children; as {@link pick}.
   */
  nextMove(gameId: bigint, view: GameView, now: bigint, revealed: readonly Hex[] | null): GameMove | null {
    if (!isOpen(view)) return null;
    const d = this.dispute;
    if (this.stepCountWrong)
      return { functionName: "settleStepCount", args: [gameId, toHex(encodeClaim(d.claim)), toHex(encodeHeader(d.batch.header)), toHex(d.batch.da)] };
    if (view.phase !== PHASE.AwaitChoice) {
      if (moverExpired(view, now)) return { functionName: "timeout", args: [gameId] };
      // the proposer's clock runs at AwaitSettle; settling itself ends a wrong claim's game sooner
      // when its pre is at hand (leaf 0, or a recorded sibling)
      const j = view.nodeIndex;
      if (view.phase === PHASE.AwaitSettle && (j === 0 || j % 4 !== 0))
        return settleMove(gameId, j, d, view.agreed, null, this.honest.proofs[j - 1], this.core);
      return null;
    }
    if (moverExpired(view, now)) return null;
    if (revealed === null || revealed.length !== 4) throw gameError("BAD_VIEW", `game ${gameId} awaits a choice but no revealed children were given`);
    return { functionName: "choose", args: [gameId, revealed, this.pick(view.level, view.nodeIndex, revealed)] };
  }
}

// ---------------------------------------------------------------------------------------------
// viem transport

/** Reads a game's state and the children revealed last, and the L1 time. */
export interface GameReader {
  view(gameId: bigint): Promise<GameView>;
  revealed(gameId: bigint): Promise<readonly Hex[] | null>;
  now(): Promise<bigint>;
}

/** The DisputeGame contract over viem: reads through `publicClient`, sends through `walletClient`'s account. */
export class ViemGame implements GameReader {
  constructor(
    readonly publicClient: PublicClient,
    readonly address: Hex,
    readonly abi: Abi,
  ) {}

  async view(gameId: bigint): Promise<GameView> {
    const v = (await this.publicClient.readContract({ address: this.address, abi: this.abi, functionName: "gameOf", args: [gameId] })) as Record<
      string,
      unknown
    >;
    return toGameView(v);
  }

  async revealed(gameId: bigint): Promise<readonly Hex[] | null> {
    const logs = await this.publicClient.getContractEvents({ address: this.address, abi: this.abi, eventName: "Revealed", args: { gameId }, fromBlock: 0n });
    const last = logs[logs.length - 1] as { args?: { children?: readonly Hex[] } } | undefined;
    return last?.args?.children ?? null;
  }

  async now(): Promise<bigint> {
    return (await this.publicClient.getBlock()).timestamp;
  }

  /**
   * Sends `move` from `wallet`'s account and waits for it to be mined; returns the receipt's gasUsed.
   * @throws L1Error (REVERTED) naming the contract's custom error when the move is refused (simulated first, so a refused move costs nothing).
   */
  async send(wallet: WalletClient, move: GameMove): Promise<bigint> {
    const what = `DisputeGame.${move.functionName}`;
    let hash: Hex;
    try {
      const { request } = await this.publicClient.simulateContract({
        address: this.address,
        abi: this.abi,
        functionName: move.functionName,
        args: move.args as unknown[],
        value: move.value,
        account: wallet.account!,
      } as never);
      hash = await wallet.writeContract({ ...(request as object), chain: wallet.chain } as never);
    } catch (e) {
      throw revertError(this.abi, what, e);
    }
    const receipt = await this.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    if (receipt.status !== "success") throw new L1Error("REVERTED", `${what}: transaction ${hash} reverted after its simulation passed`);
    return receipt.gasUsed;
  }
}

/** The contract's GameView tuple as a {@link GameView}. */
export function toGameView(v: Record<string, unknown>): GameView {
  return {
    claimHash: v.claimHash as Hex,
    node: v.node as Hex,
    agreed: v.agreed as Hex,
    challenger: v.challenger as Hex,
    proposer: v.proposer as Hex,
    stepCount: Number(v.stepCount),
    nodeIndex: Number(v.nodeIndex),
    level: Number(v.level),
    startLevel: Number(v.startLevel),
    phase: Number(v.phase) as Phase,
    lastMove: BigInt(v.lastMove as number | bigint),
    proposerClock: BigInt(v.proposerClock as number | bigint),
    challengerClock: BigInt(v.challengerClock as number | bigint),
  };
}

/**
 * A party's next move in game `gameId`, read through `reader` (null when it is not its turn).
 * @throws L1Error (GAME) as the party's `nextMove`.
 */
export async function nextMoveOf(party: GameProposer | GameChallenger, reader: GameReader, gameId: bigint): Promise<GameMove | null> {
  const view = await reader.view(gameId);
  const now = await reader.now();
  if (party instanceof GameProposer) return party.nextMove(gameId, view, now);
  return party.nextMove(gameId, view, now, view.phase === PHASE.AwaitChoice ? await reader.revealed(gameId) : null);
}
