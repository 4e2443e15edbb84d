// Phase 1 of an entry, validate: the checks the entry rules share — the signer, the nonce (which,
// once passed, is consumed whatever follows: SPEC §6), the pool, the fee pair and the headroom of a
// credit or an owed fee. They read and never write (nonceOk only records which slot passed). The
// per-type rules in execute.ts call them in the order SPEC §6 gives, so a failed entry returns its
// reason before anything is written.

import { S_NONCE } from "./slots";
import { add128 } from "./u128";
import { TX_SIGNER_OK, TX_SIGNER } from "./generated/constants";
import {
  Run, F, MAX_U128, POOL_OWNER, sp, bal, ownerOf, sameOwner, isReserved, setPoolOwner, pairToken, pendingPtr,
} from "./run";

/** No key signs for a reserved (pool) owner, so a pool slot never authorizes anything (SPEC §4.1). */
@inline export function signerIs(tx: usize, owner: usize): bool {
  return load<u8>(tx + TX_SIGNER_OK) != 0 && !isReserved(owner) && sameOwner(tx + TX_SIGNER, owner);
}

/** The nonce check; when it passes, slot `i`'s nonce is consumed whatever the entry does next. */
@inline export function nonceOk(r: Run, i: u32, nonce: u64): bool {
  const current = load<u64>(sp(r, i), S_NONCE);
  if (nonce != current || current == 0xffffffffffffffff) return false;
  r.nonceSlot = i;
  return true;
}

/** NOT_A_POOL unless slot `pool` is owned by the pool address of `pool` (SPEC §6.5). */
@inline export function isPool(r: Run, pool: u32): bool {
  setPoolOwner(pool);
  return sameOwner(ownerOf(r, pool), POOL_OWNER);
}

/**
 * Position of the fee pair for `token`, or -1: decided from the batch's list alone, so a
 * transaction step never reads a fee slot (SPEC §5.1).
 */
export function feeIndexOfToken(r: Run, token: u32): i32 {
  for (let k: u32 = 0; k < r.feeCount; k++) {
    if (pairToken(r, k) == token) return <i32>k;
  }
  return -1;
}

/** slot.balance + amount ≤ MAX_U128: owed fees are not counted, settlement burns what does not fit. */
@inline export function fits(r: Run, i: u32, amount: usize): bool {
  return !add128(F, bal(r, i), amount);
}

/** The fee fits what pair k is owed: owed + fee ≤ MAX_U128 (SPEC §5.1). */
export function feeFits(r: Run, k: i32, fee: usize): bool {
  if (k < 0) return true;
  return !add128(F, pendingPtr(r, k), fee);
}
