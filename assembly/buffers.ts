// Growable scratch regions owned by one WASM instance. They only grow (×2), so steady-state
// batches allocate nothing; contents are not preserved across a grow.

import { allocBytes, freeBytes } from "./common";

@unmanaged
export class Scratch {
  ptr: usize = 0;
  capacityBytes: usize = 0;
}

/** Returns a region of at least `sizeBytes` bytes (8-byte aligned by the allocator). */
export function reserve(s: Scratch, sizeBytes: usize): usize {
  if (sizeBytes > s.capacityBytes) {
    let cap = s.capacityBytes == 0 ? <usize>256 : s.capacityBytes;
    while (cap < sizeBytes) cap <<= 1;
    if (s.ptr != 0) freeBytes(s.ptr);
    s.ptr = allocBytes(cap);
    s.capacityBytes = cap;
  }
  return s.ptr;
}

/** A growable list of u32 (dirty leaf and slot indices). Pushing is amortized O(1). */
@unmanaged
export class U32List {
  ptr: usize = 0;
  count: u32 = 0;
  capacity: u32 = 0;
}

export function u32ListNew(capacity: u32): U32List {
  const l = new U32List();
  l.capacity = capacity;
  l.ptr = allocBytes(<usize>capacity << 2);
  return l;
}

export function u32ListPush(l: U32List, value: u32): void {
  if (l.count == l.capacity) {
    const cap = l.capacity << 1;
    const grown = allocBytes(<usize>cap << 2);
    memory.copy(grown, l.ptr, <usize>l.count << 2);
    freeBytes(l.ptr);
    l.ptr = grown;
    l.capacity = cap;
  }
  store<u32>(l.ptr + (<usize>l.count << 2), value);
  l.count++;
}

export function u32ListFree(l: U32List): void {
  freeBytes(l.ptr);
  heap.free(changetype<usize>(l));
}
