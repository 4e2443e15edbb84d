// The execution loop: one call per batch. Each entry is validated first and executed only if every
// check passes (the validate / execute split of revm's handler), so a failed entry leaves the state
// exactly as if it were absent and needs no journal. Check order and effects follow docs/SPEC.md §6
// line by line; the TypeScript reference (src/reference/engine.ts) is the oracle.
//
// Slot pointers: reserveSlots may move the whole slot array (it doubles from 1024 slots), so every
// pointer into it (sp, bal, ownerOf) dies there. An entry that can create slots therefore reserves
// its room FIRST, before it derives any slot pointer, and only reports CAPACITY where SPEC §6 orders
// that check; growing capacity for an entry that then fails changes no state. Nothing else in an
// entry moves the slot array (appendSlot, markDirty and the withdrawal tree never do).
//
// Nonces (SPEC §6): once an entry's nonce check has passed, its authorizing slot's nonce is consumed
// whatever follows, so a failed transaction cannot be replayed in a later batch. applyTx bumps it
// after the entry ran; the apply* functions never do.
//
// Input (all little-endian), built by src/engine/flat.ts, in the layouts of the one table
// (scripts/layout-table.mjs, generated into ./generated/constants.ts; docs/DECISIONS.md D36):
//   batch header | feePairCount × fee pair | l1Count × L1 record | txCount × tx record
// Output: (l1Count + txCount) × receipt | trailer (see applyBatch).

import { HASH_BYTES, copyHash, hashEquals } from "./common";
import { keccak256 } from "./keccak";
import { Tree, treeNew, treeFree, ensureLeafStored, writeLeaf, commit } from "./tree";
import { u32ListNew, u32ListReserve } from "./buffers";
import {
  State, SLOT_BYTES, S_BALANCE, S_NONCE, S_TOKEN, S_OWNER, slotPtr, reserveSlots, markDirty, appendSlot, flushDirtySlots,
} from "./slots";
import {
  lo, hi, set128, copy128, isZero128, lt128, add128, sub128, mulSmall128, mulDiv, isqrtProduct,
} from "./u128";
import { ERR_BAD_FEE_SLOTS, ERR_NO_MEMORY } from "./status";
import {
  Reason, TxType, L1Kind, StepKind, MAX_FEE_PAIRS, MAX_TOUCHED_SLOTS, NEW_SLOT, NO_SLOT, LP_TOKEN_FLAG, MAX_POOL_FEE_BPS,
  MINIMUM_LIQUIDITY, MAX_RESERVE_LO, MAX_RESERVE_HI, BPS_DENOMINATOR, BATCH_HEADER_BYTES, BATCH_FEE_PAIR_COUNT, BATCH_L1_COUNT,
  BATCH_TX_COUNT, BATCH_FLAGS, BATCH_DOMAIN_SEPARATOR, BATCH_FLAG_TRACE, BATCH_FLAG_NO_SETTLE, FEE_PAIR_BYTES, FEE_PAIR_SLOT,
  L1_RECORD_BYTES, L1_KIND, L1_HAS_SLOT, L1_SLOT, L1_TOKEN, L1_OWNER, L1_AMOUNT, TX_RECORD_BYTES, TX_TYPE, TX_SIGNER_OK,
  TX_FEE_BPS, TX_F0, TX_F1, TX_F2, TX_F3, TX_NONCE, TX_X, TX_Y, TX_Z, TX_TO_OWNER, TX_SIGNER, RECEIPT_BYTES, R_STATUS,
  R_TOUCHED_COUNT, R_TOUCHED, R_OUT0, R_OUT1, TRAILER_BYTES, T_STATE_ROOT, T_TREE_ROOT, T_WITHDRAWALS_ROOT, T_SLOT_COUNT,
  T_WITHDRAWAL_COUNT, FEE_CREDITED_BYTES, WITHDRAWAL_RECORD_BYTES, W_TOKEN, W_AMOUNT, WITHDRAWAL_LEAF_BYTES, WL_TOKEN,
  WL_AMOUNT, VERIFY_HEADER_BYTES, V_KIND, V_SLOT_COUNT, V_FEE_COUNT, V_WITHDRAWAL_COUNT, V_BASE_SLOT_COUNT, VO_SLOT_COUNT,
  VO_MISSING, VO_WITHDREW, VO_WITHDRAWAL, VO_CREDITED, VERIFY_OUTPUT_BYTES,
} from "./generated/constants";

// ---- static registers (u128 values) ----
const MAX_U128: usize = memory.data<u64>([0xffffffffffffffff, 0xffffffffffffffff]);
const MAX_RESERVE: usize = memory.data<u64>([MAX_RESERVE_LO, MAX_RESERVE_HI]);
const MIN_LIQ: usize = memory.data<u64>([MINIMUM_LIQUIDITY, 0]);
const A: usize = memory.data(16, 8);
const B: usize = memory.data(16, 8);
const C: usize = memory.data(16, 8);
const D: usize = memory.data(16, 8);
const E: usize = memory.data(16, 8);
const F: usize = memory.data(16, 8);
const POOL_OWNER: usize = memory.data(20, 8);
const WLEAF_INPUT: usize = memory.data(<i32>WITHDRAWAL_LEAF_BYTES, 8);
const HASH_OUT: usize = memory.data(32, 8);
const STATE_INPUT: usize = memory.data(36, 8);

/** Everything one batch needs besides the state; lives for one engineApplyBatch call. */
@unmanaged
class Run {
  s: State = changetype<State>(0);
  /** The batch's fee pairs (SPEC §5.1): feeCount × (u32 token | u32 slot), tokens strictly increasing. */
  feePairs: usize = 0;
  feeCount: u32 = 0;
  pending: usize = 0; // feeCount × u128
  receipt: usize = 0; // the receipt being written
  withdrawals: usize = 0; // output records
  withdrawalCount: u32 = 0;
  /** withdrawalCount when this run began (0 for a batch; the pre-state's count for a step check). */
  withdrawalBase: u32 = 0;
  /** The batch's withdrawal tree; 0 in a step check, whose caller recomputes the root from a proof. */
  wtree: Tree = changetype<Tree>(0);
  /** Slot count before the batch's first entry: part of every step commitment's context (SPEC §11.1). */
  baseSlotCount: u32 = 0;
  /** The EIP-712 domain separator (32 bytes) a trace commits to; 0 in a step check. */
  domainSeparator: usize = 0;
  /** The slot whose nonce the current transaction has passed (NO_SLOT before its nonce check). */
  nonceSlot: u32 = 0;
}

const PENDING: usize = memory.data(<i32>MAX_FEE_PAIRS << 4, 8); // MAX_FEE_PAIRS × u128
const RUN: usize = memory.data(64, 8);

// ---- helpers ----

@inline function exists(r: Run, i: u32): bool {
  return i < r.s.slotCount;
}

@inline function sp(r: Run, i: u32): usize {
  return slotPtr(r.s, i);
}

@inline function bal(r: Run, i: u32): usize {
  return sp(r, i) + S_BALANCE;
}

@inline function tokenOf(r: Run, i: u32): u32 {
  return load<u32>(sp(r, i), S_TOKEN);
}

@inline function ownerOf(r: Run, i: u32): usize {
  return sp(r, i) + S_OWNER;
}

@inline function sameOwner(a: usize, b: usize): bool {
  return load<u64>(a) == load<u64>(b) && load<u64>(a, 8) == load<u64>(b, 8) && load<u32>(a, 16) == load<u32>(b, 16);
}

/** Owners whose first 16 bytes are zero are reserved for pools. */
@inline function isReserved(owner: usize): bool {
  return (load<u64>(owner) | load<u64>(owner, 8)) == 0;
}

@inline function isLp(token: u32): bool {
  return (token & LP_TOKEN_FLAG) != 0;
}

function touch(r: Run, i: u32): void {
  const rc = r.receipt;
  const n = <u32>load<u8>(rc + R_TOUCHED_COUNT);
  for (let k: u32 = 0; k < n; k++) if (load<u32>(rc + R_TOUCHED + (<usize>k << 2)) == i) return;
  if (n < MAX_TOUCHED_SLOTS) {
    store<u32>(rc + R_TOUCHED + (<usize>n << 2), i);
    store<u8>(rc + R_TOUCHED_COUNT, <u8>(n + 1));
  }
}

/** Touches the pool's three slots when they exist, else just `pool` (SPEC §6.5). */
function touchPool(r: Run, pool: u32): void {
  if (<u64>pool + 2 < <u64>r.s.slotCount) {
    touch(r, pool);
    touch(r, pool + 1);
    touch(r, pool + 2);
  } else {
    touch(r, pool);
  }
}

@inline function mark(r: Run, i: u32): void {
  markDirty(r.s, i);
}

/** Marks a pool's reserve slots and its share-supply slot. */
function markPool(r: Run, pool: u32): void {
  mark(r, pool);
  mark(r, pool + 1);
  mark(r, pool + 2);
}

@inline function pairToken(r: Run, k: u32): u32 {
  return load<u32>(r.feePairs + (<usize>k << 3));
}

@inline function pairSlot(r: Run, k: u32): u32 {
  return load<u32>(r.feePairs + (<usize>k << 3), FEE_PAIR_SLOT);
}

/**
 * Position of the fee pair for `token`, or -1: decided from the batch's list alone, so a
 * transaction step never reads a fee slot (SPEC §5.1).
 */
function feeIndexOfToken(r: Run, token: u32): i32 {
  for (let k: u32 = 0; k < r.feeCount; k++) {
    if (pairToken(r, k) == token) return <i32>k;
  }
  return -1;
}

@inline function pendingPtr(r: Run, k: i32): usize {
  return r.pending + (<usize>k << 4);
}

/** slot.balance + amount ≤ MAX_U128: owed fees are not counted, settlement burns what does not fit. */
@inline function fits(r: Run, i: u32, amount: usize): bool {
  return !add128(F, bal(r, i), amount);
}

/** The fee fits what pair k is owed: owed + fee ≤ MAX_U128 (SPEC §5.1). */
function feeFits(r: Run, k: i32, fee: usize): bool {
  if (k < 0) return true;
  return !add128(F, pendingPtr(r, k), fee);
}

/**
 * Fee settlement (SPEC §5.1), the batch's last step: for each pair in list order with something
 * owed, the owed amount is credited to its slot when that slot exists now, holds the pair's token,
 * is not pool-owned and has room; otherwise it is burned. Only these slots are read, so a
 * settlement step's witness is the listed slots with owed > 0 that exist. `credited` gets one
 * byte per pair: 1 credited, 0 burned or nothing owed.
 */
function settleFees(r: Run, credited: usize): void {
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

/** The nonce check; when it passes, slot `i`'s nonce is consumed whatever the entry does next. */
@inline function nonceOk(r: Run, i: u32, nonce: u64): bool {
  const current = load<u64>(sp(r, i), S_NONCE);
  if (nonce != current || current == 0xffffffffffffffff) return false;
  r.nonceSlot = i;
  return true;
}

@inline function bumpNonce(r: Run, i: u32): void {
  const p = sp(r, i);
  store<u64>(p, load<u64>(p, S_NONCE) + 1, S_NONCE);
}

/** No key signs for a reserved (pool) owner, so a pool slot never authorizes anything (SPEC §4.1). */
@inline function signerIs(tx: usize, owner: usize): bool {
  return load<u8>(tx + TX_SIGNER_OK) != 0 && !isReserved(owner) && sameOwner(tx + TX_SIGNER, owner);
}

@inline function debit(r: Run, i: u32, amount: usize): void {
  sub128(bal(r, i), bal(r, i), amount);
}

@inline function credit(r: Run, i: u32, amount: usize): void {
  add128(bal(r, i), bal(r, i), amount);
}

function setPoolOwner(pool: u32): void {
  memory.fill(POOL_OWNER, 0, 16);
  store<u32>(POOL_OWNER, bswap<u32>(pool), 16);
}

function appendWithdrawal(r: Run, owner: usize, token: u32, amount: usize): void {
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

// ---- L1 messages (SPEC §6.1) ----

function applyL1(r: Run, m: usize): u8 {
  const owner = m + L1_OWNER;
  const token = load<u32>(m + L1_TOKEN);
  const amount = m + L1_AMOUNT;
  const slot = load<u32>(m + L1_SLOT);
  if (load<u8>(m + L1_KIND) == L1Kind.DEPOSIT) {
    // room first: a deposit may create a slot (see the note at the top on slot pointers)
    const room = reserveSlots(r.s, 1);
    const named = load<u8>(m + L1_HAS_SLOT) != 0;
    if (named) touch(r, slot);
    let reason = Reason.OK;
    if (isLp(token)) reason = Reason.INVALID_TOKEN;
    else if (isReserved(owner)) reason = Reason.RESERVED_OWNER;
    if (reason == Reason.OK) {
      if (named && exists(r, slot) && sameOwner(ownerOf(r, slot), owner) && tokenOf(r, slot) == token && fits(r, slot, amount)) {
        credit(r, slot, amount);
        mark(r, slot);
        return Reason.OK;
      }
      if (!room) reason = Reason.CAPACITY;
    }
    if (reason != Reason.OK) {
      appendWithdrawal(r, owner, token, amount); // the refund makes a failed deposit lose nothing
      return reason;
    }
    touch(r, appendSlot(r.s, owner, token, lo(amount), hi(amount), 0));
    return Reason.OK;
  }
  // forced exit: a pool's reserves leave only through the AMM (SPEC §4.2)
  touch(r, slot);
  if (isReserved(owner)) return Reason.RESERVED_OWNER;
  if (!exists(r, slot)) return Reason.UNKNOWN_SLOT;
  if (!sameOwner(ownerOf(r, slot), owner)) return Reason.OWNER_MISMATCH;
  if (isLp(tokenOf(r, slot))) return Reason.INVALID_TOKEN;
  copy128(A, bal(r, slot));
  set128(bal(r, slot), 0, 0);
  mark(r, slot);
  appendWithdrawal(r, ownerOf(r, slot), tokenOf(r, slot), A);
  return Reason.OK;
}

// ---- L2 transactions (SPEC §6.2–6.5) ----

function applyTransfer(r: Run, tx: usize): u8 {
  const from = load<u32>(tx + TX_F0), to = load<u32>(tx + TX_F1);
  const amount = tx + TX_X, fee = tx + TX_Y;
  touch(r, from);
  touch(r, to);
  if (!exists(r, from) || !exists(r, to)) return Reason.UNKNOWN_SLOT;
  if (!signerIs(tx, ownerOf(r, from))) return Reason.BAD_SIGNATURE;
  if (!nonceOk(r, from, load<u64>(tx + TX_NONCE))) return Reason.BAD_NONCE;
  const token = tokenOf(r, from);
  if (tokenOf(r, to) != token) return Reason.TOKEN_MISMATCH;
  if (isReserved(ownerOf(r, to))) return Reason.RESERVED_OWNER;
  const k = feeIndexOfToken(r, token);
  if (k < 0 && !isZero128(fee)) return Reason.NO_FEE_SLOT;
  if (add128(A, amount, fee) || lt128(bal(r, from), A)) return Reason.INSUFFICIENT_BALANCE;
  if (to != from && !fits(r, to, amount)) return Reason.OVERFLOW;
  if (!feeFits(r, k, fee)) return Reason.OVERFLOW;
  debit(r, from, A);
  credit(r, to, amount);
  if (k >= 0) add128(pendingPtr(r, k), pendingPtr(r, k), fee);
  mark(r, from);
  mark(r, to);
  return Reason.OK;
}

function applyTransferToNew(r: Run, tx: usize): u8 {
  const from = load<u32>(tx + TX_F0);
  const amount = tx + TX_X, fee = tx + TX_Y, toOwner = tx + TX_TO_OWNER;
  const room = reserveSlots(r.s, 1); // before any slot pointer (see the note at the top)
  touch(r, from);
  if (!exists(r, from)) return Reason.UNKNOWN_SLOT;
  if (!signerIs(tx, ownerOf(r, from))) return Reason.BAD_SIGNATURE;
  if (!nonceOk(r, from, load<u64>(tx + TX_NONCE))) return Reason.BAD_NONCE;
  if (isReserved(toOwner)) return Reason.RESERVED_OWNER;
  const token = tokenOf(r, from);
  const k = feeIndexOfToken(r, token);
  if (k < 0 && !isZero128(fee)) return Reason.NO_FEE_SLOT;
  if (add128(A, amount, fee) || lt128(bal(r, from), A)) return Reason.INSUFFICIENT_BALANCE;
  if (!feeFits(r, k, fee)) return Reason.OVERFLOW;
  if (!room) return Reason.CAPACITY;
  debit(r, from, A);
  if (k >= 0) add128(pendingPtr(r, k), pendingPtr(r, k), fee);
  mark(r, from);
  touch(r, appendSlot(r.s, toOwner, token, lo(amount), hi(amount), 0));
  return Reason.OK;
}

function applyWithdraw(r: Run, tx: usize): u8 {
  const from = load<u32>(tx + TX_F0);
  const amount = tx + TX_X, fee = tx + TX_Y;
  touch(r, from);
  if (!exists(r, from)) return Reason.UNKNOWN_SLOT;
  if (!signerIs(tx, ownerOf(r, from))) return Reason.BAD_SIGNATURE;
  if (!nonceOk(r, from, load<u64>(tx + TX_NONCE))) return Reason.BAD_NONCE;
  const token = tokenOf(r, from);
  if (isLp(token)) return Reason.INVALID_TOKEN;
  const k = feeIndexOfToken(r, token);
  if (k < 0 && !isZero128(fee)) return Reason.NO_FEE_SLOT;
  if (add128(A, amount, fee) || lt128(bal(r, from), A)) return Reason.INSUFFICIENT_BALANCE;
  if (!feeFits(r, k, fee)) return Reason.OVERFLOW;
  debit(r, from, A);
  if (k >= 0) add128(pendingPtr(r, k), pendingPtr(r, k), fee);
  mark(r, from);
  appendWithdrawal(r, ownerOf(r, from), token, amount);
  return Reason.OK;
}

function applyCreatePool(r: Run, tx: usize): u8 {
  const fa = load<u32>(tx + TX_F0), fb = load<u32>(tx + TX_F1);
  const amountA = tx + TX_X, amountB = tx + TX_Y;
  const feeBps = <u32>load<u16>(tx + TX_FEE_BPS);
  const room = reserveSlots(r.s, 4); // before any slot pointer (see the note at the top)
  touch(r, fa);
  touch(r, fb);
  if (!exists(r, fa) || !exists(r, fb)) return Reason.UNKNOWN_SLOT;
  if (!signerIs(tx, ownerOf(r, fa))) return Reason.BAD_SIGNATURE;
  if (!sameOwner(ownerOf(r, fb), ownerOf(r, fa))) return Reason.OWNER_MISMATCH;
  if (!nonceOk(r, fa, load<u64>(tx + TX_NONCE))) return Reason.BAD_NONCE;
  const ta = tokenOf(r, fa), tb = tokenOf(r, fb);
  if (isLp(ta) || isLp(tb)) return Reason.INVALID_TOKEN;
  if (ta == tb || feeBps > MAX_POOL_FEE_BPS || isZero128(amountA) || isZero128(amountB)) return Reason.INVALID_POOL_PARAMS;
  if (lt128(bal(r, fa), amountA) || lt128(bal(r, fb), amountB)) return Reason.INSUFFICIENT_BALANCE;
  if (lt128(MAX_RESERVE, amountA) || lt128(MAX_RESERVE, amountB)) return Reason.OVERFLOW;
  isqrtProduct(A, amountA, amountB);
  if (!lt128(MIN_LIQ, A)) return Reason.INSUFFICIENT_OUTPUT;
  if (!room) return Reason.CAPACITY;
  debit(r, fa, amountA);
  debit(r, fb, amountB);
  mark(r, fa);
  mark(r, fb);
  const n = r.s.slotCount;
  const lp = LP_TOKEN_FLAG | n;
  setPoolOwner(n);
  touch(r, appendSlot(r.s, POOL_OWNER, ta, lo(amountA), hi(amountA), <u64>feeBps));
  touch(r, appendSlot(r.s, POOL_OWNER, tb, lo(amountB), hi(amountB), 0));
  touch(r, appendSlot(r.s, POOL_OWNER, lp, lo(A), hi(A), 0));
  sub128(B, A, MIN_LIQ);
  touch(r, appendSlot(r.s, ownerOf(r, fa), lp, lo(B), hi(B), 0));
  copy128(r.receipt + R_OUT0, B);
  return Reason.OK;
}

/** NOT_A_POOL unless slot `pool` is owned by the pool address of `pool` (SPEC §6.5). */
@inline function isPool(r: Run, pool: u32): bool {
  setPoolOwner(pool);
  return sameOwner(ownerOf(r, pool), POOL_OWNER);
}

function applyAddLiquidity(r: Run, tx: usize): u8 {
  const pool = load<u32>(tx + TX_F0), fa = load<u32>(tx + TX_F1), fb = load<u32>(tx + TX_F2);
  const lpSlot = load<u32>(tx + TX_F3);
  const amountA = tx + TX_X, amountB = tx + TX_Y, minShares = tx + TX_Z;
  const newLp = lpSlot == NEW_SLOT;
  // before any slot pointer: rA, rB and supply below are held until the writes (see the top note)
  const room = !newLp || reserveSlots(r.s, 1);
  touch(r, fa);
  touch(r, fb);
  if (!newLp) touch(r, lpSlot);
  touchPool(r, pool);
  if (!exists(r, fa) || !exists(r, fb) || (!newLp && !exists(r, lpSlot)) || <u64>pool + 2 >= <u64>r.s.slotCount) {
    return Reason.UNKNOWN_SLOT;
  }
  if (!signerIs(tx, ownerOf(r, fa))) return Reason.BAD_SIGNATURE;
  if (!sameOwner(ownerOf(r, fb), ownerOf(r, fa)) || (!newLp && !sameOwner(ownerOf(r, lpSlot), ownerOf(r, fa)))) {
    return Reason.OWNER_MISMATCH;
  }
  if (!nonceOk(r, fa, load<u64>(tx + TX_NONCE))) return Reason.BAD_NONCE;
  if (!isPool(r, pool)) return Reason.NOT_A_POOL;
  const lpToken = LP_TOKEN_FLAG | pool;
  if (tokenOf(r, fa) != tokenOf(r, pool) || tokenOf(r, fb) != tokenOf(r, pool + 1) || (!newLp && tokenOf(r, lpSlot) != lpToken)) {
    return Reason.TOKEN_MISMATCH;
  }
  const rA = bal(r, pool), rB = bal(r, pool + 1), supply = bal(r, pool + 2);
  // amounts in the pool's ratio: all of amountA if amountB covers it, else all of amountB
  copy128(A, amountA);
  if (!mulDiv(B, amountA, rB, rA) || lt128(amountB, B)) {
    mulDiv(A, amountB, rA, rB); // ≤ amountA < 2^128 here
    copy128(B, amountB);
  }
  // shares = min(A·supply/rA, B·supply/rB)
  const okA = mulDiv(C, A, supply, rA);
  const okB = mulDiv(D, B, supply, rB);
  if (!okA || (okB && lt128(D, C))) copy128(C, D);
  const sharesFit = okA || okB;
  if (lt128(bal(r, fa), A) || lt128(bal(r, fb), B)) return Reason.INSUFFICIENT_BALANCE;
  if (!sharesFit || add128(E, rA, A) || lt128(MAX_RESERVE, E) || add128(E, rB, B) || lt128(MAX_RESERVE, E) ||
      add128(E, supply, C)) {
    return Reason.OVERFLOW;
  }
  if (!newLp && !fits(r, lpSlot, C)) return Reason.OVERFLOW;
  if (lt128(C, minShares)) return Reason.SLIPPAGE;
  if (isZero128(C)) return Reason.INSUFFICIENT_OUTPUT;
  if (!room) return Reason.CAPACITY;
  debit(r, fa, A);
  debit(r, fb, B);
  add128(rA, rA, A);
  add128(rB, rB, B);
  add128(supply, supply, C);
  mark(r, fa);
  mark(r, fb);
  markPool(r, pool);
  if (newLp) {
    touch(r, appendSlot(r.s, ownerOf(r, fa), lpToken, lo(C), hi(C), 0));
  } else {
    credit(r, lpSlot, C);
    mark(r, lpSlot);
  }
  copy128(r.receipt + R_OUT0, C);
  return Reason.OK;
}

function applyRemoveLiquidity(r: Run, tx: usize): u8 {
  const pool = load<u32>(tx + TX_F0), lpSlot = load<u32>(tx + TX_F1);
  const ta = load<u32>(tx + TX_F2), tb = load<u32>(tx + TX_F3);
  const shares = tx + TX_X, minA = tx + TX_Y, minB = tx + TX_Z;
  touch(r, lpSlot);
  touch(r, ta);
  touch(r, tb);
  touchPool(r, pool);
  if (!exists(r, lpSlot) || !exists(r, ta) || !exists(r, tb) || <u64>pool + 2 >= <u64>r.s.slotCount) return Reason.UNKNOWN_SLOT;
  if (!signerIs(tx, ownerOf(r, lpSlot))) return Reason.BAD_SIGNATURE;
  if (!sameOwner(ownerOf(r, ta), ownerOf(r, lpSlot)) || !sameOwner(ownerOf(r, tb), ownerOf(r, lpSlot))) return Reason.OWNER_MISMATCH;
  if (!nonceOk(r, lpSlot, load<u64>(tx + TX_NONCE))) return Reason.BAD_NONCE;
  if (!isPool(r, pool)) return Reason.NOT_A_POOL;
  if (tokenOf(r, lpSlot) != (LP_TOKEN_FLAG | pool) || tokenOf(r, ta) != tokenOf(r, pool) || tokenOf(r, tb) != tokenOf(r, pool + 1)) {
    return Reason.TOKEN_MISMATCH;
  }
  if (lt128(bal(r, lpSlot), shares)) return Reason.INSUFFICIENT_BALANCE;
  const rA = bal(r, pool), rB = bal(r, pool + 1), supply = bal(r, pool + 2);
  // shares ≤ supply, so both quotients are at most the reserves and always fit
  mulDiv(A, shares, rA, supply);
  mulDiv(B, shares, rB, supply);
  if (!fits(r, ta, A) || !fits(r, tb, B)) return Reason.OVERFLOW;
  if (lt128(A, minA) || lt128(B, minB)) return Reason.SLIPPAGE;
  debit(r, lpSlot, shares);
  sub128(supply, supply, shares);
  sub128(rA, rA, A);
  sub128(rB, rB, B);
  credit(r, ta, A);
  credit(r, tb, B);
  mark(r, lpSlot);
  mark(r, ta);
  mark(r, tb);
  markPool(r, pool);
  copy128(r.receipt + R_OUT0, A);
  copy128(r.receipt + R_OUT1, B);
  return Reason.OK;
}

function applySwap(r: Run, tx: usize): u8 {
  const pool = load<u32>(tx + TX_F0), from = load<u32>(tx + TX_F1), to = load<u32>(tx + TX_F2);
  const amountIn = tx + TX_X, minOut = tx + TX_Y;
  touch(r, from);
  touch(r, to);
  touchPool(r, pool);
  if (!exists(r, from) || !exists(r, to) || <u64>pool + 2 >= <u64>r.s.slotCount) return Reason.UNKNOWN_SLOT;
  if (!signerIs(tx, ownerOf(r, from))) return Reason.BAD_SIGNATURE;
  if (!sameOwner(ownerOf(r, to), ownerOf(r, from))) return Reason.OWNER_MISMATCH;
  if (!nonceOk(r, from, load<u64>(tx + TX_NONCE))) return Reason.BAD_NONCE;
  if (!isPool(r, pool)) return Reason.NOT_A_POOL;
  const tokenA = tokenOf(r, pool), tokenB = tokenOf(r, pool + 1);
  const aToB = tokenOf(r, from) == tokenA;
  if ((!aToB && tokenOf(r, from) != tokenB) || tokenOf(r, to) != (aToB ? tokenB : tokenA)) return Reason.TOKEN_MISMATCH;
  if (lt128(bal(r, from), amountIn)) return Reason.INSUFFICIENT_BALANCE;
  const inSlot = aToB ? pool : pool + 1, outSlot = aToB ? pool + 1 : pool;
  const rIn = bal(r, inSlot), rOut = bal(r, outSlot);
  if (add128(E, rIn, amountIn) || lt128(MAX_RESERVE, E)) return Reason.OVERFLOW;
  // out = floor(in·(10000−fee)·rOut / (rIn·10000 + in·(10000−fee))); every term < 2^128 (SPEC §6.5)
  const feeBps = <u32>load<u64>(sp(r, pool), S_NONCE);
  mulSmall128(A, amountIn, BPS_DENOMINATOR - feeBps);
  mulSmall128(B, rIn, BPS_DENOMINATOR);
  add128(B, B, A);
  mulDiv(C, A, rOut, B);
  if (lt128(C, minOut)) return Reason.SLIPPAGE;
  if (isZero128(C)) return Reason.INSUFFICIENT_OUTPUT;
  if (!fits(r, to, C)) return Reason.OVERFLOW;
  debit(r, from, amountIn);
  add128(rIn, rIn, amountIn);
  sub128(rOut, rOut, C);
  credit(r, to, C);
  mark(r, from);
  mark(r, to);
  mark(r, pool);
  mark(r, pool + 1);
  copy128(r.receipt + R_OUT0, C);
  return Reason.OK;
}

function dispatchTx(r: Run, tx: usize): u8 {
  switch (load<u8>(tx + TX_TYPE)) {
    case TxType.TRANSFER: return applyTransfer(r, tx);
    case TxType.TRANSFER_TO_NEW: return applyTransferToNew(r, tx);
    case TxType.WITHDRAW: return applyWithdraw(r, tx);
    case TxType.CREATE_POOL: return applyCreatePool(r, tx);
    case TxType.ADD_LIQUIDITY: return applyAddLiquidity(r, tx);
    case TxType.REMOVE_LIQUIDITY: return applyRemoveLiquidity(r, tx);
    case TxType.SWAP: return applySwap(r, tx);
    default: return Reason.INVALID_TOKEN; // unreachable: src/engine/flat.ts writes only the table's types
  }
}

/**
 * Runs one transaction. Once its nonce check passed, the authorizing slot's nonce is consumed
 * whether the transaction then succeeds or fails (SPEC §6): a failure after that point changes
 * that nonce and nothing else, so the same signed bytes can never succeed in a later batch.
 */
function applyTx(r: Run, tx: usize): u8 {
  r.nonceSlot = NO_SLOT;
  const status = dispatchTx(r, tx);
  const i = r.nonceSlot;
  if (i != NO_SLOT) {
    bumpNonce(r, i);
    if (status != Reason.OK) mark(r, i); // a success already marked its authorizing slot
  }
  return status;
}

// ---- the batch ----

/** stateRoot = keccak256(treeRoot ‖ u32be slotCount) (SPEC §4.3). */
export function stateRoot(s: State, treeRoot: usize, out: usize): void {
  copyHash(STATE_INPUT, treeRoot);
  store<u32>(STATE_INPUT, bswap<u32>(s.slotCount), 32);
  keccak256(STATE_INPUT, 36, out);
}

/** Bytes of output the batch needs (the caller reserves them before the call). */
export function outputBytes(feeCount: u32, entries: u32, trace: bool): usize {
  const base = <usize>entries * (RECEIPT_BYTES + WITHDRAWAL_RECORD_BYTES) + TRAILER_BYTES + (<usize>feeCount << 4) + FEE_CREDITED_BYTES;
  // a trace holds entries + 2 step commitments: before the first entry, after each, after settlement
  return trace ? base + ((<usize>entries + 2) << 5) : base;
}

const STEP_INPUT: usize = memory.data(100, 8);
/** Bytes of one fee pair in the context hash: u32 token ‖ u32 slot ‖ u128 owed. */
const FEE_ENTRY_BYTES: usize = 24;
const CONTEXT_INPUT: usize = memory.data(32 + 4 + <i32>MAX_FEE_PAIRS * <i32>FEE_ENTRY_BYTES, 8);

/**
 * The commitment to the state between two steps (SPEC §11.1):
 * keccak256(stateRoot ‖ withdrawalsRoot ‖ u32 withdrawalCount ‖ contextHash), where contextHash =
 * keccak256(domainSeparator ‖ u32 baseSlotCount ‖ per fee pair: u32 token ‖ u32 slot ‖ u128 owed),
 * big-endian. It binds the domain the signatures are checked under and whom the fees are owed
 * to, so a step proof cannot choose them.
 */
function stepCommitment(r: Run, out: usize): void {
  flushDirtySlots(r.s);
  stateRoot(r.s, commit(r.s.tree), STEP_INPUT);
  copyHash(STEP_INPUT + 32, commit(r.wtree));
  store<u32>(STEP_INPUT + 64, bswap<u32>(r.withdrawalCount));
  copyHash(CONTEXT_INPUT, r.domainSeparator);
  store<u32>(CONTEXT_INPUT + 32, bswap<u32>(r.baseSlotCount));
  for (let k: u32 = 0; k < r.feeCount; k++) {
    const p = pendingPtr(r, <i32>k);
    const e = CONTEXT_INPUT + 36 + <usize>k * FEE_ENTRY_BYTES;
    store<u32>(e, bswap<u32>(pairToken(r, k)));
    store<u32>(e, bswap<u32>(pairSlot(r, k)), 4);
    store<u64>(e, bswap<u64>(hi(p)), 8);
    store<u64>(e, bswap<u64>(lo(p)), 16);
  }
  keccak256(CONTEXT_INPUT, 36 + <usize>r.feeCount * FEE_ENTRY_BYTES, STEP_INPUT + 68);
  keccak256(STEP_INPUT, 100, out);
}

/**
 * Applies one batch from `input` and writes receipts and the trailer to `out`. Returns 0, or
 * ERR_BAD_FEE_SLOTS (more than MAX_FEE_PAIRS listed) with the state untouched. Trailer at out + entries·64:
 *   preStateRoot 32 | stateRoot 32 | treeRoot 32 | withdrawalsRoot 32 | u32 slotCount |
 *   u32 withdrawalCount | 8 pad |
 *   feeCount × u128 owed | 16 × u8 credited (1) or burned / nothing owed (0) |
 *   withdrawalCount × 48-byte records (owner 20 | token u32 | amount u128)
 */
export function applyBatch(s: State, input: usize, out: usize): i32 {
  const feeCount = load<u32>(input, BATCH_FEE_PAIR_COUNT), l1Count = load<u32>(input, BATCH_L1_COUNT);
  const txCount = load<u32>(input, BATCH_TX_COUNT);
  const flags = load<u32>(input, BATCH_FLAGS);
  const tracing = (flags & BATCH_FLAG_TRACE) != 0;
  // a prefix of a batch (replaying up to a disputed step): its fees stay owed, not settled
  const settle = (flags & BATCH_FLAG_NO_SETTLE) == 0;
  const feePairs = input + BATCH_HEADER_BYTES;
  if (feeCount > MAX_FEE_PAIRS) return ERR_BAD_FEE_SLOTS;
  const l1Records = feePairs + <usize>feeCount * FEE_PAIR_BYTES;
  const txRecords = l1Records + <usize>l1Count * L1_RECORD_BYTES;
  const entries = l1Count + txCount;
  const trailer = out + <usize>entries * RECEIPT_BYTES;

  // the pre-state root, so that a batch costs exactly one call into the core
  flushDirtySlots(s);
  stateRoot(s, commit(s.tree), trailer);

  const r = changetype<Run>(RUN);
  r.s = s;
  r.feePairs = feePairs;
  r.feeCount = feeCount;
  r.pending = PENDING;
  memory.fill(PENDING, 0, <usize>feeCount << 4);
  const credited = trailer + TRAILER_BYTES + (<usize>feeCount << 4);
  memory.fill(credited, 0, FEE_CREDITED_BYTES);
  r.withdrawals = credited + FEE_CREDITED_BYTES;
  r.withdrawalCount = 0;
  r.withdrawalBase = 0;
  r.wtree = treeNew(2, 16);
  // room for every withdrawal the batch can make (an L1 message refunds or exits at most once, a
  // withdraw transaction once), taken before the first entry: running out of memory is then a
  // refusal with the state untouched, never a trap halfway through the batch
  let maxWithdrawals: u32 = l1Count;
  for (let i: u32 = 0; i < txCount; i++) if (load<u8>(txRecords + <usize>i * TX_RECORD_BYTES + TX_TYPE) == TxType.WITHDRAW) maxWithdrawals++;
  if (maxWithdrawals > 0 && (ensureLeafStored(r.wtree, maxWithdrawals - 1) != 0 || !u32ListReserve(r.wtree.dirty, maxWithdrawals))) {
    treeFree(r.wtree);
    return ERR_NO_MEMORY;
  }
  r.baseSlotCount = s.slotCount;
  r.domainSeparator = input + BATCH_DOMAIN_SEPARATOR;

  memory.fill(out, 0, <usize>entries * RECEIPT_BYTES);
  // the trace (only when asked: every step commitment re-hashes the changed paths)
  const trace = r.withdrawals + <usize>entries * WITHDRAWAL_RECORD_BYTES;
  if (tracing) stepCommitment(r, trace);
  for (let i: u32 = 0; i < entries; i++) {
    r.receipt = out + <usize>i * RECEIPT_BYTES;
    const status = i < l1Count
      ? applyL1(r, l1Records + <usize>i * L1_RECORD_BYTES)
      : applyTx(r, txRecords + <usize>(i - l1Count) * TX_RECORD_BYTES);
    store<u8>(r.receipt + R_STATUS, status);
    if (status != Reason.OK && i >= l1Count) {
      // only a refunded deposit reports outputs on failure
      memory.fill(r.receipt + R_OUT0, 0, 32);
    }
    if (tracing) stepCommitment(r, trace + ((<usize>i + 1) << 5));
  }
  // settlement: owed fees reach their slots after the last entry, or are burned (SPEC §5.1)
  if (settle) settleFees(r, credited);
  for (let k: u32 = 0; k < feeCount; k++) copy128(trailer + TRAILER_BYTES + (<usize>k << 4), pendingPtr(r, <i32>k));
  if (tracing && settle) stepCommitment(r, trace + ((<usize>entries + 1) << 5));
  flushDirtySlots(s);
  const treeRoot = commit(s.tree);
  stateRoot(s, treeRoot, trailer + T_STATE_ROOT);
  copyHash(trailer + T_TREE_ROOT, treeRoot);
  copyHash(trailer + T_WITHDRAWALS_ROOT, commit(r.wtree));
  store<u32>(trailer + T_SLOT_COUNT, s.slotCount);
  store<u32>(trailer + T_WITHDRAWAL_COUNT, r.withdrawalCount);
  treeFree(r.wtree);
  return 0;
}

// ---- stateless step check (SPEC §11.5) ----

const VERIFY_STATE: usize = memory.data(64, 8);

/**
 * Re-executes one step against a witness instead of the state, with the very same entry code as
 * applyBatch. Input (little-endian), built by src/proof.ts:
 *   u32 kind (0 L1 message, 1 transaction, 2 fee settlement) | u32 slotCount | u32 feeCount |
 *   u32 withdrawalCount | u32 baseSlotCount | u32 0 | feeCount × (u32 token | u32 slot) |
 *   feeCount × u128 owed fees |
 *   entry (64-byte L1 record or 128-byte tx record; none for settlement) |
 *   witness: u32 count | u32 0 | count × (u32 index | 4 pad | 64-byte slot record)
 * The owed fees and the witness records are updated in place. Output (64-byte receipt, then
 * u32 slotCount after | u32 missing | u32 withdrew | 4 pad | 48-byte withdrawal record | 16 × u8
 * credited, for settlement).
 */
export function verifyStep(input: usize, out: usize): void {
  const kind = load<u32>(input, V_KIND), slotCount = load<u32>(input, V_SLOT_COUNT), feeCount = load<u32>(input, V_FEE_COUNT);
  const feePairs = input + VERIFY_HEADER_BYTES;
  const owed = feePairs + <usize>feeCount * FEE_PAIR_BYTES;
  const entry = owed + (<usize>feeCount << 4);
  const witness = entry + (kind == StepKind.L1 ? L1_RECORD_BYTES : kind == StepKind.TX ? TX_RECORD_BYTES : 0);

  const s = changetype<State>(VERIFY_STATE);
  s.slotCount = slotCount;
  s.sparse = witness;
  s.missing = 0;
  if (changetype<usize>(s.dirty) == 0) s.dirty = u32ListNew(64);
  s.dirty.count = 0;

  const r = changetype<Run>(RUN);
  r.s = s;
  r.feePairs = feePairs;
  r.feeCount = feeCount;
  r.pending = owed;
  r.receipt = out;
  r.withdrawals = out + VO_WITHDRAWAL;
  r.withdrawalBase = load<u32>(input, V_WITHDRAWAL_COUNT);
  r.withdrawalCount = r.withdrawalBase;
  r.wtree = changetype<Tree>(0);
  r.baseSlotCount = load<u32>(input, V_BASE_SLOT_COUNT);
  memory.fill(out, 0, VERIFY_OUTPUT_BYTES);
  if (kind == StepKind.SETTLE) {
    // the same rule as applyBatch; a slot it reads that the witness lacks sets the missing flag
    settleFees(r, out + VO_CREDITED);
  } else {
    const status = kind == StepKind.L1 ? applyL1(r, entry) : applyTx(r, entry);
    store<u8>(out + R_STATUS, status);
    if (status != Reason.OK && kind == StepKind.TX) memory.fill(out + R_OUT0, 0, 32);
  }
  store<u32>(out + VO_SLOT_COUNT, s.slotCount);
  store<u32>(out + VO_MISSING, s.missing);
  store<u32>(out + VO_WITHDREW, r.withdrawalCount - r.withdrawalBase);
}

export { HASH_BYTES, hashEquals, SLOT_BYTES, S_BALANCE, S_NONCE, S_TOKEN, S_OWNER, ensureLeafStored, Tree };
