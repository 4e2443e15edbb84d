// Unsigned 128-bit arithmetic on values stored in memory as (lo u64, hi u64), and the exact
// floor(x·y/d) and isqrt the AMM needs (docs/SPEC.md §6.5). Pointer-based so the hot transfer
// path only ever touches a few static 16-byte registers; no allocation.

/** Static 256-bit product register: four u64 limbs, least significant first. */
const WIDE: usize = memory.data(32, 8);

@inline export function lo(p: usize): u64 { return load<u64>(p, 0); }
@inline export function hi(p: usize): u64 { return load<u64>(p, 8); }

@inline export function set128(dst: usize, l: u64, h: u64): void {
  store<u64>(dst, l, 0);
  store<u64>(dst, h, 8);
}

@inline export function copy128(dst: usize, src: usize): void {
  set128(dst, lo(src), hi(src));
}

@inline export function isZero128(p: usize): bool {
  return (lo(p) | hi(p)) == 0;
}

/** a < b */
@inline export function lt128(a: usize, b: usize): bool {
  return hi(a) < hi(b) || (hi(a) == hi(b) && lo(a) < lo(b));
}

@inline export function eq128(a: usize, b: usize): bool {
  return lo(a) == lo(b) && hi(a) == hi(b);
}

/** dst = a + b; returns true when the sum does not fit in 128 bits (dst is then wrapped). */
export function add128(dst: usize, a: usize, b: usize): bool {
  const al = lo(a), ah = hi(a), bl = lo(b), bh = hi(b);
  const l = al + bl;
  const c1: u64 = l < al ? 1 : 0;
  const h1 = ah + bh;
  const c2 = h1 < ah;
  const h = h1 + c1;
  const c3 = h < h1;
  set128(dst, l, h);
  return c2 || c3;
}

/** dst = a − b; the caller has checked a ≥ b. */
export function sub128(dst: usize, a: usize, b: usize): void {
  const al = lo(a), bl = lo(b);
  const borrow: u64 = al < bl ? 1 : 0;
  set128(dst, al - bl, hi(a) - hi(b) - borrow);
}

/** dst = a · m for a small multiplier m < 2^32; returns true on overflow. */
export function mulSmall128(dst: usize, a: usize, m: u32): bool {
  const mm = <u64>m;
  const l0 = (lo(a) & 0xffffffff) * mm;
  const l1 = (lo(a) >> 32) * mm + (l0 >> 32);
  const h0 = (hi(a) & 0xffffffff) * mm + (l1 >> 32);
  const h1 = (hi(a) >> 32) * mm + (h0 >> 32);
  set128(dst, (l0 & 0xffffffff) | (l1 << 32), (h0 & 0xffffffff) | (h1 << 32));
  return (h1 >> 32) != 0;
}

// WIDE = a · b (full 256 bits), by 32-bit limbs so every partial product fits in a u64.
function mulWide(a: usize, b: usize): void {
  memory.fill(WIDE, 0, 32);
  for (let i: usize = 0; i < 4; i++) {
    const ai = <u64>load<u32>(a + (i << 2));
    if (ai == 0) continue;
    let carry: u64 = 0;
    for (let j: usize = 0; j < 4; j++) {
      const at = WIDE + ((i + j) << 2);
      const t = ai * <u64>load<u32>(b + (j << 2)) + <u64>load<u32>(at) + carry;
      store<u32>(at, <u32>t);
      carry = t >> 32;
    }
    store<u32>(WIDE + ((i + 4) << 2), <u32>carry);
  }
}

@inline function wideBit(bit: u32): u64 {
  return (load<u64>(WIDE + (<usize>(bit >> 6) << 3)) >> <u64>(bit & 63)) & 1;
}

/**
 * dst = floor(x · y / d) exactly, for d ≠ 0. Returns false when the quotient needs more than
 * 128 bits (dst is then unspecified): callers treat that as "larger than any u128".
 */
export function mulDiv(dst: usize, x: usize, y: usize, d: usize): bool {
  mulWide(x, y);
  // schoolbook binary long division of the 256-bit WIDE by the 128-bit d
  let top: i32 = 255;
  while (top >= 0 && wideBit(<u32>top) == 0) top--;
  const dl = lo(d), dh = hi(d);
  let rl: u64 = 0, rh: u64 = 0, ql: u64 = 0, qh: u64 = 0;
  for (let bit = top; bit >= 0; bit--) {
    // r = 2r + bit; r < 2d ≤ 2^129, so remember the bit shifted out of the top
    const out = rh >> 63;
    rh = (rh << 1) | (rl >> 63);
    rl = (rl << 1) | wideBit(<u32>bit);
    if (out != 0 || rh > dh || (rh == dh && rl >= dl)) {
      const borrow: u64 = rl < dl ? 1 : 0;
      rl -= dl;
      rh = rh - dh - borrow;
      if (bit >= 128) return false;
      if (bit >= 64) qh |= <u64>1 << <u64>(bit - 64);
      else ql |= <u64>1 << <u64>bit;
    }
  }
  set128(dst, ql, qh);
  return true;
}

const SQ: usize = memory.data(16, 8);

/** dst = floor(sqrt(a · b)) for a, b < 2^112 (so the root is below 2^112). */
export function isqrtProduct(dst: usize, a: usize, b: usize): void {
  mulWide(a, b);
  const n0 = load<u64>(WIDE, 0), n1 = load<u64>(WIDE, 8), n2 = load<u64>(WIDE, 16), n3 = load<u64>(WIDE, 24);
  let rl: u64 = 0, rh: u64 = 0;
  for (let bit: i32 = 111; bit >= 0; bit--) {
    const tl = bit < 64 ? rl | (<u64>1 << <u64>bit) : rl;
    const th = bit >= 64 ? rh | (<u64>1 << <u64>(bit - 64)) : rh;
    set128(SQ, tl, th);
    mulWide(SQ, SQ);
    // keep the bit when t·t ≤ n (compare the 256-bit values from the top limb down)
    const s3 = load<u64>(WIDE, 24), s2 = load<u64>(WIDE, 16), s1 = load<u64>(WIDE, 8), s0 = load<u64>(WIDE, 0);
    const le = s3 < n3 || (s3 == n3 && (s2 < n2 || (s2 == n2 && (s1 < n1 || (s1 == n1 && s0 <= n0)))));
    if (le) { rl = tl; rh = th; }
  }
  set128(dst, rl, rh);
}
