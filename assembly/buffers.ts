// Growable scratch regions owned by one WASM instance. They only grow (×2), so steady-state
// batches allocate nothing; contents are not preserved across a grow. Every growth is bounded
// (docs/DECISIONS.md D23): a size that cannot be allocated is refused with the old region intact.

import { tryAlloc, freeBytes, MAX_ALLOC_BYTES } from "./common";

@unmanaged
export class Scratch {
  ptr: usize = 0;
  capacityBytes: usize = 0;
}

/**
 * Returns a region of at least `sizeBytes` bytes (8-byte aligned), or 0 when it cannot be
 * allocated; then the previous region stays as it was.
 */
export function tryReserve(s: Scratch, sizeBytes: usize): usize {
  if (sizeBytes <= s.capacityBytes) return s.ptr;
  if (sizeBytes > MAX_ALLOC_BYTES) return 0;
  // double for amortized growth, but stop before overflowing or passing the allocation limit
  let cap = s.capacityBytes == 0 ? <usize>256 : s.capacityBytes;
  while (cap < sizeBytes && cap <= (MAX_ALLOC_BYTES >> 1)) cap <<= 1;
  if (cap < sizeBytes) cap = sizeBytes;
  let p = tryAlloc(cap);
  if (p == 0 && cap > sizeBytes) {
    cap = sizeBytes; // the doubled size did not fit; the exact one may
    p = tryAlloc(cap);
  }
  if (p == 0) return 0;
  if (s.ptr != 0) freeBytes(s.ptr);
  s.ptr = p;
  s.capacityBytes = cap;
  return p;
}

/** tryReserve for sizes the caller has already bounded; traps if even those cannot be placed. */
export function reserve(s: Scratch, sizeBytes: usize): usize {
  const p = tryReserve(s, sizeBytes);
  if (p == 0) unreachable();
  return p;
}

/** Frees a region that grew past `keepBytes` (after a bulk load), so idle states stay small. */
export function trimScratch(s: Scratch, keepBytes: usize): void {
  if (s.capacityBytes <= keepBytes) return;
  freeBytes(s.ptr);
  s.ptr = 0;
  s.capacityBytes = 0;
}

/** A growable list of u32 (dirty leaf and slot indices). Pushing is amortized O(1). */
@unmanaged
export class U32List {
  ptr: usize = 0;
  count: u32 = 0;
  capacity: u32 = 0;
}

/** A new list, or null (0) when even its first block cannot be allocated. */
export function tryU32ListNew(capacity: u32): U32List {
  const data = tryAlloc(<usize>capacity << 2);
  if (data == 0) return changetype<U32List>(0);
  const head = tryAlloc(offsetof<U32List>());
  if (head == 0) {
    freeBytes(data);
    return changetype<U32List>(0);
  }
  const l = changetype<U32List>(head);
  l.ptr = data;
  l.count = 0;
  l.capacity = capacity;
  return l;
}

export function u32ListNew(capacity: u32): U32List {
  const l = tryU32ListNew(capacity);
  if (changetype<usize>(l) == 0) unreachable();
  return l;
}

/**
 * Makes room for `extra` more pushes without allocating during them; false (list unchanged) when
 * that cannot be allocated. Callers reserve before a batch so that pushes never fail midway.
 */
export function u32ListReserve(l: U32List, extra: u64): bool {
  const needed = <u64>l.count + extra;
  if (needed <= <u64>l.capacity) return true;
  if (needed > <u64>(MAX_ALLOC_BYTES >> 2)) return false;
  let cap = <u64>l.capacity << 1;
  if (cap < needed) cap = needed;
  if (cap > <u64>(MAX_ALLOC_BYTES >> 2)) cap = needed;
  let grown = tryAlloc(<usize>cap << 2);
  if (grown == 0 && cap > needed) {
    cap = needed;
    grown = tryAlloc(<usize>cap << 2);
  }
  if (grown == 0) return false;
  memory.copy(grown, l.ptr, <usize>l.count << 2);
  freeBytes(l.ptr);
  l.ptr = grown;
  l.capacity = <u32>cap;
  return true;
}

export function u32ListPush(l: U32List, value: u32): void {
  if (l.count == l.capacity && !u32ListReserve(l, 1)) unreachable();
  store<u32>(l.ptr + (<usize>l.count << 2), value);
  l.count++;
}

/** Shrinks an emptied list to `keepCapacity` entries (after a bulk load grew it). */
export function u32ListTrim(l: U32List, keepCapacity: u32): void {
  if (l.count != 0 || l.capacity <= keepCapacity) return;
  const small = tryAlloc(<usize>keepCapacity << 2);
  if (small == 0) return; // keeping the big block is always correct
  freeBytes(l.ptr);
  l.ptr = small;
  l.capacity = keepCapacity;
}

export function u32ListFree(l: U32List): void {
  freeBytes(l.ptr);
  freeBytes(changetype<usize>(l));
}
