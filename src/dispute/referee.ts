// The referee of a dispute (docs/SPEC.md §11.6): what an L1 contract would run, as a library and
// the CLI share it. It starts from what it already trusts — the agreed pre-state root, the posted
// batch, a claim's posted commitments — and takes every other fact from a proof only after a hash
// binds it to those. Proofs are hostile input, so it checks them in a WASM core of its own.

import { fromHex, isHash32Hex, toHex, type HashInput } from "../protocol/bytes.js";
import { WasmCore } from "../core/wasm-core.js";
import { InvalidArgumentError, ProofError, WasmTrapError } from "../protocol/errors.js";
import { BisectionError, BisectionGame } from "./bisection.js";
import { MAX_BATCH_ENTRIES } from "../engine/flat.js";
import { commitmentOf, contextHash, entryAt, startCommitment, stateRootOf, verifyStep, type StepProof } from "./step-proof.js";
import type { Eip712Domain } from "../protocol/eip712.js";
import { MAX_U64, type Batch, type BatchResult, type Hex, type ReasonCode } from "../protocol/types.js";
import type { Claim } from "../protocol/l1-records.js";
import { checkFeePairs } from "../engine/flat.js";
import { nobleRecovery, type RecoveryBackend } from "../protocol/signatures.js";

/** The agreed pre-state of a batch: a trusted state root and its opening (SPEC §4.3). Roots are 0x hex or 32 bytes. */
export interface PreState {
  /** The state root the referee trusts (the parent claim's, or genesis). */
  stateRoot: HashInput;
  /** The tree root that, with `slotCount`, must hash to `stateRoot`. */
  treeRoot: HashInput;
  /** Slots in the pre-state. */
  slotCount: number;
}

export type { Claim } from "../protocol/l1-records.js";

/** Where a claim sits on L1: its batch, that batch's header hash and the claim it builds on. */
export interface ClaimLink {
  batchIndex: bigint;
  headerHash: Hex;
  /** Zero names genesis. */
  parentClaimHash: Hex;
}

const ZERO_HASH = `0x${"00".repeat(32)}` as Hex;

/** The verdict on one disputed step. */
export interface StepJudgement {
  /** True when the claimed post-commitment is not the honest one: the proposer loses. */
  convicted: boolean;
  /** The honest C_{j+1}, re-executed from the agreed C_j. */
  post: Hex;
  status: ReasonCode;
}

function hex32(v: unknown, what: string): Hex {
  if (!isHash32Hex(v)) throw new InvalidArgumentError(`${what} must be a 0x-prefixed 32-byte hex string`);
  return v.toLowerCase() as Hex;
}

/**
 * The face check of a claim (SPEC §11.6, §13.3): every field in range and its posted roots open
 * its final commitment C_{E+1}.
 *
 * @throws BisectionError (BAD_CLAIM) when the roots do not open C_{E+1} or a field is out of range.
 * @throws InvalidArgumentError when the claim is not an object or a hash is malformed.
 */
export function checkClaim(claim: Claim): void {
  if (claim === null || typeof claim !== "object") throw new InvalidArgumentError("claim must be an object");
  hex32(claim.traceRoot, "claim.traceRoot");
  hex32(claim.headerHash, "claim.headerHash");
  hex32(claim.parentClaimHash, "claim.parentClaimHash");
  if (typeof claim.batchIndex !== "bigint" || claim.batchIndex < 0n || claim.batchIndex > MAX_U64)
    throw new BisectionError("BAD_CLAIM", "claim.batchIndex must be a u64 bigint");
  if (!Number.isInteger(claim.stepCount) || claim.stepCount < 1 || claim.stepCount > MAX_BATCH_ENTRIES + 1) {
    throw new BisectionError("BAD_CLAIM", `claim.stepCount must be an integer in [1, ${MAX_BATCH_ENTRIES + 1}]`);
  }
  const final = hex32(claim.finalCommitment, "claim.finalCommitment");
  let opened: Hex;
  try {
    opened = commitmentOf(
      fromHex(hex32(claim.postStateRoot, "claim.postStateRoot")),
      fromHex(hex32(claim.withdrawalsRoot, "claim.withdrawalsRoot")),
      claim.withdrawalCount,
      fromHex(hex32(claim.contextHash, "claim.contextHash")),
    );
  } catch (e) {
    if (e instanceof ProofError) throw new BisectionError("BAD_CLAIM", `claim.${e.message}`);
    throw e;
  }
  if (opened !== final)
    throw new BisectionError("BAD_CLAIM", "the claim's post-state root, withdrawals root, count and context hash do not open its final commitment");
}

/**
 * The claim an honest proposer posts for a traced batch (`engine.traceBatch(batch)`), whose
 * pre-state had `preSlotCount` slots; `link` places it on L1 (batch 0 on genesis by default).
 * @throws InvalidArgumentError for malformed fee pairs or domain; ProofError (FIELD) for a slot
 *   count or owed fee out of range.
 */
export function makeClaim(
  batch: Batch,
  traced: { result: BatchResult; steps: readonly Hex[]; traceRoot: Hex },
  preSlotCount: number,
  domain: Eip712Domain,
  link: ClaimLink = { batchIndex: 0n, headerHash: ZERO_HASH, parentClaimHash: ZERO_HASH },
): Claim {
  return {
    batchIndex: link.batchIndex,
    headerHash: link.headerHash,
    parentClaimHash: link.parentClaimHash,
    stepCount: batch.l1Messages.length + batch.txs.length + 1,
    traceRoot: traced.traceRoot,
    finalCommitment: traced.steps[traced.steps.length - 1]!,
    postStateRoot: traced.result.postStateRoot,
    withdrawalsRoot: traced.result.withdrawalsRoot,
    withdrawalCount: traced.result.withdrawals.length,
    contextHash: toHex(contextHash(domain, preSlotCount, checkFeePairs(batch.feePairs), traced.result.fees)),
  };
}

/**
 * One referee: opens bisection games on claims and judges the disputed step. It owns a WASM core
 * that nothing else uses, so no proof, however hostile, can touch a node's state; after a trap it
 * replaces that core.
 */
export class StepReferee {
  private core: WasmCore;
  private readonly recovery: RecoveryBackend;

  constructor(
    readonly domain: Eip712Domain,
    options: { recovery?: RecoveryBackend } = {},
  ) {
    this.core = WasmCore.createSync();
    this.recovery = options.recovery ?? nobleRecovery;
  }

  /** C_0 of `batch` from the agreed pre-state; BisectionError(BAD_PRESTATE) if the opening is wrong. */
  agreedStart(batch: Batch, pre: PreState): Hex {
    const root = pre?.stateRoot;
    const trusted = root instanceof Uint8Array && root.length === 32 ? toHex(root) : hex32(root, "pre.stateRoot");
    let opened: Hex;
    try {
      opened = stateRootOf(pre.treeRoot, pre.slotCount);
    } catch (e) {
      if (e instanceof ProofError) throw new BisectionError("BAD_PRESTATE", `pre.${e.message}`);
      throw e;
    }
    if (opened !== trusted) throw new BisectionError("BAD_PRESTATE", "pre.treeRoot and pre.slotCount do not hash to the agreed state root");
    return startCommitment(pre, checkFeePairs(batch.feePairs), this.domain);
  }

  /**
   * Starts the bisection of `claim` about `batch`. Throws BisectionError(BAD_CLAIM) — the claim
   * is invalid on its face, the proposer loses — when its posted roots do not open its final
   * commitment.
   */
  openDispute(batch: Batch, pre: PreState, claim: Claim): BisectionGame {
    checkClaim(claim);
    const entries = batch.l1Messages.length + batch.txs.length;
    if (entries > MAX_BATCH_ENTRIES) throw new InvalidArgumentError(`a batch holds at most ${MAX_BATCH_ENTRIES} entries`);
    if (claim.stepCount !== entries + 1)
      throw new BisectionError("BAD_CLAIM", `claim.stepCount is ${claim.stepCount}, but the posted batch has ${entries} entries and so ${entries + 1} steps`);
    return new BisectionGame(entries + 2, claim.traceRoot, this.agreedStart(batch, pre), this.core, claim.finalCommitment);
  }

  /**
   * Judges step `step` of the posted `batch`: the proof must start at the `agreed` C_step; the
   * step is re-executed and the proposer is convicted when `claimed` is not the result. The step's
   * entry and kind come from the batch, never from the proof.
   *
   * @throws ProofError when the proof is malformed, does not hash, or starts anywhere but `agreed`
   *   (NOT_AGREED): whoever supplied it loses the move.
   * @throws InvalidArgumentError for a step outside the batch or malformed commitments.
   */
  judgeStep(args: { batch: Batch; step: number; agreed: Hex; claimed: Hex; proof: StepProof | Uint8Array }): StepJudgement {
    const agreed = hex32(args.agreed, "agreed");
    const claimed = hex32(args.claimed, "claimed");
    const { entry } = entryAt(args.batch, args.step);
    let verdict: ReturnType<typeof verifyStep>;
    try {
      verdict = verifyStep(args.proof, entry, this.domain, { core: this.core, recovery: this.recovery });
    } catch (e) {
      if (e instanceof WasmTrapError) {
        this.core = WasmCore.createSync();
        throw new ProofError("WITNESS", `the proof made the verifier's core trap (${e.message})`);
      }
      throw e;
    }
    if (verdict.pre !== agreed)
      throw new ProofError(
        "NOT_AGREED",
        `the proof starts at ${verdict.pre}, not at the agreed C_${args.step} ${agreed}: a proof of another state, or a referee for another chain id or contract than the batch was signed for`,
      );
    return { convicted: verdict.post !== claimed, post: verdict.post, status: verdict.status };
  }
}
