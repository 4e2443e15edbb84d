// keccak256 (Ethereum's: Keccak[r=1088, c=512] with the original 0x01 padding) over linear memory.
//
// Two permutations live here:
//  - keccakF1600: the production one. The 25 lanes live in local variables for all 24 rounds
//    (loaded once, stored once, rounds rolled, round constants in static memory); V8 keeps most
//    of them in registers. This is what every hash in the engine uses.
//  - keccakF1600Rolled: the readable textbook form (lanes in memory, loops for θ ρ π χ ι) as in
//    noble-hashes' sha3.ts. It is kept as executable documentation and as the bench baseline that
//    justifies the unrolled lanes (see docs/BENCHMARKS.md); tests check both agree.

import { copyHash } from "./common";

/** Sponge rate of keccak256 in bytes (1600 - 2*256 bits). */
export const RATE_BYTES: usize = 136;
const RATE_LANES: usize = 17;
const STATE_BYTES: usize = 200;

// Round constants for ι, little-endian u64.
const ROUND_CONSTANTS: usize = memory.data<u64>([
  0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000,
  0x000000000000808b, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
  0x000000000000008a, 0x0000000000000088, 0x0000000080008009, 0x000000008000000a,
  0x000000008000808b, 0x800000000000008b, 0x8000000000008089, 0x8000000000008003,
  0x8000000000008002, 0x8000000000000080, 0x000000000000800a, 0x800000008000000a,
  0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
]);

// ρ rotation offsets and π lane order for the rolled form (same tables as noble-hashes).
const RHO_OFFSETS: usize = memory.data<u8>([
  1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44,
]);
const PI_LANES: usize = memory.data<u8>([
  10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1,
]);

// Static scratch: the sponge state and one padded final block. Never reallocated.
const STATE: usize = memory.data(200, 8); // STATE_BYTES
const BLOCK: usize = memory.data(136, 8); // RATE_BYTES
const ROLLED_C: usize = memory.data(40, 8);

// How keccakP takes its input and gives its output.
const MODE_STATE: u32 = 0; // 25 lanes from `src`, 25 lanes back to `dst` (the sponge)
const MODE_NODE64: u32 = 1; // a fresh state of 8 input lanes + padding, 32-byte digest to `dst`
const MODE_NODE128: u32 = 2; // a fresh state of 16 input lanes + padding, 32-byte digest to `dst`
const MODE_LEAF48: u32 = 3; // a fresh state of 6 input lanes + padding (a slot leaf), digest to `dst`

/** keccak-f1600 calls since instantiation (for "permutations per transaction" in bench/). */
export let permutationCount: u64 = 0;

// keccak-f[1600] with the 25 lanes in locals. For Merkle nodes the lanes come straight from the
// children in memory and only the digest is written, so a node costs no state round-trip.
@inline function keccakP(mode: u32, src: usize, dst: usize): void {
  permutationCount++;
  let a0 = load<u64>(src, 0), a1 = load<u64>(src, 8), a2 = load<u64>(src, 16), a3 = load<u64>(src, 24);
  let a4 = load<u64>(src, 32), a5 = load<u64>(src, 40), a6: u64 = 0x01, a7: u64 = 0;
  if (mode != MODE_LEAF48) {
    a6 = load<u64>(src, 48);
    a7 = load<u64>(src, 56);
  }
  let a8: u64 = 0, a9: u64 = 0, a10: u64 = 0, a11: u64 = 0, a12: u64 = 0, a13: u64 = 0, a14: u64 = 0;
  let a15: u64 = 0, a16: u64 = 0, a17: u64 = 0, a18: u64 = 0, a19: u64 = 0, a20: u64 = 0, a21: u64 = 0;
  let a22: u64 = 0, a23: u64 = 0, a24: u64 = 0;
  if (mode == MODE_LEAF48) {
    a16 = 0x8000000000000000; // a6 already holds the 0x01 right after the 48 data bytes
  } else if (mode == MODE_NODE64) {
    a8 = 0x01; // padding starts right after the 64 data bytes
    a16 = 0x8000000000000000; // last byte of the rate
  } else {
    a8 = load<u64>(src, 64); a9 = load<u64>(src, 72); a10 = load<u64>(src, 80); a11 = load<u64>(src, 88);
    a12 = load<u64>(src, 96); a13 = load<u64>(src, 104); a14 = load<u64>(src, 112); a15 = load<u64>(src, 120);
    if (mode == MODE_NODE128) {
      a16 = 0x8000000000000001; // bytes 128 (0x01) and 135 (0x80) share lane 16
    } else {
      a16 = load<u64>(src, 128); a17 = load<u64>(src, 136); a18 = load<u64>(src, 144);
      a19 = load<u64>(src, 152); a20 = load<u64>(src, 160); a21 = load<u64>(src, 168);
      a22 = load<u64>(src, 176); a23 = load<u64>(src, 184); a24 = load<u64>(src, 192);
    }
  }
  for (let round = 0; round < 24; round++) {
    // θ: column parities, then each lane absorbs its neighbours' parities
    const c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20;
    const c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21;
    const c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22;
    const c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23;
    const c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24;
    const d0 = c4 ^ rotl<u64>(c1, 1);
    const d1 = c0 ^ rotl<u64>(c2, 1);
    const d2 = c1 ^ rotl<u64>(c3, 1);
    const d3 = c2 ^ rotl<u64>(c4, 1);
    const d4 = c3 ^ rotl<u64>(c0, 1);
    // ρ and π fused: b[y][2x+3y] = rotl(a[x][y] ^ d[x], r[x][y])
    const b0 = a0 ^ d0;
    const b1 = rotl<u64>(a6 ^ d1, 44);
    const b2 = rotl<u64>(a12 ^ d2, 43);
    const b3 = rotl<u64>(a18 ^ d3, 21);
    const b4 = rotl<u64>(a24 ^ d4, 14);
    const b5 = rotl<u64>(a3 ^ d3, 28);
    const b6 = rotl<u64>(a9 ^ d4, 20);
    const b7 = rotl<u64>(a10 ^ d0, 3);
    const b8 = rotl<u64>(a16 ^ d1, 45);
    const b9 = rotl<u64>(a22 ^ d2, 61);
    const b10 = rotl<u64>(a1 ^ d1, 1);
    const b11 = rotl<u64>(a7 ^ d2, 6);
    const b12 = rotl<u64>(a13 ^ d3, 25);
    const b13 = rotl<u64>(a19 ^ d4, 8);
    const b14 = rotl<u64>(a20 ^ d0, 18);
    const b15 = rotl<u64>(a4 ^ d4, 27);
    const b16 = rotl<u64>(a5 ^ d0, 36);
    const b17 = rotl<u64>(a11 ^ d1, 10);
    const b18 = rotl<u64>(a17 ^ d2, 15);
    const b19 = rotl<u64>(a23 ^ d3, 56);
    const b20 = rotl<u64>(a2 ^ d2, 62);
    const b21 = rotl<u64>(a8 ^ d3, 55);
    const b22 = rotl<u64>(a14 ^ d4, 39);
    const b23 = rotl<u64>(a15 ^ d0, 41);
    const b24 = rotl<u64>(a21 ^ d1, 2);
    // χ: the only non-linear step, row by row
    a0 = b0 ^ (~b1 & b2);
    a1 = b1 ^ (~b2 & b3);
    a2 = b2 ^ (~b3 & b4);
    a3 = b3 ^ (~b4 & b0);
    a4 = b4 ^ (~b0 & b1);
    a5 = b5 ^ (~b6 & b7);
    a6 = b6 ^ (~b7 & b8);
    a7 = b7 ^ (~b8 & b9);
    a8 = b8 ^ (~b9 & b5);
    a9 = b9 ^ (~b5 & b6);
    a10 = b10 ^ (~b11 & b12);
    a11 = b11 ^ (~b12 & b13);
    a12 = b12 ^ (~b13 & b14);
    a13 = b13 ^ (~b14 & b10);
    a14 = b14 ^ (~b10 & b11);
    a15 = b15 ^ (~b16 & b17);
    a16 = b16 ^ (~b17 & b18);
    a17 = b17 ^ (~b18 & b19);
    a18 = b18 ^ (~b19 & b15);
    a19 = b19 ^ (~b15 & b16);
    a20 = b20 ^ (~b21 & b22);
    a21 = b21 ^ (~b22 & b23);
    a22 = b22 ^ (~b23 & b24);
    a23 = b23 ^ (~b24 & b20);
    a24 = b24 ^ (~b20 & b21);
    // ι: break the symmetry between rounds
    a0 ^= load<u64>(ROUND_CONSTANTS + (<usize>round << 3));
  }
  store<u64>(dst, a0, 0); store<u64>(dst, a1, 8); store<u64>(dst, a2, 16); store<u64>(dst, a3, 24);
  if (mode != MODE_STATE) return;
  store<u64>(dst, a4, 32); store<u64>(dst, a5, 40); store<u64>(dst, a6, 48); store<u64>(dst, a7, 56);
  store<u64>(dst, a8, 64); store<u64>(dst, a9, 72); store<u64>(dst, a10, 80); store<u64>(dst, a11, 88);
  store<u64>(dst, a12, 96); store<u64>(dst, a13, 104); store<u64>(dst, a14, 112);
  store<u64>(dst, a15, 120); store<u64>(dst, a16, 128); store<u64>(dst, a17, 136);
  store<u64>(dst, a18, 144); store<u64>(dst, a19, 152); store<u64>(dst, a20, 160);
  store<u64>(dst, a21, 168); store<u64>(dst, a22, 176); store<u64>(dst, a23, 184);
  store<u64>(dst, a24, 192);
}

/** keccak-f[1600] on the 200-byte state at `s`. */
export function keccakF1600(s: usize): void {
  keccakP(MODE_STATE, s, s);
}

/** The same permutation written as the textbook loops. Slower; see the file comment. */
export function keccakF1600Rolled(s: usize): void {
  const c = ROLLED_C;
  for (let round = 0; round < 24; round++) {
    // θ: c[x] = parity of column x; every lane ^= c[x-1] ^ rotl(c[x+1], 1)
    for (let x: usize = 0; x < 5; x++) {
      store<u64>(c + (x << 3),
        load<u64>(s + (x << 3)) ^ load<u64>(s + ((x + 5) << 3)) ^ load<u64>(s + ((x + 10) << 3)) ^
        load<u64>(s + ((x + 15) << 3)) ^ load<u64>(s + ((x + 20) << 3)));
    }
    for (let x: usize = 0; x < 5; x++) {
      const d = load<u64>(c + (((x + 4) % 5) << 3)) ^ rotl<u64>(load<u64>(c + (((x + 1) % 5) << 3)), 1);
      for (let y: usize = 0; y < 25; y += 5) {
        const p = s + ((x + y) << 3);
        store<u64>(p, load<u64>(p) ^ d);
      }
    }
    // ρ and π: walk the 24-lane cycle of π, rotating each lane by its ρ offset as it moves
    let carried = load<u64>(s, 8);
    for (let t: usize = 0; t < 24; t++) {
      const dst = s + (<usize>load<u8>(PI_LANES + t) << 3);
      const next = load<u64>(dst);
      store<u64>(dst, rotl<u64>(carried, <u64>load<u8>(RHO_OFFSETS + t)));
      carried = next;
    }
    // χ: a[x] ^= ~a[x+1] & a[x+2] within each row, using the row saved in c
    for (let y: usize = 0; y < 25; y += 5) {
      for (let x: usize = 0; x < 5; x++) store<u64>(c + (x << 3), load<u64>(s + ((y + x) << 3)));
      for (let x: usize = 0; x < 5; x++) {
        store<u64>(s + ((y + x) << 3), load<u64>(c + (x << 3)) ^
          (~load<u64>(c + (((x + 1) % 5) << 3)) & load<u64>(c + (((x + 2) % 5) << 3))));
      }
    }
    // ι
    store<u64>(s, load<u64>(s) ^ load<u64>(ROUND_CONSTANTS + (<usize>round << 3)));
  }
}

@inline function zeroState(): void {
  memory.fill(STATE, 0, STATE_BYTES);
}

@inline function squeeze32(out: usize): void {
  copyHash(out, STATE);
}

// Absorb `len` bytes then squeeze 32. `rolled` is a compile-time constant at each call site, so
// the branch folds away after inlining.
@inline function sponge256(input: usize, len: usize, out: usize, rolled: bool): void {
  zeroState();
  // absorb whole blocks straight from the input
  while (len >= RATE_BYTES) {
    for (let i: usize = 0; i < RATE_LANES; i++) {
      store<u64>(STATE + (i << 3), load<u64>(STATE + (i << 3)) ^ load<u64>(input + (i << 3)));
    }
    if (rolled) keccakF1600Rolled(STATE); else keccakF1600(STATE);
    input += RATE_BYTES;
    len -= RATE_BYTES;
  }
  // the final, padded block: original Keccak padding 0x01 ... 0x80 (not SHA-3's 0x06)
  memory.fill(BLOCK, 0, RATE_BYTES);
  memory.copy(BLOCK, input, len);
  store<u8>(BLOCK + len, load<u8>(BLOCK + len) ^ 0x01);
  store<u8>(BLOCK + RATE_BYTES - 1, load<u8>(BLOCK + RATE_BYTES - 1) ^ 0x80);
  for (let i: usize = 0; i < RATE_LANES; i++) {
    store<u64>(STATE + (i << 3), load<u64>(STATE + (i << 3)) ^ load<u64>(BLOCK + (i << 3)));
  }
  if (rolled) keccakF1600Rolled(STATE); else keccakF1600(STATE);
  squeeze32(out);
}

/** keccak256 of `len` bytes at `input` (any alignment) into 32 bytes at `out`. */
export function keccak256(input: usize, len: usize, out: usize): void {
  sponge256(input, len, out, false);
}

/** keccak256 of exactly 64 bytes (a binary Merkle node) at `input` into `out`. */
export function keccak256x64(input: usize, out: usize): void {
  keccakP(MODE_NODE64, input, out);
}

/** keccak256 of exactly 48 bytes (a slot's encoding) at `input` into `out`. */
export function keccak256x48(input: usize, out: usize): void {
  keccakP(MODE_LEAF48, input, out);
}

/** keccak256 of exactly 128 bytes (a 4-ary Merkle node) at `input` into `out`. */
export function keccak256x128(input: usize, out: usize): void {
  keccakP(MODE_NODE128, input, out);
}

/** keccak256 using the rolled permutation (bench and cross-check only). */
export function keccak256Rolled(input: usize, len: usize, out: usize): void {
  sponge256(input, len, out, true);
}
