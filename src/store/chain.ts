// A chain: an engine whose every applied batch is committed to a store in one transaction, and
// which reopens from that store without replaying history (restore the slot pages, recompute the
// root, compare it with the committed one).

import { Engine, type ApplyOptions, type EngineOptions } from "../engine/engine.js";
import { ChainError, InvalidArgumentError, L2EngineError, StoreError } from "../protocol/errors.js";
import { normalizeAddress } from "../protocol/slot-encoding.js";
import { MAX_U64, type Batch, type BatchResult, type FeePair, type Hex, type Slot } from "../protocol/types.js";
import type { InboxRange } from "../da/codec.js";
import {
  PAGE_SLOTS, STORE_FORMAT, decodeStoredBatch, encodeStoredBatch,
  type StateStore, type StoreHead, type StoredBatch,
} from "./store.js";

/** What {@link Chain.open} takes: the engine options (domain, core, recovery), the store, the genesis and how to verify. */
export interface ChainOptions extends Omit<EngineOptions, "genesis"> {
  /** Where the state lives: an LmdbStore (l2engine/node) or a MemoryStore. */
  store: StateStore;
  /**
   * Slots of the genesis state. An empty store is created from them; a store that holds a chain
   * must have been created from the same genesis (its root is stored), else StoreError
   * GENESIS_MISMATCH. Omit it to open whatever chain the store holds.
   */
  genesis?: readonly Slot[];
  /**
   * How reopening checks the stored state against the committed root. "leaves" (default) hashes
   * the tree's inner nodes over the stored leaves: it catches a missing, stale or damaged page
   * except damage to record bytes alone. "full" also rehashes every slot record (about 2.5×
   * slower: ~1 s for 1M slots here); use it after a disk fault, or in an audit.
   */
  verify?: "leaves" | "full";
}

export type { InboxRange } from "../da/codec.js";

/**
 * A batch as a chain applies it: its L1 messages with the inbox range they were read from — the
 * range its header names (SPEC §13.2), `inbox.count` = `l1Messages.length`. The range must start
 * at the chain's next inbox index, which is how a replayed or out-of-order batch is refused.
 */
export interface ChainBatch extends Batch {
  inbox: InboxRange;
}

/** The read side of the chain's engine: everything except applying batches, which goes through the chain. */
export type ChainState = Pick<
  Engine,
  "domain" | "core" | "stateRoot" | "treeRoot" | "slotCount" | "getSlot" | "slotsOf" | "proveSlots" | "fork" | "recoverSigners" | "buildTransaction"
>;

/**
 * A rollup state that survives restarts and crashes. `applyBatch` runs the batch in the WASM
 * core, then commits the changed slot pages, the batch record and the new head in one store
 * transaction. After a crash the store holds the last committed batch exactly.
 */
export class Chain {
  private engine: Engine;
  private current: StoreHead;
  private closed = false;

  private constructor(private readonly store: StateStore, private readonly options: ChainOptions, engine: Engine, head: StoreHead) {
    this.engine = engine;
    this.current = head;
  }

  /**
   * Opens the chain in `options.store`: restores the committed state, or writes the genesis state
   * when the store is empty. StoreError(DOMAIN_MISMATCH) if the store belongs to another chain,
   * GENESIS_MISMATCH if `options.genesis` is not the genesis it was created from, CORRUPT if its
   * slots do not hash to its committed root. The chain owns the store: {@link Chain.close} closes
   * it, and so does a failed open.
   */
  static open(options: ChainOptions): Chain {
    if (options === null || typeof options !== "object" || !options.store) throw new InvalidArgumentError("chain options need a store");
    const { store } = options;
    try {
      return Chain.openIn(store, options);
    } catch (e) {
      // the chain owns its store from here on: a chain that did not open releases it (and, for an
      // LmdbStore, its writer lock) rather than leave that to a caller who may not hold it
      store.close();
      throw e;
    }
  }

  private static openIn(store: StateStore, options: ChainOptions): Chain {
    const chainId = BigInt(options.chainId);
    const verifyingContract = normalizeAddress(options.verifyingContract, "verifyingContract");
    const engineOptions = {
      chainId: options.chainId, verifyingContract, core: options.core, recovery: options.recovery,
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(options.version === undefined ? {} : { version: options.version }),
    };
    const stored = store.readHead();
    if (stored === undefined) {
      const engine = Engine.create({ ...engineOptions, genesis: options.genesis ?? [] });
      try {
        const count = engine.slotCount();
        const root = engine.stateRoot();
        const head: StoreHead = {
          format: STORE_FORMAT, chainId, verifyingContract, batchCount: 0, stateRoot: root, treeRoot: engine.treeRoot(), slotCount: count,
          nextInbox: 0n, genesisRoot: root,
        };
        store.commit({ parent: undefined, head, pages: pagesOf(engine, allPages(count)) });
        return new Chain(store, options, engine, head);
      } catch (e) {
        engine.dispose();
        throw wrapStoreError(e);
      }
    }
    if (stored.chainId !== chainId || stored.verifyingContract !== verifyingContract) {
      throw new StoreError("DOMAIN_MISMATCH", `the store holds chain ${stored.chainId} at ${stored.verifyingContract}, not chain ${chainId} at ${verifyingContract}`);
    }
    if (options.genesis !== undefined) {
      const genesis = Engine.create({ ...engineOptions, genesis: options.genesis });
      const root = genesis.stateRoot();
      genesis.dispose();
      if (root !== stored.genesisRoot) {
        throw new StoreError("GENESIS_MISMATCH", `the store was created from a genesis with state root ${stored.genesisRoot}; the genesis given hashes to ${root}`);
      }
    }
    return new Chain(store, options, restore(store, stored, engineOptions, options.verify ?? "leaves"), stored);
  }

  /** The committed head: batch count, roots, slot count and the next inbox index. */
  get head(): Readonly<StoreHead> {
    return this.current;
  }

  /** Read access to the state (slots, proofs, forks). Batches are applied through the chain. */
  get state(): ChainState {
    this.live();
    return this.engine;
  }

  /**
   * Applies `batch` like {@link Engine.applyBatch} and commits the result. Its inbox range must
   * start at `head.nextInbox` (ChainError INBOX_REPLAY before it, INBOX_GAP after it), even when
   * it is empty; a malformed batch throws InvalidArgumentError and a failed commit StoreError. In
   * all these cases the store stays at the previous batch, and so does the chain — except after a
   * commit that failed in a way the chain cannot undo (CONFLICT: another writer committed; or the
   * store unreadable), which closes the chain.
   */
  applyBatch(batch: ChainBatch, options: ApplyOptions = {}): BatchResult {
    this.live();
    const inbox = checkInbox(batch, this.current.nextInbox);
    const before = this.engine.slotCount();
    const result = this.engine.applyBatch(batch, options);
    const number = this.current.batchCount + 1;
    const head: StoreHead = {
      ...this.current, batchCount: number, stateRoot: result.postStateRoot, treeRoot: result.postTreeRoot, slotCount: result.slotCount,
      nextInbox: inbox.start + BigInt(inbox.count),
    };
    try {
      const feePairs = batch.feePairs.map((p) => ({ token: p.token, slot: p.slot }));
      const record = encodeStoredBatch({ number, feePairs, inboxStart: inbox.start, l1MessageCount: inbox.count, txCount: batch.txs.length, result });
      const pages = pagesOf(this.engine, changedPages(result, feePairs, before));
      this.store.commit({ parent: this.current, head, pages, batch: { number, record } });
    } catch (e) {
      // the engine is ahead of the store: put it back where the store is, or, when the store no
      // longer is where this chain left it (another writer) or cannot be read, close the chain
      // rather than serve a state that was never committed
      const failed = this.engine;
      const conflict = e instanceof StoreError && e.fault === "CONFLICT";
      try {
        if (conflict) throw e;
        this.engine = restore(this.store, this.current, { ...failed.domain, core: this.options.core, recovery: this.options.recovery });
      } catch {
        this.shutdown();
      }
      failed.dispose();
      throw wrapStoreError(e);
    }
    this.current = head;
    return result;
  }

  /** The stored record of batch `number` (1 = the first batch after genesis), or undefined. */
  batch(number: number): StoredBatch | undefined {
    this.live();
    if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError("batch number must be a positive integer");
    const bytes = this.store.readBatch(number);
    return bytes && decodeStoredBatch(bytes);
  }

  /** Frees the engine and closes the store (for an LmdbStore: releases its writer lock). */
  close(): void {
    this.shutdown();
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.engine.dispose();
    this.store.close();
  }

  private live(): void {
    if (this.closed) throw new StoreError("CLOSED", "the chain was closed");
  }
}

/** Rebuilds the engine from the store's pages and checks it against the committed roots. */
function restore(store: StateStore, head: StoreHead, options: Omit<EngineOptions, "genesis">, verify: "leaves" | "full" = "leaves"): Engine {
  if (verify !== "leaves" && verify !== "full") throw new InvalidArgumentError('verify must be "leaves" or "full"');
  let engine: Engine;
  try {
    engine = Engine.fromSlotPages(head.slotCount, PAGE_SLOTS, (p) => store.readPage(p), options);
  } catch (e) {
    if (e instanceof InvalidArgumentError) throw new StoreError("CORRUPT", `stored slot ${e.message}`, e);
    throw e;
  }
  if (verify === "full") engine.rehashLeaves();
  const root = engine.stateRoot();
  if (root !== head.stateRoot || engine.treeRoot() !== head.treeRoot) {
    engine.dispose();
    throw new StoreError("CORRUPT", `stored ${verify === "full" ? "slots" : "leaves"} hash to ${root}, not the committed root ${head.stateRoot}`);
  }
  return engine;
}

/** The batch's inbox range, checked against its L1 messages and the chain's next inbox index. */
function checkInbox(batch: ChainBatch, next: bigint): InboxRange {
  const inbox = (batch as Partial<ChainBatch> | null)?.inbox;
  if (inbox === null || typeof inbox !== "object") {
    throw new InvalidArgumentError("batch.inbox must be { start: bigint, count: number }, the L1 inbox range the batch consumes");
  }
  const { start, count } = inbox;
  if (typeof start !== "bigint" || start < 0n || start > MAX_U64) throw new InvalidArgumentError("batch.inbox.start must be a u64 bigint");
  if (!Array.isArray(batch.l1Messages)) throw new InvalidArgumentError("batch.l1Messages must be an array");
  if (count !== batch.l1Messages.length) {
    throw new InvalidArgumentError(`batch.inbox.count is ${String(count)}, but the batch carries ${batch.l1Messages.length} L1 messages`);
  }
  if (start + BigInt(count) > MAX_U64) throw new InvalidArgumentError(`batch.inbox (start ${start}, count ${count}) runs past the last u64 inbox index`);
  if (start < next) {
    throw new ChainError("INBOX_REPLAY", `batch.inbox.start ${start} is behind the chain's next inbox index ${next}: inbox messages ${start}…${next - 1n} were already applied (a replayed batch?)`);
  }
  if (start > next) {
    throw new ChainError("INBOX_GAP", `batch.inbox.start ${start} is ahead of the chain's next inbox index ${next}: inbox messages ${next}…${start - 1n} would be skipped`);
  }
  return { start, count };
}

/** Pages holding a slot that the batch may have written: every touched slot, credited fee slots and new slots. Never throws. */
export function changedPages(result: BatchResult, feePairs: readonly FeePair[], slotCountBefore: number): number[] {
  const pages = new Set<number>();
  for (const r of result.receipts) for (const s of r.touched) pages.add(Math.floor(s / PAGE_SLOTS));
  // settlement writes only the slots it credited (SPEC §5.1)
  feePairs.forEach((p, k) => {
    if ((result.feesCredited[k] ?? 0n) > 0n) pages.add(Math.floor(p.slot / PAGE_SLOTS));
  });
  if (result.slotCount > slotCountBefore) {
    for (let p = Math.floor(slotCountBefore / PAGE_SLOTS); p <= Math.floor((result.slotCount - 1) / PAGE_SLOTS); p++) pages.add(p);
  }
  return [...pages].filter((p) => p * PAGE_SLOTS < result.slotCount).sort((a, b) => a - b);
}

function allPages(slotCount: number): number[] {
  return Array.from({ length: Math.ceil(slotCount / PAGE_SLOTS) }, (_, p) => p);
}

/** The current bytes of the given pages (records, then leaves), read from the core in one call. */
function pagesOf(engine: Engine, pages: readonly number[]): Map<number, Uint8Array> {
  const bytes = engine.readSlotPages(pages, PAGE_SLOTS);
  return new Map(pages.map((p, i) => [p, bytes[i]!]));
}

function wrapStoreError(e: unknown): L2EngineError {
  if (e instanceof L2EngineError) return e;
  return new StoreError("IO", `store commit failed: ${(e as Error)?.message ?? String(e)}`, e);
}

export type { StateStore, StoreHead, StoredBatch };
export type { Hex };
