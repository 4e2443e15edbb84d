// Phase 3, post-execute: what an entry leaves besides its slot writes — the receipt's touched slots,
// the consumed nonce, a withdrawal record and its leaf — and, after the batch's last entry, fee
// settlement, which credits or burns what each fee pair is owed (SPEC §5.1, §5.2, §6).

import { keccak256 } from "./keccak";
import { ensureLeafStored, writeLeaf } from "./tree";
import { S_NONCE } from "./slots";
import { lo, hi, set128, copy128, isZero128 } from "./u128";
import {
  MAX_TOUCHED_SLOTS, R_TOUCHED_COUNT, R_TOUCHED, R_OUT0, R_OUT1, WITHDRAWAL_RECORD_BYTES, W_TOKEN, W_AMOUNT,
  WITHDRAWAL_LEAF_BYTES, WL_TOKEN, WL_AMOUNT,
} from "./generated/constants";
import { Run, exists, sp, tokenOf, ownerOf, isReserved, mark, credit, pairToken, pairSlot, pendingPtr } from "./run";
import { fits } from "./validate";

// ---- receipts ----

export function touch(r: Run, i: u32): void {
  const rc = r.receipt;
  const n = <u32>load<u8>(rc + R_TOUCHED_COUNT);
  for (let k: u32 = 0; k < n; k++) if (load<u32>(rc + R_TOUCHED + (<usize>k << 2)) == i) return;
  if (n < MAX_TOUCHED_SLOTS) {
    store<u32>(rc + R_TOUCHED + (<usize>n << 2), i);
    store<u8>(rc + R_TOUCHED_COUNT, <u8>(n + 1));
  }
}

/** Touches the pool's three slots when they exist, else just `pool` (SPEC §6.5). */
export function touchPool(r: Run, pool: u32): void {
  if (<u64>pool + 2 < <u64>r.s.slotCount) {
    touch(r, pool);
    touch(r, pool + 1);
    touch(r, pool + 2);
  } else {
    touch(r, pool);
  }
}

// ---- nonces ----

@inline export function bumpNonce(r: Run, i: u32): void {
  const p = sp(r, i);
  store<u64>(p, load<u64>(p, S_NONCE) + 1, S_NONCE);
}

// ---- withdrawals ----

const WLEAF_INPUT: usize = memory.data(<i32>WITHDRAWAL_LEAF_BYTES, 8);
const HASH_OUT: usize = memory.data(32, 8);

export function appendWithdrawal(r: Run, owner: usize, token: u32, amount: usize): void {
  const w = r.withdrawals + <usize>(r.withdrawalCount - r.withdrawalBase) * WITHDRAWAL_RECORD_BYTES;
  memory.copy(w, owner, 20);
  store<u32>(w, token, W_TOKEN);
  copy128(w + W_AMOUNT, amount);
  // leaf = keccak256(owner ‖ token ‖ amount), big-endian (SPEC §5.2)
  memory.copy(WLEAF_INPUT, owner, 20);
  store<u32>(WLEAF_INPUT, bswap<u32>(token), WL_TOKEN);
  store<u64>(WLEAF_INPUT, bswap<u64>(hi(amount)), WL_AMOUNT);
  store<u64>(WLEAF_INPUT, bswap<u64>(lo(amount)), WL_AMOUNT + 8);
  keccak256(WLEAF_INPUT, WITHDRAWAL_LEAF_BYTES, HASH_OUT);
  if (changetype<usize>(r.wtree) != 0) {
    ensureLeafStored(r.wtree, r.withdrawalCount);
    writeLeaf(r.wtree, r.withdrawalCount, HASH_OUT);
  }
  set128(r.receipt + R_OUT0, <u64>r.withdrawalCount, 0);
  copy128(r.receipt + R_OUT1, amount);
  r.withdrawalCount++;
}

// ---- fee settlement ----

/**
 * Fee settlement (SPEC §5.1), the batch's last step: for each pair in list order with something
 * owed, the owed amount is credited to its slot when that slot exists now, holds the pair's token,
 * is not pool-owned and has room; otherwise it is burned. Only these slots are read, so a
 * settlement step's witness is the listed slots with owed > 0 that exist. `credited` gets one
 * byte per pair: 1 credited, 0 burned or nothing owed.
 */
export function settleFees(r: Run, credited: usize): void {
  for (let k: u32 = 0; k < r.feeCount; k++) {
    const owed = pendingPtr(r, <i32>k);
    const slot = pairSlot(r, k);
    let ok = !isZero128(owed) && exists(r, slot);
    if (ok) ok = tokenOf(r, slot) == pairToken(r, k) && !isReserved(ownerOf(r, slot)) && fits(r, slot, owed);
    if (ok) {
      credit(r, slot, owed);
      mark(r, slot);
    }
    store<u8>(credited + <usize>k, ok ? 1 : 0);
  }
}
