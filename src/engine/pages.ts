// The engine's store I/O (docs/SPEC.md §12): slot records and store pages in and out of the core,
// in chunks so that no single input region grows past what a page set needs. The Engine class
// (engine.ts) delegates here; these functions take the core and a live engine handle.

import { HASH_BYTES } from "../protocol/bytes.js";
import { CapacityError, InvalidArgumentError } from "../protocol/errors.js";
import { MAX_SLOTS } from "../protocol/types.js";
import { u32Bytes, type CoreInstance } from "../core/instance.js";
import { statusError } from "../core/status.js";
import { SLOT_RECORD_BYTES } from "./flat.js";

/** Slots per call into the core when records or pages are appended. */
const APPEND_CHUNK_SLOTS = 1 << 16;
/** Slots per call into the core when records are read back. */
const READ_CHUNK_SLOTS = 1 << 14;
/** A store page holds 1 to 65,536 slots. */
const MAX_PAGE_SLOTS = 1 << 16;

/**
 * Appends raw 48-byte slot records (the slot record layout) as the next slots.
 *
 * @throws CapacityError (via the core's status) when the state would pass MAX_SLOTS.
 */
export function appendSlotRecords(instance: CoreInstance, handle: number, bytes: Uint8Array, what = "genesis"): void {
  const count = bytes.length / SLOT_RECORD_BYTES;
  for (let start = 0; start < count; start += APPEND_CHUNK_SLOTS) {
    const part = bytes.subarray(start * SLOT_RECORD_BYTES, Math.min(count, start + APPEND_CHUNK_SLOTS) * SLOT_RECORD_BYTES);
    const status = instance.call((x) => x.engineAppendSlots(handle, instance.copyIn(part), part.length / SLOT_RECORD_BYTES));
    if (status !== 0) throw statusError(status, what);
  }
}

/** Checks a state size and page size before anything is loaded. */
export function checkPageLoad(slotCount: number, pageSlots: number): void {
  if (!Number.isInteger(slotCount) || slotCount < 0) throw new InvalidArgumentError("slotCount must be a non-negative integer");
  if (slotCount > MAX_SLOTS) throw new CapacityError(`a state holds at most ${MAX_SLOTS} slots`);
  checkPageSlots(pageSlots);
}

function checkPageSlots(pageSlots: number): void {
  if (!Number.isInteger(pageSlots) || pageSlots < 1 || pageSlots > MAX_PAGE_SLOTS) throw new InvalidArgumentError("pageSlots must be an integer in [1, 65536]");
}

/**
 * Loads `slotCount` slots page by page into an empty engine: `page(p)` returns page p (records,
 * then their leaves). The stored leaves are taken as they are; only inner nodes are hashed.
 *
 * @throws InvalidArgumentError for a missing page or one of the wrong size.
 */
export function loadSlotPages(
  instance: CoreInstance,
  handle: number,
  slotCount: number,
  pageSlots: number,
  page: (index: number) => Uint8Array | undefined,
): void {
  const status = instance.call((x) => x.engineReserve(handle, slotCount));
  if (status !== 0) throw statusError(status, "load");
  const slotBytes = SLOT_RECORD_BYTES + HASH_BYTES;
  const pagesPerChunk = Math.max(1, Math.floor(APPEND_CHUNK_SLOTS / pageSlots));
  const pageCount = Math.ceil(slotCount / pageSlots);
  for (let first = 0; first < pageCount; first += pagesPerChunk) {
    const last = Math.min(pageCount, first + pagesPerChunk);
    const chunkSlots = Math.min(slotCount, last * pageSlots) - first * pageSlots;
    // each page is copied in as soon as it is read: a store may hand out views of a reused buffer
    const loaded = instance.call((x) => {
      const ptr = instance.streamIn(chunkSlots * slotBytes, (write) => {
        for (let p = first; p < last; p++) {
          const want = Math.min(pageSlots, slotCount - p * pageSlots) * slotBytes;
          const bytes = page(p);
          if (!(bytes instanceof Uint8Array) || bytes.length !== want) {
            throw new InvalidArgumentError(`page ${p} is ${bytes instanceof Uint8Array ? `${bytes.length} bytes, not ${want}` : "missing"}`);
          }
          write(bytes);
        }
      });
      return x.engineLoadPages(handle, ptr, chunkSlots, pageSlots);
    });
    if (loaded !== 0) throw statusError(loaded, "load");
  }
}

/** Marks every slot's leaf for recomputation from its record at the next root. */
export function rehashLeaves(instance: CoreInstance, handle: number): void {
  const status = instance.call((x) => x.engineRehashAll(handle));
  if (status !== 0) throw statusError(status, "rehashLeaves");
}

/**
 * The 48-byte records of the given slots, concatenated in the order asked.
 *
 * @throws InvalidArgumentError for an index that names no slot.
 */
export function readSlotRecords(instance: CoreInstance, handle: number, slotCount: number, indices: readonly number[] | Uint32Array): Uint8Array {
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= slotCount) throw new InvalidArgumentError(`slot ${String(i)} does not exist (slot count ${slotCount})`);
  }
  const out = new Uint8Array(indices.length * SLOT_RECORD_BYTES);
  for (let start = 0; start < indices.length; start += READ_CHUNK_SLOTS) {
    const part = u32Bytes(indices.slice(start, start + READ_CHUNK_SLOTS) as ArrayLike<number>);
    const count = part.length / 4;
    instance.call((x) => {
      const ptr = instance.copyIn(part, count * SLOT_RECORD_BYTES);
      const outPtr = ptr + part.length;
      if (x.engineReadSlots(handle, ptr, count, outPtr) !== 0) throw new InvalidArgumentError("slot index out of range");
      out.set(instance.bytes().subarray(outPtr, outPtr + count * SLOT_RECORD_BYTES), start * SLOT_RECORD_BYTES);
    });
  }
  return out;
}

/**
 * Slot pages as a store keeps them (docs/SPEC.md §12): per page its records, then their leaves;
 * one call into the core, the pages views into one buffer.
 *
 * @throws InvalidArgumentError for a page size out of range or a page that holds no slot.
 */
export function readSlotPages(instance: CoreInstance, handle: number, slotCount: number, pages: readonly number[], pageSlots: number): Uint8Array[] {
  checkPageSlots(pageSlots);
  const sizes = pages.map((p) => {
    if (!Number.isInteger(p) || p < 0 || p * pageSlots >= slotCount)
      throw new InvalidArgumentError(`page ${String(p)} holds no slot (slot count ${slotCount})`);
    return Math.min(pageSlots, slotCount - p * pageSlots) * (SLOT_RECORD_BYTES + HASH_BYTES);
  });
  const total = sizes.reduce((a, b) => a + b, 0);
  const out = new Uint8Array(total);
  const pageList = u32Bytes(pages);
  instance.call((x) => {
    const ptr = instance.copyIn(pageList, total);
    const outPtr = ptr + pageList.length;
    const written = x.engineReadPages(handle, ptr, pages.length, pageSlots, outPtr);
    if (Number(written) !== total) throw new InvalidArgumentError("page index out of range");
    out.set(instance.bytes().subarray(outPtr, outPtr + total));
  });
  let at = 0;
  return sizes.map((n) => {
    const part = out.subarray(at, at + n);
    at += n;
    return part;
  });
}
