// A chain: an engine whose every applied batch is committed to a store in one transaction, and
// which reopens from that store without replaying history (restore the slot pages with the log
// laid over them, recompute the root, compare it with the committed one).

import { Engine, type ApplyOptions, type EngineOptions } from "../engine/engine.js";
import { ChainError, InvalidArgumentError, L2EngineError, StoreError } from "../protocol/errors.js";
import { normalizeAddress } from "../protocol/slot-encoding.js";
import { MAX_U64, type Batch, type BatchResult, type FeePair, type Hex, type Slot } from "../protocol/types.js";
import type { InboxRange } from "../da/codec.js";
import { LOG_ENTRY_BYTES, PAGE_SLOTS, STORE_FORMAT, decodeStoredBatch, encodeStoredBatch, type StateStore, type StoreHead, type StoredBatch } from "./store.js";
import { FoldState, type FoldPlan } from "./fold.js";

export { checkpointLimit } from "./fold.js";

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
   * the tree's inner nodes over the stored leaves: it catches a missing, stale or damaged page or
   * log record except damage to record bytes alone, which the first batch or read touching the
   * slot catches (StoreError CORRUPT naming it, nothing executed; docs/DECISIONS.md D38). "full"
   * also rehashes every slot record at once (about 2× slower); use it after a disk fault, or in
   * an audit.
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
  private fold: FoldState;
  private closed = false;

  private constructor(
    private readonly store: StateStore,
    private readonly options: ChainOptions,
    restored: Restored,
    head: StoreHead,
  ) {
    this.engine = restored.engine;
    this.fold = restored.fold;
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
      chainId: options.chainId,
      verifyingContract,
      core: options.core,
      recovery: options.recovery,
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
          format: STORE_FORMAT,
          chainId,
          verifyingContract,
          batchCount: 0,
          stateRoot: root,
          treeRoot: engine.treeRoot(),
          slotCount: count,
          nextInbox: 0n,
          genesisRoot: root,
          checkpoint: 0,
          pageSlotCount: count,
        };
        store.commit({ parent: undefined, head, pages: pagesOf(engine, allPages(count)) });
        return new Chain(store, options, { engine, fold: new FoldState(0, count, count) }, head);
      } catch (e) {
        engine.dispose();
        throw wrapStoreError(e);
      }
    }
    if (stored.chainId !== chainId || stored.verifyingContract !== verifyingContract) {
      throw new StoreError(
        "DOMAIN_MISMATCH",
        `the store holds chain ${stored.chainId} at ${stored.verifyingContract}, not chain ${chainId} at ${verifyingContract}`,
      );
    }
    if (options.genesis !== undefined) {
      const genesis = Engine.create({ ...engineOptions, genesis: options.genesis });
      const root = genesis.stateRoot();
      genesis.dispose();
      if (root !== stored.genesisRoot) {
        throw new StoreError(
          "GENESIS_MISMATCH",
          `the store was created from a genesis with state root ${stored.genesisRoot}; the genesis given hashes to ${root}`,
        );
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
    let head: StoreHead = {
      ...this.current,
      batchCount: number,
      stateRoot: result.postStateRoot,
      treeRoot: result.postTreeRoot,
      slotCount: result.slotCount,
      nextInbox: inbox.start + BigInt(inbox.count),
    };
    const fold = this.fold;
    let changed: Uint32Array;
    let plan: FoldPlan;
    try {
      const feePairs = batch.feePairs.map((p) => ({ token: p.token, slot: p.slot }));
      const record = encodeStoredBatch({ number, feePairs, inboxStart: inbox.start, l1MessageCount: inbox.count, txCount: batch.txs.length, result });
      changed = changedSlots(result, feePairs, before);
      // a rolling checkpoint: a bounded number of the oldest logged pages, rewritten as of this batch
      plan = fold.plan(number, changed, result.slotCount);
      head = { ...head, checkpoint: plan.checkpoint, pageSlotCount: plan.pageSlotCount };
      this.store.commit({
        parent: this.current,
        head,
        pages: pagesOf(this.engine, plan.pages),
        dropLog: plan.dropLog,
        ...(plan.logged ? { log: { number, entries: logEntries(this.engine, changed) } } : {}),
        batch: { number, record },
      });
    } catch (e) {
      // the engine is ahead of the store: put it back where the store is, or, when the store no
      // longer is where this chain left it (another writer) or cannot be read, close the chain
      // rather than serve a state that was never committed
      const failed = this.engine;
      const conflict = e instanceof StoreError && e.fault === "CONFLICT";
      try {
        if (conflict) throw e;
        const restored = restore(this.store, this.current, { ...failed.domain, core: this.options.core, recovery: this.options.recovery });
        this.engine = restored.engine;
        this.fold = restored.fold;
      } catch {
        this.shutdown();
      }
      failed.dispose();
      throw wrapStoreError(e);
    }
    fold.apply(plan, number, changed, result.slotCount);
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

interface Restored {
  engine: Engine;
  fold: FoldState;
}

/**
 * Rebuilds the engine from the store's pages with the log since the checkpoint laid over them,
 * and checks it against the committed roots.
 */
function restore(store: StateStore, head: StoreHead, options: Omit<EngineOptions, "genesis">, verify: "leaves" | "full" = "leaves"): Restored {
  if (verify !== "leaves" && verify !== "full") throw new InvalidArgumentError('verify must be "leaves" or "full"');
  const log = readLog(store, head);
  let engine: Engine;
  try {
    engine = Engine.fromSlotPages(head.slotCount, PAGE_SLOTS, log.page, options);
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
  return { engine, fold: log.state };
}

/**
 * Reads the log records of batches checkpoint + 1 … batchCount and returns the page source for
 * Engine.fromSlotPages: each stored page with the newest logged version of its slots laid over it
 * (slots past the checkpoint's slot count come from the log alone), and the log's fold state.
 * StoreError CORRUPT when a log record is missing or malformed, or a slot created since the
 * checkpoint is in no log record.
 */
function readLog(store: StateStore, head: StoreHead): { page: (p: number) => Uint8Array | undefined; state: FoldState } {
  const { checkpoint, pageSlotCount: stored, slotCount } = head;
  const state = new FoldState(checkpoint, stored, slotCount);
  if (checkpoint === head.batchCount) return { page: (p) => store.readPage(p), state };
  const records: Uint8Array[] = [];
  // per slot: which log record holds its newest version (-1: none), and where in it
  const source = new Int32Array(slotCount).fill(-1);
  const offset = new Int32Array(slotCount);
  let slotsAfter = stored; // the slot count after each batch: its record holds every slot it created
  for (let number = checkpoint + 1; number <= head.batchCount; number++) {
    const view = store.readLog(number);
    if (view === undefined)
      throw new StoreError("CORRUPT", `log record ${number} is missing (the pages are at batch ${checkpoint}, the head at ${head.batchCount})`);
    if (view.length % LOG_ENTRY_BYTES !== 0)
      throw new StoreError("CORRUPT", `log record ${number} is ${view.length} bytes, not a multiple of ${LOG_ENTRY_BYTES}`);
    // a copy: the store's view is only valid until its next read (and Buffer#slice would not copy)
    const bytes = new Uint8Array(view);
    const count = bytes.length / LOG_ENTRY_BYTES;
    const data = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    const slots = new Uint32Array(count);
    let last = -1;
    for (let i = 0, at = 0; i < count; i++, at += LOG_ENTRY_BYTES) {
      const slot = data.getUint32(at, true);
      if (slot <= last || slot >= slotCount)
        throw new StoreError("CORRUPT", `log record ${number}: slot ${slot} is out of order or past the slot count ${slotCount}`);
      last = slot;
      slots[i] = slot;
      source[slot] = records.length;
      offset[slot] = at + 4;
    }
    slotsAfter = Math.max(slotsAfter, last + 1);
    state.addLogged(number, slots, slotsAfter);
    records.push(bytes);
  }
  for (let slot = stored; slot < slotCount; slot++) {
    if (source[slot] === -1) throw new StoreError("CORRUPT", `slot ${slot} was created after the checkpoint but is in no log record`);
  }
  const slotBytes = LOG_ENTRY_BYTES - 4;
  const scratch = new Uint8Array(PAGE_SLOTS * slotBytes); // fromSlotPages copies each page before asking for the next
  // copied as u32 words (every offset below is a multiple of 4): a subarray per slot would cost
  // more than the copy, and a page may take up to 48 of them
  const scratchWords = new Uint32Array(scratch.buffer);
  const recordWords = records.map((r) => new Uint32Array(r.buffer, r.byteOffset, r.length >> 2));
  const page = (p: number): Uint8Array | undefined => {
    if (!state.isDirty(p)) return store.readPage(p);
    const first = p * PAGE_SLOTS;
    const n = Math.min(PAGE_SLOTS, slotCount - first);
    const had = Math.max(0, Math.min(PAGE_SLOTS, stored - first));
    const out = scratch.subarray(0, n * slotBytes);
    if (had > 0) {
      // a page written after the checkpoint may hold slots created since (up to n): the log
      // names those, and only its first `had` slots are taken from it
      const old = store.readPage(p);
      const holds = old === undefined ? 0 : old.length / slotBytes;
      if (old === undefined || !Number.isInteger(holds) || holds < had || holds > n) {
        throw new InvalidArgumentError(`page ${p} is ${old === undefined ? "missing" : `${old.length} bytes, not ${had * slotBytes}`}`);
      }
      out.set(old.subarray(0, had * 48), 0);
      out.set(old.subarray(holds * 48, holds * 48 + had * 32), n * 48);
    }
    for (let k = 0; k < n; k++) {
      const r = source[first + k]!;
      if (r === -1) continue;
      const from = recordWords[r]!;
      const at = offset[first + k]! >> 2;
      const rec = k * 12; // 48-byte record
      for (let j = 0; j < 12; j++) scratchWords[rec + j] = from[at + j]!;
      const leaf = n * 12 + k * 8; // 32-byte leaf
      for (let j = 0; j < 8; j++) scratchWords[leaf + j] = from[at + 12 + j]!;
    }
    return out;
  };
  return { page, state };
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
    throw new ChainError(
      "INBOX_REPLAY",
      `batch.inbox.start ${start} is behind the chain's next inbox index ${next}: inbox messages ${start}…${next - 1n} were already applied (a replayed batch?)`,
    );
  }
  if (start > next) {
    throw new ChainError(
      "INBOX_GAP",
      `batch.inbox.start ${start} is ahead of the chain's next inbox index ${next}: inbox messages ${next}…${start - 1n} would be skipped`,
    );
  }
  return { start, count };
}

/**
 * Slots the batch may have written, ascending and without repeats: every touched slot, the fee
 * slots settlement credited and every new slot (SPEC §7, §5.1). Never throws.
 */
export function changedSlots(result: BatchResult, feePairs: readonly FeePair[], slotCountBefore: number): Uint32Array {
  let n = 0;
  for (const r of result.receipts) n += r.touched.length;
  const created = Math.max(0, result.slotCount - slotCountBefore);
  const all = new Uint32Array(n + feePairs.length + created);
  let at = 0;
  for (const r of result.receipts) for (const s of r.touched) all[at++] = s;
  // settlement writes only the slots it credited (SPEC §5.1)
  feePairs.forEach((p, k) => {
    if ((result.feesCredited[k] ?? 0n) > 0n) all[at++] = p.slot;
  });
  for (let s = slotCountBefore; s < result.slotCount; s++) all[at++] = s;
  const sorted = all.subarray(0, at).sort();
  let out = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i]! >= result.slotCount) break;
    if (out === 0 || sorted[i] !== sorted[out - 1]) sorted[out++] = sorted[i]!;
  }
  return sorted.slice(0, out);
}

/** Pages holding a slot that the batch may have written (see {@link changedSlots}), ascending. Never throws. */
export function changedPages(result: BatchResult, feePairs: readonly FeePair[], slotCountBefore: number): number[] {
  const pages: number[] = [];
  for (const s of changedSlots(result, feePairs, slotCountBefore)) {
    const p = Math.floor(s / PAGE_SLOTS);
    if (pages[pages.length - 1] !== p) pages.push(p);
  }
  return pages;
}

/** The log record of `slots` (ascending): per slot its u32 index, its record and its leaf. */
function logEntries(engine: Engine, slots: Uint32Array): Uint8Array {
  const out = new Uint8Array(slots.length * LOG_ENTRY_BYTES);
  if (slots.length === 0) return out;
  // a "page" of one slot is exactly its record then its leaf: one call into the core for all,
  // whose pages are consecutive views of one buffer, copied here as u32 words (every offset is a
  // multiple of 4) rather than by one set() per slot
  const views = engine.readSlotPages(Array.from(slots), 1);
  const first = views[0]!;
  const from = new Uint32Array(first.buffer, first.byteOffset, (slots.length * (LOG_ENTRY_BYTES - 4)) >> 2);
  const to = new Uint32Array(out.buffer);
  const index = new DataView(out.buffer);
  const entryWords = LOG_ENTRY_BYTES >> 2;
  const slotWords = entryWords - 1;
  for (let i = 0, at = 0, src = 0; i < slots.length; i++, at += entryWords, src += slotWords) {
    index.setUint32(at << 2, slots[i]!, true);
    for (let j = 0; j < slotWords; j++) to[at + 1 + j] = from[src + j]!;
  }
  return out;
}

function allPages(slotCount: number): number[] {
  return Array.from({ length: Math.ceil(slotCount / PAGE_SLOTS) }, (_, p) => p);
}

/** Pages per call into the core: ~4 MB at a time, so even genesis never needs an 84 MB input region. */
const PAGES_PER_READ = 1024;

/** The current bytes of the given pages (records, then leaves), read from the core in 4 MB calls. */
function pagesOf(engine: Engine, pages: readonly number[]): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  for (let at = 0; at < pages.length; at += PAGES_PER_READ) {
    const part = pages.slice(at, at + PAGES_PER_READ);
    const bytes = engine.readSlotPages(part, PAGE_SLOTS);
    part.forEach((p, i) => out.set(p, bytes[i]!));
  }
  return out;
}

function wrapStoreError(e: unknown): L2EngineError {
  if (e instanceof L2EngineError) return e;
  return new StoreError("IO", `store commit failed: ${(e as Error)?.message ?? String(e)}`, e);
}

export type { StateStore, StoreHead, StoredBatch };
export type { Hex };
