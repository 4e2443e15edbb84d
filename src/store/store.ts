// Where a chain's state lives between runs. The state is stored as pages of raw slot records (the
// core's own 48-byte layout) each followed by the slots' tree leaves, plus a log: for each batch
// since the checkpoint, the records and leaves of the slots it changed. Reopening copies the pages
// into WASM with the log laid over them and hashes the inner nodes only, never a replay. A commit
// writes its batch's log record (in proportion to the slots it changed, not the pages they sit
// in) and rewrites a bounded number of the pages holding the oldest logged changes, moving the
// checkpoint past the log records those pages now hold (a rolling checkpoint, docs/DECISIONS.md
// D38, D48). Plus a head record and one record per applied batch, its receipts as one binary
// column. A store only has to make each commit atomic; the chain (src/store/chain.ts, fold.ts)
// decides what goes into it. The LMDB store is in src/node/lmdb-store.ts; the memory store here
// serves tests and browsers.

import { Unpackr } from "msgpackr";
import { StoreError } from "../protocol/errors.js";
import { BATCH_RESULT_SCHEMA, packRecord, unpackRecord, type Schema } from "./records.js";
import { decodeReceiptColumn, encodeReceiptColumn } from "./receipt-column.js";
import { MAX_U64, type BatchResult, type FeePair, type Hex } from "../protocol/types.js";

/**
 * Slots per stored page: 48 × (48 + 32) B = 3,840 B, which fills one 4 KiB LMDB overflow page
 * (64 slots took two pages, 8 KiB for 5 KiB of data; see docs/DECISIONS.md).
 */
export const PAGE_SLOTS = 48;
/** Bytes of one log entry: u32 slot index (little-endian) ‖ 48-byte record ‖ 32-byte leaf. */
export const LOG_ENTRY_BYTES = 84;
/**
 * Version of the stored layout; a store of another version is refused (StoreError FORMAT), not
 * misread. 2 added the inbox position and the genesis root to the head (docs/DECISIONS.md D20);
 * 3 stores fee pairs instead of fee slots and the batch result's credited fees (D30); 4 adds the
 * per-batch slot log and the head's checkpoint (D38); 5 stores a batch's receipts as one binary
 * column, and a page may hold slots created after the checkpoint (rolling checkpoints, D48).
 */
export const STORE_FORMAT = 5;

/** The committed tip of a chain: enough to restore and check its state. */
export interface StoreHead {
  format: number;
  chainId: bigint;
  verifyingContract: Hex;
  /** Batches applied since genesis (0 right after genesis). */
  batchCount: number;
  stateRoot: Hex;
  treeRoot: Hex;
  slotCount: number;
  /**
   * Index of the next L1 inbox message the chain consumes (u64): every message before it has been
   * applied by a committed batch. The next batch's inbox range must start here.
   */
  nextInbox: bigint;
  /** State root of the genesis state the store was created from, to refuse another genesis. */
  genesisRoot: Hex;
  /**
   * The batch as of which the pages hold every slot that no later log record names (0: genesis).
   * Batches checkpoint + 1 … batchCount each have a log record that brings the pages up to the head.
   */
  checkpoint: number;
  /** Slots the pages hold: the slot count after batch `checkpoint`. */
  pageSlotCount: number;
}

/** What one applied batch left behind: its header, receipts, withdrawals and roots. */
export interface StoredBatch {
  /** 1 for the first batch after genesis. */
  number: number;
  feePairs: FeePair[];
  /** First inbox index the batch consumed (its range is inboxStart … inboxStart + l1MessageCount − 1). */
  inboxStart: bigint;
  l1MessageCount: number;
  txCount: number;
  result: BatchResult;
}

/** Everything one commit writes; a store makes all of it visible at once or none of it. */
export interface StoreCommit {
  /**
   * The head this commit builds on (undefined: the store must be empty). The store refuses the
   * commit with StoreError CONFLICT unless it is still the stored head, checked inside the write
   * transaction: a second writer gets an error instead of silently replacing a commit.
   */
  parent: StoreHead | undefined;
  head: StoreHead;
  /**
   * Whole pages by page index: n slot records then their n leaves (n = PAGE_SLOTS except on the
   * last page). Written by the genesis commit (every page) and by each commit's rolling checkpoint.
   */
  pages: Map<number, Uint8Array>;
  /**
   * The batch's log record (LOG_ENTRY_BYTES per changed slot, ascending); absent when the batch
   * alone changed more slots than the log may hold and its pages take it instead.
   */
  log?: { number: number; entries: Uint8Array };
  /** Log records to delete: the pages now hold what they recorded (the checkpoint moved past them). */
  dropLog?: readonly number[];
  /** The encoded {@link StoredBatch}, absent for the genesis commit. */
  batch?: { number: number; record: Uint8Array };
}

/**
 * A durable home for one chain's state. Reads are synchronous; `commit` is atomic: after a crash
 * at any point, the store holds either the previous commit or this one, never a mix.
 */
export interface StateStore {
  /** The committed head, or undefined for an empty store. */
  readHead(): StoreHead | undefined;
  /**
   * Page `index` of the slot records. The returned bytes may be a view that is only valid until
   * the next call on this store: copy them before calling again.
   */
  readPage(index: number): Uint8Array | undefined;
  /** The log record of batch `number`, or undefined; a view, like {@link StateStore.readPage}. */
  readLog(number: number): Uint8Array | undefined;
  /** The encoded record of batch `number`, or undefined. */
  readBatch(number: number): Uint8Array | undefined;
  /** Writes everything in `commit` atomically if its `parent` is still the stored head. */
  commit(commit: StoreCommit): void;
  close(): void;
}

const HEAD_SCHEMA: Schema = {
  format: "u32",
  chainId: "u128",
  verifyingContract: "address",
  batchCount: "u32",
  stateRoot: "hash",
  treeRoot: "hash",
  slotCount: "u32",
  nextInbox: "u128", // u64, checked on decode
  genesisRoot: "hash",
  checkpoint: "u32",
  pageSlotCount: "u32",
};
const STORED_BATCH_SCHEMA: Schema = {
  number: "u32",
  feePairs: { array: { record: { token: "u32", slot: "u32" } }, max: 16 },
  inboxStart: "u128", // u64, checked on decode
  l1MessageCount: "u32",
  txCount: "u32",
  // the batch result record with its receipts as one binary column (receipt-column.ts), in place
  result: { record: { ...BATCH_RESULT_SCHEMA, receipts: "bytes" } },
};

export function encodeHead(head: StoreHead): Uint8Array {
  return packRecord(HEAD_SCHEMA, head);
}

const peek = new Unpackr({ useRecords: false, mapsAsObjects: true });

/**
 * Decodes a stored head: StoreError FORMAT when it was written in another layout version (read
 * before the rest, whose fields differ between versions), CORRUPT when it does not decode.
 */
export function decodeHead(bytes: Uint8Array): StoreHead {
  let format: unknown;
  try {
    format = (peek.unpack(bytes) as { format?: unknown } | null)?.format;
  } catch {
    // not msgpack at all: the schema check below says so
  }
  if (typeof format === "number" && format !== STORE_FORMAT) {
    throw new StoreError("FORMAT", `the store has layout format ${format}; this version reads format ${STORE_FORMAT} only (re-create the store from genesis)`);
  }
  let head: StoreHead;
  try {
    head = unpackRecord<StoreHead>(HEAD_SCHEMA, bytes);
  } catch (e) {
    throw new StoreError("CORRUPT", `stored head does not decode: ${(e as Error).message}`, e);
  }
  if (head.nextInbox > MAX_U64) throw new StoreError("CORRUPT", `stored head nextInbox ${head.nextInbox} exceeds u64`);
  if (head.checkpoint > head.batchCount || head.pageSlotCount > head.slotCount) {
    throw new StoreError(
      "CORRUPT",
      `stored head: checkpoint ${head.checkpoint} (${head.pageSlotCount} slots) is past batch ${head.batchCount} (${head.slotCount} slots)`,
    );
  }
  return head;
}

/** StoreError CONFLICT unless the stored head bytes are those of `parent` (both absent: an empty store). */
export function checkParent(stored: Uint8Array | undefined, parent: StoreHead | undefined): void {
  const want = parent && encodeHead(parent);
  const same = stored === undefined || want === undefined ? stored === want : stored.length === want.length && stored.every((b, i) => b === want[i]);
  if (same) return;
  const now = stored === undefined ? "empty" : `at batch ${describeHead(stored)}`;
  throw new StoreError(
    "CONFLICT",
    `the store is ${now}, not ${parent ? `at batch ${parent.batchCount}` : "empty"} as this writer read it: another writer committed in between; reopen the chain`,
  );
}

function describeHead(bytes: Uint8Array): string {
  try {
    return String(decodeHead(bytes).batchCount);
  } catch {
    return "(undecodable head)";
  }
}

/**
 * The stored-batch record (SPEC §12): msgpack, with the result's receipts as a binary column.
 * @throws EncodeError when a field is missing or out of range.
 */
export function encodeStoredBatch(batch: StoredBatch): Uint8Array {
  const result = batch?.result;
  const receipts = encodeReceiptColumn(result?.receipts);
  return packRecord(STORED_BATCH_SCHEMA, { ...batch, result: { ...result, receipts } });
}

/**
 * Decodes a stored-batch record.
 * @throws StoreError CORRUPT when the bytes are not exactly such a record (its receipts column
 * must hold one receipt per L1 message and transaction).
 */
export function decodeStoredBatch(bytes: Uint8Array): StoredBatch {
  let batch: StoredBatch;
  try {
    type Raw = Omit<StoredBatch, "result"> & { result: Omit<StoredBatch["result"], "receipts"> & { receipts: Uint8Array } };
    const raw = unpackRecord<Raw>(STORED_BATCH_SCHEMA, bytes);
    const receipts = decodeReceiptColumn(raw.result.receipts, raw.l1MessageCount + raw.txCount);
    batch = { ...raw, result: { ...raw.result, receipts } };
  } catch (e) {
    throw new StoreError("CORRUPT", `stored batch does not decode: ${(e as Error).message}`, e);
  }
  if (batch.inboxStart > MAX_U64) throw new StoreError("CORRUPT", `stored batch ${batch.number} inboxStart exceeds u64`);
  return batch;
}

/**
 * A store in memory: the same interface and commit rule as the LMDB store, for tests and
 * browsers. Nothing survives the process.
 */
export class MemoryStore implements StateStore {
  private head: Uint8Array | undefined;
  private readonly pages = new Map<number, Uint8Array>();
  private readonly log = new Map<number, Uint8Array>();
  private readonly batches = new Map<number, Uint8Array>();

  readHead(): StoreHead | undefined {
    return this.head && decodeHead(this.head);
  }

  readPage(index: number): Uint8Array | undefined {
    return this.pages.get(index);
  }

  readLog(number: number): Uint8Array | undefined {
    return this.log.get(number);
  }

  readBatch(number: number): Uint8Array | undefined {
    return this.batches.get(number);
  }

  commit(c: StoreCommit): void {
    checkParent(this.head, c.parent);
    // everything is encoded and copied before the first write, so nothing can fail half-way
    const head = encodeHead(c.head);
    const pages = [...c.pages].map(([i, bytes]) => [i, bytes.slice()] as const);
    const log = c.log && ([c.log.number, c.log.entries.slice()] as const);
    const batch = c.batch && ([c.batch.number, c.batch.record.slice()] as const);
    for (const [i, bytes] of pages) this.pages.set(i, bytes);
    for (const n of c.dropLog ?? []) this.log.delete(n);
    if (log) this.log.set(log[0], log[1]);
    if (batch) this.batches.set(batch[0], batch[1]);
    this.head = head;
  }

  /** Nothing to release: the data lives as long as this object, and another Chain may open it. */
  close(): void {}
}
