// The engine API: a rollup state in one WASM core, advanced one batch per call. This file holds
// the Engine class — its factories, batch execution (applyBatch, traceBatch, applyPrefix) and
// transaction building; the class delegates store page I/O to pages.ts, state reads to queries.ts
// and proofs to proofs.ts, so that each job reads in one file (docs/DECISIONS.md D36).

import { type WasmCore, defaultCore } from "../core/wasm-core.js";
import type { CoreInstance } from "../core/instance.js";
import { CapacityError, InvalidArgumentError } from "../protocol/errors.js";
import { checkFeePairs, decodeBatchOutput, encodeBatchInput, writeSlotRecord, L1_RECORD_BYTES, SLOT_RECORD_BYTES } from "./flat.js";
import { checkSlot, isLpToken, isReservedOwner, normalizeAddress } from "../protocol/slot-encoding.js";
import { domainSeparator, type Eip712Domain } from "../protocol/eip712.js";
import {
  MAX_FEE_PAIRS,
  MAX_SLOTS,
  authorizingSlot,
  type Batch,
  type BatchResult,
  type Hex,
  type Slot,
  type Tx,
  type TxDraft,
  type TxOfType,
  type Withdrawal,
  type StepParts,
} from "../protocol/types.js";
import { nobleRecovery, recoverTransactionSigners, type RecoveryBackend } from "../protocol/signatures.js";
import { APPLY_CORRUPT, APPLY_REFUSED } from "../protocol/constants.generated.js";
import { appendSlotRecords, checkPageLoad, loadSlotPages, readSlotPages, readSlotRecords, rehashLeaves } from "./pages.js";
import { corruptSlotError, engineGetSlot, engineRoots, engineSlotCount, engineSlotsOf } from "./queries.js";
import { proveBatchWithdrawals, proveEngineSlots, traceRoot } from "./proofs.js";

export { withLeafTree, withdrawalLeaves, traceRoot, proveTraceSteps } from "./proofs.js";

/** Most fee pairs a batch may list (SPEC §5.1). */
export const MAX_FEE_SLOTS = MAX_FEE_PAIRS;

/**
 * What {@link Engine.create} takes: the EIP-712 domain the transactions are signed for (chain id,
 * the rollup's L1 contract, and optionally the deployment's domain `name` and `version`), the
 * genesis, and where and how to run.
 */
export interface EngineOptions extends Eip712Domain {
  /** Slots of the genesis state, created in order as slots 0, 1, 2, … */
  genesis?: readonly Slot[];
  /**
   * The core the state lives in (several engines may share one). By default the shared
   * {@link defaultCore}: pass a core of your own to keep a state apart from every other engine's
   * memory (the 2^24-slot capacity and a trap are per core).
   */
  core?: WasmCore;
  /**
   * How signatures are recovered when applyBatch is not given signers: @noble/curves by default
   * (works in browsers); `secp256k1WasmRecovery` from `l2engine/node` is ~5× faster.
   */
  recovery?: RecoveryBackend;
}

/** Options of {@link Engine.applyBatch} and {@link Engine.traceBatch}. */
export interface ApplyOptions {
  /**
   * The address recovered from each transaction's signature (null when it did not recover), e.g.
   * from a worker pool. When omitted, signatures are recovered here, on the calling thread.
   */
  signers?: readonly (Hex | null)[];
}

/**
 * A rollup state held in a WebAssembly core. `applyBatch` makes exactly one call into WASM per
 * batch: the batch goes in as one flat buffer, receipts and roots come back as one.
 */
export class Engine {
  /** The EIP-712 domain transactions are checked under (verifyingContract lowercase). */
  readonly domain: Eip712Domain;
  /** The core the state lives in (shared by its forks). */
  readonly core: WasmCore;
  /** How signatures are recovered when applyBatch is not given signers. */
  readonly recovery: RecoveryBackend;
  private readonly instance: CoreInstance;
  private handle: number;
  /** The domain's EIP-712 separator: step commitments bind it (SPEC §11.1). */
  private readonly separator: Uint8Array;

  private constructor(options: EngineOptions, forkOf?: number) {
    if (options === null || typeof options !== "object") throw new InvalidArgumentError("engine options must be an object");
    this.domain = {
      chainId: options.chainId,
      verifyingContract: normalizeAddress(options.verifyingContract, "verifyingContract"),
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(options.version === undefined ? {} : { version: options.version }),
    };
    this.core = options.core ?? defaultCore();
    this.recovery = options.recovery ?? nobleRecovery;
    this.separator = domainSeparator(this.domain);
    this.instance = this.core.instance;
    if (forkOf !== undefined) {
      this.handle = this.instance.call((x) => x.engineFork(forkOf));
      // a fork needs as much core memory as its original (D23): at 2^24 slots only one fits
      if (this.handle === 0) throw new CapacityError(`fork: a copy of this state does not fit in the core's memory (${this.core.memoryBytes()} bytes in use)`);
      return;
    }
    const genesis = (options.genesis ?? []).map((s, i) => checkGenesisSlot(s, i));
    if (genesis.length > MAX_SLOTS) throw new CapacityError(`genesis may hold at most ${MAX_SLOTS} slots`);
    this.handle = this.instance.call((x) => x.engineNew());
    if (this.handle === 0) throw new CapacityError("engine: a new state does not fit in the core's memory");
    const chunk = 1 << 16;
    for (let start = 0; start < genesis.length; start += chunk) {
      const part = genesis.slice(start, start + chunk);
      const bytes = new Uint8Array(part.length * SLOT_RECORD_BYTES);
      part.forEach((s, i) => writeSlotRecord(bytes, i * SLOT_RECORD_BYTES, s));
      appendSlotRecords(this.instance, this.live(), bytes);
    }
  }

  /**
   * An engine whose slots are `records`: consecutive 48-byte slot records in the core's layout
   * (src/engine/flat.ts), as {@link Engine.readSlotRecords} returns them; every record is hashed
   * into its leaf. Each record's fields are taken as they are, so only pass bytes an engine wrote.
   */
  static fromSlotRecords(records: Uint8Array, options: Omit<EngineOptions, "genesis">): Engine {
    if (!(records instanceof Uint8Array) || records.length % SLOT_RECORD_BYTES !== 0) {
      throw new InvalidArgumentError(`slot records must be a Uint8Array of a multiple of ${SLOT_RECORD_BYTES} bytes`);
    }
    if (records.length / SLOT_RECORD_BYTES > MAX_SLOTS) throw new CapacityError(`a state holds at most ${MAX_SLOTS} slots`);
    const engine = new Engine({ ...options, genesis: [] });
    try {
      appendSlotRecords(engine.instance, engine.live(), records);
    } catch (e) {
      engine.dispose();
      throw e;
    }
    return engine;
  }

  /**
   * An engine of `slotCount` slots read page by page as a store keeps them (see
   * {@link Engine.readSlotPages}): `page(p)` returns page p. The stored leaves are taken as they
   * are and only inner nodes are hashed; each slot's record is checked against its leaf the first
   * time a batch or getSlot reads it (StoreError CORRUPT on a mismatch), or call
   * {@link Engine.rehashLeaves} to recompute every leaf from its record at once. Compare the
   * resulting root with one you trust.
   */
  static fromSlotPages(slotCount: number, pageSlots: number, page: (index: number) => Uint8Array | undefined, options: Omit<EngineOptions, "genesis">): Engine {
    checkPageLoad(slotCount, pageSlots);
    const engine = new Engine({ ...options, genesis: [] });
    try {
      loadSlotPages(engine.instance, engine.live(), slotCount, pageSlots, page);
    } catch (e) {
      engine.dispose();
      throw e;
    }
    return engine;
  }

  /** Recomputes every slot's leaf from its record at the next root (after loading stored leaves). */
  rehashLeaves(): void {
    rehashLeaves(this.instance, this.live());
  }

  /** The 48-byte records of the given slots, concatenated in the order asked (see fromSlotRecords). */
  readSlotRecords(indices: readonly number[] | Uint32Array): Uint8Array {
    const handle = this.live();
    return readSlotRecords(this.instance, handle, this.slotCount(), indices);
  }

  /**
   * Slot pages as a store keeps them (docs/SPEC.md §12): for each page index p, the records of
   * slots [p·pageSlots, …) — fewer on the last page — then their leaves. One call into the core;
   * the pages are views into one buffer.
   */
  readSlotPages(pages: readonly number[], pageSlots: number): Uint8Array[] {
    const handle = this.live();
    return readSlotPages(this.instance, handle, this.slotCount(), pages, pageSlots);
  }

  /**
   * An independent copy of this engine's state in the same core: apply batches to it without
   * touching the original (speculative execution, or replaying up to a disputed step). Costs one
   * copy of the slots and the tree; dispose it when done. Throws {@link CapacityError} when that
   * copy does not fit in the core's 4 GiB (at 2^24 slots a core holds the state and one fork).
   */
  fork(): Engine {
    return new Engine({ ...this.domain, core: this.core, recovery: this.recovery }, this.live());
  }

  /**
   * The engine's handle in the core, or InvalidArgumentError once disposed. Every method goes
   * through here: handle 0 reaching the core would make it read an engine at address 0 (static
   * data), follow garbage pointers and trap — and a trap poisons the core for every engine in it.
   */
  private live(): number {
    if (this.handle === 0) throw new InvalidArgumentError("engine was disposed");
    return this.handle;
  }

  /**
   * Applies only the first `count` entries of `batch` (L1 messages first, then transactions) and
   * does not settle fees: the state before step `count` of the batch (SPEC §11.1), e.g. on a
   * {@link Engine.fork}. Returns the parts of that step's commitment.
   */
  applyPrefix(
    batch: Batch,
    count: number,
    options: ApplyOptions = {},
  ): StepParts & { receipts: BatchResult["receipts"]; withdrawals: Withdrawal[]; treeRoot: Hex; slotCount: number } {
    const total = batch.l1Messages.length + batch.txs.length;
    if (!Number.isInteger(count) || count < 0 || count > total) throw new InvalidArgumentError(`count must be an integer in [0, ${total}]`);
    const l1 = batch.l1Messages.slice(0, count);
    const txCount = Math.max(0, count - batch.l1Messages.length);
    const prefix: Batch = { feePairs: batch.feePairs, l1Messages: l1, txs: batch.txs.slice(0, txCount) };
    const signers = options.signers ? options.signers.slice(0, txCount) : undefined;
    const baseSlotCount = this.slotCount();
    const { result } = this.run(prefix, signers ? { signers } : {}, false, false);
    return {
      stateRoot: result.postStateRoot,
      withdrawalsRoot: result.withdrawalsRoot,
      withdrawalCount: result.withdrawals.length,
      baseSlotCount,
      feePairs: checkFeePairs(batch.feePairs),
      owedFees: result.fees,
      receipts: result.receipts,
      withdrawals: result.withdrawals,
      treeRoot: result.postTreeRoot,
      slotCount: result.slotCount,
    };
  }

  /**
   * Creates an engine over `options.genesis` (slots 0, 1, 2, … in order; none by default) in
   * `options.core`, by default the shared {@link defaultCore}. Synchronous.
   * @throws InvalidArgumentError if the options, the domain or a genesis slot is malformed (a
   *   genesis slot may not have a reserved pool owner or an LP token).
   * @throws CapacityError if the genesis holds more than 2^24 slots or does not fit in the core.
   */
  static create(options: EngineOptions): Engine {
    return new Engine(options);
  }

  private roots(): { stateRoot: Hex; treeRoot: Hex } {
    return engineRoots(this.instance, this.live());
  }

  /** keccak256(treeRoot ‖ u32 slotCount): the commitment to the whole L2 state (SPEC §4.3). */
  stateRoot(): Hex {
    return this.roots().stateRoot;
  }

  /** Root of the 4-ary state tree of slot leaves. */
  treeRoot(): Hex {
    return this.roots().treeRoot;
  }

  /** How many slots the state holds. */
  slotCount(): number {
    return engineSlotCount(this.instance, this.live());
  }

  /**
   * The slot at `index`.
   *
   * @throws InvalidArgumentError if it does not exist.
   * @throws StoreError CORRUPT when the engine was loaded by {@link Engine.fromSlotPages} and the
   * slot's record does not hash to its loaded leaf (checked at its first read).
   */
  getSlot(index: number): Slot {
    return engineGetSlot(this.instance, this.live(), index);
  }

  /** Indices of every slot `owner` holds, ascending (a linear scan in the core). */
  slotsOf(owner: string): number[] {
    return engineSlotsOf(this.instance, this.live(), owner);
  }

  /**
   * A multiproof of slots against {@link Engine.treeRoot}; each leaf is keccak256 of the slot's
   * encoding (SPEC §4.1), and a slot index not yet created proves the zero leaf.
   */
  proveSlots(indices: readonly number[]): Uint8Array {
    return proveEngineSlots(this.instance, this.live(), indices);
  }

  /**
   * A multiproof of withdrawal records against a batch's `withdrawalsRoot` — what an L1 bridge
   * checks before paying record `i` to its owner. `withdrawals` is `result.withdrawals` of the
   * batch; the leaves are keccak256 of each record's 40-byte encoding (SPEC §5.2).
   */
  proveWithdrawals(withdrawals: readonly Withdrawal[], indices: readonly number[]): { root: Hex; proof: Uint8Array; leaves: Uint8Array[] } {
    this.live();
    return proveBatchWithdrawals(this.core, withdrawals, indices);
  }

  /**
   * Applies a batch: L1 messages first, then transactions, then fee settlement. Invalid entries
   * get a failure receipt and change nothing but, for a transaction that passed its nonce check,
   * that nonce (SPEC §6); an owed fee whose pair's slot cannot take it is burned at settlement
   * (SPEC §5.1). Throws InvalidArgumentError — with the state untouched — only when the batch
   * object itself is malformed (a field of the wrong type or range, more than 16 fee pairs or
   * tokens not strictly increasing, more than MAX_BATCH_ENTRIES entries): nothing DA bytes derive to.
   * @throws StoreError CORRUPT, with the state untouched, when the engine was loaded by
   * {@link Engine.fromSlotPages} and a slot the batch reads has a record that does not hash to its
   * loaded leaf (each loaded slot is checked once, at its first touch; {@link Engine.getSlot} too).
   */
  applyBatch(batch: Batch, options: ApplyOptions = {}): BatchResult {
    return this.run(batch, options, false).result;
  }

  /**
   * Applies a batch like {@link Engine.applyBatch} and also returns the commitment to the state
   * between every two steps (SPEC §11): `steps[0]` before the first entry, `steps[i + 1]` after
   * entry i, and the last after fee settlement; `traceRoot` is the 4-ary tree root over them,
   * which a proposer posts with its claim. Slower than applyBatch (every step re-hashes its paths),
   * so it is only for disputes.
   */
  traceBatch(batch: Batch, options: ApplyOptions = {}): { result: BatchResult; steps: Hex[]; traceRoot: Hex } {
    const { result, steps } = this.run(batch, options, true);
    return { result, steps, traceRoot: traceRoot(this.core, steps) };
  }

  private run(batch: Batch, options: ApplyOptions, trace: boolean, settle = true): { result: BatchResult; steps: Hex[] } {
    if (batch === null || typeof batch !== "object") throw new InvalidArgumentError("batch must be an object");
    const pairs = checkFeePairs(batch.feePairs);
    const handle = this.live();
    const signers = options.signers ?? this.recoverSigners(batch);
    const input = encodeBatchInput(batch, signers, this.separator, trace, settle);
    const entries = batch.l1Messages.length + batch.txs.length;
    // exactly one call into the core: it computes the pre-state root,
    // applies every entry and writes receipts, roots and withdrawals to one output region
    const decoded = this.instance.call((x) => {
      const out = x.engineApplyBatch(handle, this.instance.copyIn(input));
      if (out === APPLY_REFUSED) return APPLY_REFUSED;
      if (out === APPLY_CORRUPT) return { corrupt: x.engineCorruptSlot() };
      return out !== 0 ? decodeBatchOutput(this.instance.bytes(), out, entries, pairs.length, trace) : null;
    });
    if (decoded === APPLY_REFUSED) {
      throw new CapacityError(`batch: the output and bookkeeping of ${entries} entries do not fit in the core's memory`);
    }
    if (decoded === null) throw new InvalidArgumentError(`batch.feePairs: at most ${MAX_FEE_SLOTS} fee pairs per batch`);
    if ("corrupt" in decoded) throw corruptSlotError(decoded.corrupt);
    return {
      steps: decoded.steps,
      result: {
        preStateRoot: decoded.preStateRoot,
        postStateRoot: decoded.stateRoot,
        postTreeRoot: decoded.treeRoot,
        slotCount: decoded.slotCount,
        receipts: decoded.receipts,
        withdrawals: decoded.withdrawals,
        withdrawalsRoot: decoded.withdrawalsRoot,
        fees: decoded.fees,
        feesCredited: decoded.feesCredited,
      },
    };
  }

  /** Recovers every transaction's signer on this thread (see RecoverPool for worker threads). */
  recoverSigners(batch: Batch): (Hex | null)[] {
    this.live();
    if (!Array.isArray(batch?.txs)) throw new InvalidArgumentError("batch.txs must be an array");
    return recoverTransactionSigners(batch.txs, this.domain, this.recovery);
  }

  /**
   * Fills in `nonce` from the authorizing slot's current nonce: what a client needs before
   * signing. `{ type: "transfer", from, to, amount, fee }` gives a {@link TransferTx}. (For several
   * transactions from one slot in a batch, increment it yourself.)
   * @throws InvalidArgumentError if the engine was disposed, the type is unknown or the
   *   authorizing slot does not exist.
   */
  buildTransaction<const D extends TxDraft>(tx: D): TxOfType<D["type"]> {
    this.live();
    if (tx === null || typeof tx !== "object") throw new InvalidArgumentError("tx must be an object");
    const probe = { ...tx, nonce: 0n } as Tx;
    const slot = authorizingSlot(probe);
    if (slot === undefined) throw new InvalidArgumentError(`unknown transaction type ${String((tx as { type?: unknown }).type)}`);
    return { ...tx, nonce: tx.nonce ?? this.getSlot(slot).nonce } as unknown as TxOfType<D["type"]>;
  }

  /**
   * Frees the engine's memory in the core; every later call throws InvalidArgumentError. Disposing
   * twice does nothing, and disposing a fork leaves its parent and siblings untouched.
   */
  dispose(): void {
    const handle = this.handle;
    if (handle === 0) return;
    // zero first: even if the core refuses the call (poisoned by an earlier trap), this object
    // must never hand the freed address to the core again, where a later allocation may live
    this.handle = 0;
    this.instance.call((x) => x.engineFree(handle));
  }
}

/**
 * Creates an engine: the same as {@link Engine.create}.
 * @deprecated use `Engine.create(options)`, the one factory (D37); this alias goes in the next
 * breaking release.
 * @throws as {@link Engine.create}.
 */
export function createEngine(options: EngineOptions): Engine {
  return Engine.create(options);
}

/** Genesis slots are ordinary user slots: no pool owners and no LP tokens (SPEC §4.4). */
export function checkGenesisSlot(s: Slot, i: number): Slot {
  const slot = checkSlot(s, `genesis[${i}]`);
  if (isReservedOwner(slot.owner)) throw new InvalidArgumentError(`genesis[${i}].owner is a reserved pool address`);
  if (isLpToken(slot.token)) throw new InvalidArgumentError(`genesis[${i}].token is an LP token id (≥ 2^31)`);
  return slot;
}

export { L1_RECORD_BYTES };
