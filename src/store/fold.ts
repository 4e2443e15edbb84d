// Rolling checkpoints (docs/SPEC.md §12 commit rule, docs/DECISIONS.md D48): every commit rewrites
// a bounded number of pages — those holding the oldest logged changes first — and moves the
// checkpoint past every log record whose pages have all been rewritten since. Format 4 instead let
// the log grow to half the state and then rewrote every page it covered in one commit: all 21,846
// pages of a 2^20-slot state, 0.8–2.9 s, once every ~27 batches.
//
// Why it is sound: a page written by commit k holds its slots as of batch k. Once every page
// holding a slot changed by batches ≤ j has been written at a batch ≥ its change, the pages hold,
// for every slot no later log record names, its state as of batch j — so log records ≤ j can go
// and the checkpoint is j. Pages written later than the checkpoint hold newer states of slots
// that later log records name too, and the reader lays those records over them.

import { PAGE_SLOTS } from "./store.js";

/**
 * The log's bound in slot entries: half the state (at least one page). A commit folds more pages
 * than its budget when the log would pass it, so a reopen never reads more than
 * 84 B × slotCount / 2 of log on top of the pages (docs/DECISIONS.md D38, D48).
 */
export function checkpointLimit(slotCount: number): number {
  return Math.max(PAGE_SLOTS, Math.ceil(slotCount / 2));
}

/**
 * How much faster than the log grows a commit folds, in pages per changed slot relative to
 * pageCount / limit. With random traffic every page is dirty again soon after it is written, and
 * the log then settles near limit / FOLD_RATE entries: 1.5 keeps it at about a third of the
 * state, under the bound with room for uneven batches.
 */
export const FOLD_RATE = 1.1;
/** Pages a commit may fold whatever its size, so that a quiet chain drains its log. */
export const MIN_FOLD_PAGES = 1;

/** The pages a commit rewrites and where it leaves the checkpoint. */
export interface FoldPlan {
  /** Pages to write as of this batch, ascending. */
  pages: number[];
  /** The new checkpoint: every log record up to it is dropped. */
  checkpoint: number;
  /** The slot count after batch `checkpoint`. */
  pageSlotCount: number;
  /** Log records deleted by this commit (old checkpoint + 1 … new checkpoint, this batch excluded). */
  dropLog: number[];
  /**
   * False when this batch alone changed more slots than the log may hold: the pages written take
   * it in whole (the log is then empty), and it has no log record.
   */
  logged: boolean;
}

interface Logged {
  entries: number;
  slotCount: number;
}

/**
 * What a chain knows of its log: per page, the oldest logged batch that changed it since the page
 * was last written (0: the page is current as of the checkpoint), and per logged batch its entry
 * count and slot count. After a reopen every page a log record names counts as dirty since the
 * oldest such record (the store does not say when a page was written; writing it again is safe).
 */
export class FoldState {
  /** Log entries the store holds (batches checkpoint + 1 … head). */
  entries = 0;
  private dirtySince: Int32Array;
  /** Pages by the batch that made them dirty; an entry is stale once its page was written since. */
  private readonly buckets = new Map<number, number[]>();
  private readonly logged = new Map<number, Logged>();

  constructor(
    public checkpoint: number,
    public pageSlotCount: number,
    slotCount: number,
  ) {
    this.dirtySince = new Int32Array(Math.max(1, Math.ceil(slotCount / PAGE_SLOTS)));
  }

  /** Log records held (batch numbers, ascending). */
  get loggedBatches(): number[] {
    return [...this.logged.keys()];
  }

  /** Whether page `p` has a slot some log record names. */
  isDirty(p: number): boolean {
    return p < this.dirtySince.length && this.dirtySince[p] !== 0;
  }

  /** Takes in the log record of batch `number` (changed slots ascending) and the slot count after it. */
  addLogged(number: number, slots: ArrayLike<number>, slotCount: number): void {
    this.grow(slotCount);
    let bucket = this.buckets.get(number);
    let last = -1;
    for (let i = 0; i < slots.length; i++) {
      const p = Math.floor(slots[i]! / PAGE_SLOTS);
      if (p === last) continue;
      last = p;
      if (this.dirtySince[p] !== 0) continue;
      this.dirtySince[p] = number;
      if (bucket === undefined) {
        bucket = [];
        this.buckets.set(number, bucket);
      }
      bucket.push(p);
    }
    this.logged.set(number, { entries: slots.length, slotCount });
    this.entries += slots.length;
  }

  /**
   * What the commit of batch `number` (which changed `changed`, ascending, and leaves `slotCount`
   * slots) writes: the pages of the oldest logged changes, up to a budget proportional to the
   * changed slots and beyond it while the log would pass {@link checkpointLimit}. Changes nothing.
   */
  plan(number: number, changed: Uint32Array, slotCount: number): FoldPlan {
    const limit = checkpointLimit(slotCount);
    const pageCount = Math.ceil(slotCount / PAGE_SLOTS);
    const budget = Math.max(MIN_FOLD_PAGES, Math.ceil((FOLD_RATE * pageCount * changed.length) / limit));
    const pages: number[] = [];
    let entries = this.entries + changed.length;
    let checkpoint = this.checkpoint;
    for (let j = this.checkpoint + 1; j < number; j++) {
      const bucket = this.buckets.get(j) ?? [];
      let i = 0;
      for (; i < bucket.length; i++) {
        const p = bucket[i]!;
        if (this.dirtySince[p] !== j) continue; // written since, and maybe dirty again later
        if (pages.length >= budget && entries <= limit) break;
        pages.push(p);
      }
      if (i < bucket.length) break;
      checkpoint = j; // every page of record j is written as of this batch: it can go
      entries -= this.logged.get(j)!.entries;
    }
    let logged = true;
    if (checkpoint === number - 1 && entries > limit) {
      // this batch alone changed more slots than the log may hold: its pages take it, no log record
      const own: number[] = [];
      let last = -1;
      for (let i = 0; i < changed.length; i++) {
        const p = Math.floor(changed[i]! / PAGE_SLOTS);
        if (p !== last && !(p < this.dirtySince.length && this.dirtySince[p] !== 0)) own.push(p);
        last = p;
      }
      pages.push(...own);
      checkpoint = number;
      logged = false;
    }
    const dropLog: number[] = [];
    for (let j = this.checkpoint + 1; j <= Math.min(checkpoint, number - 1); j++) dropLog.push(j);
    const pageSlotCount = checkpoint === this.checkpoint ? this.pageSlotCount : checkpoint === number ? slotCount : this.logged.get(checkpoint)!.slotCount;
    return { pages: pages.sort((a, b) => a - b), checkpoint, pageSlotCount, dropLog, logged };
  }

  /** Records a committed plan: its pages are written, its dropped records gone, this batch logged. */
  apply(plan: FoldPlan, number: number, changed: Uint32Array, slotCount: number): void {
    this.grow(slotCount);
    // this batch's pages first: those written below (as of this batch) are clean again after
    if (plan.logged) this.addLogged(number, changed, slotCount);
    for (const p of plan.pages) this.dirtySince[p] = 0;
    for (const j of plan.dropLog) {
      this.buckets.delete(j);
      this.entries -= this.logged.get(j)!.entries;
      this.logged.delete(j);
    }
    this.checkpoint = plan.checkpoint;
    this.pageSlotCount = plan.pageSlotCount;
  }

  private grow(slotCount: number): void {
    const pages = Math.ceil(slotCount / PAGE_SLOTS);
    if (pages <= this.dirtySince.length) return;
    const next = new Int32Array(Math.max(pages, 2 * this.dirtySince.length));
    next.set(this.dirtySince);
    this.dirtySince = next;
  }
}
