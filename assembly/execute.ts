// Phase 2 of an entry, execute: the rule of each L1 message kind and transaction type (SPEC §6.1–
// §6.5), its checks in SPEC order (helpers in validate.ts) followed by its writes, the only ones an
// entry makes to slots. Returns the entry's reason (SPEC §7); applyTx then consumes the nonce.

import { S_NONCE, reserveSlots, appendSlot } from "./slots";
import { lo, hi, set128, copy128, isZero128, lt128, add128, sub128, mulSmall128, mulDiv, isqrtProduct } from "./u128";
import {
  Reason, TxType, L1Kind, NEW_SLOT, NO_SLOT, LP_TOKEN_FLAG, MAX_POOL_FEE_BPS, BPS_DENOMINATOR, L1_KIND, L1_HAS_SLOT,
  L1_SLOT, L1_TOKEN, L1_OWNER, L1_AMOUNT, TX_TYPE, TX_FEE_BPS, TX_F0, TX_F1, TX_F2, TX_F3, TX_NONCE, TX_X, TX_Y, TX_Z,
  TX_TO_OWNER, R_OUT0, R_OUT1,
} from "./generated/constants";
import {
  Run, A, B, C, D, E, MAX_RESERVE, MIN_LIQ, POOL_OWNER, exists, sp, bal, tokenOf, ownerOf, sameOwner, isReserved, isLp,
  mark, markPool, debit, credit, setPoolOwner, pendingPtr,
} from "./run";
import { signerIs, nonceOk, isPool, feeIndexOfToken, fits, feeFits } from "./validate";
import { touch, touchPool, bumpNonce, appendWithdrawal } from "./settle";

// ---- L1 messages (SPEC §6.1) ----

export function applyL1(r: Run, m: usize): u8 {
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
export function applyTx(r: Run, tx: usize): u8 {
  r.nonceSlot = NO_SLOT;
  const status = dispatchTx(r, tx);
  const i = r.nonceSlot;
  if (i != NO_SLOT) {
    bumpNonce(r, i);
    if (status != Reason.OK) mark(r, i); // a success already marked its authorizing slot
  }
  return status;
}
