// Bisection over a batch's steps (docs/SPEC.md §11.3): a proposer and a challenger disagree on a
// batch's outcome; a referee (what an L1 contract would run) narrows the disagreement to the first
// step whose pre-state both accept and whose post-state they dispute, in ⌈log2(steps)⌉ rounds.
// Transport-free: the parties and the referee exchange plain values; every move is checked.

import { fromHex, isHash32Hex } from "../protocol/bytes.js";
import { defaultCore, type WasmCore } from "../core/wasm-core.js";
import { proveTraceSteps, traceRoot } from "../engine/engine.js";
import { BisectionError, L2EngineError } from "../protocol/errors.js";
import { deriveBatch, type InboxRange } from "../da/codec.js";
import { MAX_BATCH_ENTRIES } from "../engine/flat.js";
import { maxMultiproofBytes } from "./step-proof.js";
import { STATE_TREE_SHAPE } from "../protocol/shape.js";
import type { Hex } from "../protocol/types.js";

export { BisectionError, type BisectionFault } from "../protocol/errors.js";

/** The proposer reveals step commitment `index` of its posted trace, with a multiproof. */
export interface Reveal {
  index: number;
  commitment: Hex;
  proof: Uint8Array;
}

/** Bytes of the largest multiproof of one trace leaf: reveals above it are refused unread. */
const MAX_REVEAL_PROOF_BYTES = maxMultiproofBytes(1);

/**
 * The referee of the bisection. `commitments` is the number of step commitments of the batch
 * (entries + 2, known to everyone from the batch); `proposerRoot` the trace root the proposer
 * posted; `agreedStart` the commitment C_0 the referee computed from what it trusts
 * ({@link startCommitment}); `finalCommitment`, when given, the C_{E+1} the claim posted — the
 * opening reveal must match it. Reveals are hostile input: each is bounded before it reaches
 * `core` (by default the shared {@link defaultCore}) and touches only its transient input there;
 * {@link StepReferee} opens games in a core of its own.
 *
 * Protocol: the proposer first reveals commitment 0 (it must equal `agreedStart`) and its final
 * commitment (which the challenger disputes); then, while more than one step separates the last
 * agreed commitment `lo` from the first disputed one `hi`, the referee asks for `mid`, the proposer
 * reveals it, and the challenger agrees (lo = mid) or not (hi = mid). The step from `lo` to
 * `lo + 1` is then the one to re-execute with a step proof.
 */
export class BisectionGame {
  readonly steps: number;
  lo = 0;
  hi: number;
  rounds = 0;
  private readonly core: WasmCore;
  private started = false;
  private revealed: Hex | null = null;
  private readonly revealedAt = new Map<number, Hex>();

  constructor(
    readonly commitments: number,
    readonly proposerRoot: Hex,
    readonly agreedStart: Hex,
    core: WasmCore = defaultCore(),
    readonly finalCommitment?: Hex,
  ) {
    if (!Number.isInteger(commitments) || commitments < 2 || commitments > MAX_BATCH_ENTRIES + 2) {
      throw new BisectionError("NOT_STARTED", `a batch has from 2 to ${MAX_BATCH_ENTRIES + 2} step commitments, not ${String(commitments)}`);
    }
    for (const [name, v] of [
      ["proposerRoot", proposerRoot],
      ["agreedStart", agreedStart],
      ["finalCommitment", finalCommitment ?? agreedStart],
    ] as const) {
      if (!isHash32Hex(v)) throw new BisectionError("NOT_STARTED", `${name} must be a 0x-prefixed 32-byte hex string`);
    }
    this.steps = commitments - 1;
    this.hi = commitments - 1;
    this.core = core;
  }

  private check(r: Reveal, index: number): void {
    if (r === null || typeof r !== "object" || r.index !== index) {
      throw new BisectionError("WRONG_INDEX", `expected commitment ${index}, got ${String((r as Reveal | null)?.index)}`);
    }
    // sizes and shapes first: nothing unbounded reaches the core
    if (!isHash32Hex(r.commitment)) throw new BisectionError("BAD_PROOF", `commitment ${index} is not a 32-byte hex string`);
    if (!(r.proof instanceof Uint8Array) || r.proof.length < 8 || r.proof.length > MAX_REVEAL_PROOF_BYTES) {
      throw new BisectionError("BAD_PROOF", `the proof of commitment ${index} is not a multiproof of one leaf (at most ${MAX_REVEAL_PROOF_BYTES} bytes)`);
    }
    // the proof must be for exactly this one index (the multiproof names its indices)
    const named = new DataView(r.proof.buffer, r.proof.byteOffset, r.proof.byteLength);
    let ok = named.getUint32(0, true) === 1 && named.getUint32(4, true) === index;
    try {
      ok = ok && this.core.verifyMultiproof(STATE_TREE_SHAPE, fromHex(this.proposerRoot), r.proof, [fromHex(r.commitment)]);
    } catch (e) {
      if (!(e instanceof L2EngineError) || e.code !== "PROOF_INVALID") throw e;
      ok = false;
    }
    if (!ok) throw new BisectionError("BAD_PROOF", `commitment ${index} is not in the proposer's trace`);
    this.revealedAt.set(index, r.commitment.toLowerCase() as Hex);
  }

  /** The opening moves: commitment 0 (must be the agreed start) and the claimed final one. */
  open(first: Reveal, last: Reveal): void {
    if (this.started) throw new BisectionError("FINISHED", "the game has already started");
    this.check(first, 0);
    if (first.commitment.toLowerCase() !== this.agreedStart.toLowerCase()) {
      throw new BisectionError("NOT_AGREED_START", "the proposer's trace does not start from the agreed state");
    }
    this.check(last, this.commitments - 1);
    if (this.finalCommitment !== undefined && last.commitment.toLowerCase() !== this.finalCommitment.toLowerCase()) {
      throw new BisectionError("NOT_CLAIMED_FINAL", "the revealed final commitment is not the one the claim posted");
    }
    this.started = true;
  }

  get done(): boolean {
    return this.started && this.hi - this.lo <= 1;
  }

  /** The commitment index the proposer must reveal next, or null when the game is over. */
  query(): number | null {
    if (!this.started) throw new BisectionError("NOT_STARTED", "open the game first");
    return this.done ? null : Math.floor((this.lo + this.hi) / 2);
  }

  reveal(r: Reveal): void {
    const mid = this.query();
    if (mid === null) throw new BisectionError("FINISHED", "the game is over");
    if (this.revealed !== null) throw new BisectionError("WRONG_INDEX", "waiting for the challenger");
    this.check(r, mid);
    this.revealed = r.commitment;
  }

  /** The challenger's verdict on the last revealed commitment. */
  judge(agree: boolean): void {
    const mid = this.query();
    if (mid === null || this.revealed === null) throw new BisectionError("NOT_STARTED", "nothing to judge");
    if (agree) this.lo = mid;
    else this.hi = mid;
    this.revealed = null;
    this.rounds++;
  }

  /** Once done: the disputed step, and the commitments before and after it as the proposer claims. */
  outcome(): { step: number; pre: Hex; proposerPost: Hex } {
    if (!this.done) throw new BisectionError("NOT_STARTED", "the game is not over");
    return { step: this.lo, pre: this.revealedAt.get(this.lo)!, proposerPost: this.revealedAt.get(this.hi)! };
  }
}

/** The proposer's side: answers reveals from its trace. */
export class Proposer {
  readonly root: Hex;
  constructor(
    readonly steps: readonly Hex[],
    private readonly core: WasmCore = defaultCore(),
  ) {
    this.root = traceRoot(core, steps);
  }
  reveal(index: number): Reveal {
    return { index, commitment: this.steps[index]!, proof: proveTraceSteps(this.core, this.steps, [index]) };
  }
}

/** The challenger's side: compares revealed commitments with its own trace. */
export class Challenger {
  constructor(readonly steps: readonly Hex[]) {}
  agrees(index: number, commitment: Hex): boolean {
    return this.steps[index]?.toLowerCase() === commitment.toLowerCase();
  }
}

/**
 * Plays a whole dispute between an honest challenger's trace and a proposer's trace of the same
 * batch; returns the disputed step and how many rounds it took (⌈log2(steps)⌉). Runs in `core`,
 * by default the shared {@link defaultCore}.
 * @throws BisectionError (NO_DISPUTE) when the traces agree on the outcome, or as {@link BisectionGame}.
 */
export function runBisection(
  proposerSteps: readonly Hex[],
  challengerSteps: readonly Hex[],
  core: WasmCore = defaultCore(),
): { step: number; rounds: number; pre: Hex; proposerPost: Hex; challengerPost: Hex } {
  const proposer = new Proposer(proposerSteps, core);
  const challenger = new Challenger(challengerSteps);
  const game = new BisectionGame(challengerSteps.length, proposer.root, challengerSteps[0]!, core);
  return playBisection(game, proposer, challenger);
}

/**
 * Plays `game` (opened by a referee, e.g. {@link StepReferee.openDispute}) to its end between a
 * proposer and an honest challenger whose trace has as many commitments as the game.
 * @throws BisectionError — NOT_STARTED: the challenger's trace is not of this batch; NO_DISPUTE:
 *   it agrees with the proposer's outcome; or the fault of the proposer's first bad move.
 */
export function playBisection(
  game: BisectionGame,
  proposer: Proposer,
  challenger: Challenger,
): { step: number; rounds: number; pre: Hex; proposerPost: Hex; challengerPost: Hex } {
  const final = game.commitments - 1;
  if (challenger.steps.length !== game.commitments) throw new BisectionError("NOT_STARTED", "the challenger's trace is not of this batch");
  if (challenger.agrees(final, proposer.steps[final] ?? ("0x" as Hex))) {
    throw new BisectionError("NO_DISPUTE", "the challenger agrees with the proposer's outcome: nothing to dispute");
  }
  game.open(proposer.reveal(0), proposer.reveal(final));
  for (let mid = game.query(); mid !== null; mid = game.query()) {
    const r = proposer.reveal(mid);
    game.reveal(r);
    game.judge(challenger.agrees(mid, r.commitment));
  }
  const { step, pre, proposerPost } = game.outcome();
  return { step, rounds: game.rounds, pre, proposerPost, challengerPost: challenger.steps[step + 1]! };
}

/**
 * The batch-level case (SPEC §11.4): before any step is disputed, the parties may disagree on
 * what the DA bytes say. Derivation is deterministic (undecodable bytes are a batch with no fee
 * pairs and no transactions that still consumes its header's inbox range), so the referee settles
 * it by deriving: true when the claim's step count is `inbox.count + n + 1` for the `n`
 * transactions the bytes derive to.
 *
 * @throws InvalidArgumentError when `inbox` is not a range a header can hold.
 */
export function checkDerivation(daBytes: Uint8Array, inbox: InboxRange, claimed: { stepCount: number }): boolean {
  const { batch } = deriveBatch(daBytes, inbox);
  return claimed.stepCount === batch.inbox.count + batch.txs.length + 1;
}
