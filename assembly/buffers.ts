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
