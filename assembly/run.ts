// The state one batch runs in, shared by the three phases of an entry (validate.ts, execute.ts,
// settle.ts): the Run record, the static u128 registers the entry rules compute in, and the
// accessors of the run's slots and fee pairs. Static scratch only: nothing here allocates.
//
// Slot pointers (sp, bal, ownerOf) die at reserveSlots, which may move the slot array: see the
// note at the top of engine.ts.

import { Tree } from "./tree";
import { State, S_BALANCE, S_TOKEN, S_OWNER, slotPtr, markDirty } from "./slots";
import { add128, sub128 } from "./u128";
import {
  MAX_FEE_PAIRS, NO_SLOT, LP_TOKEN_FLAG, MINIMUM_LIQUIDITY, MAX_RESERVE_LO, MAX_RESERVE_HI, FEE_PAIR_SLOT,
} from "./generated/constants";

// ---- static registers (u128 values) ----
export const MAX_U128: usize = memory.data<u64>([0xffffffffffffffff, 0xffffffffffffffff]);
export const MAX_RESERVE: usize = memory.data<u64>([MAX_RESERVE_LO, MAX_RESERVE_HI]);
export const MIN_LIQ: usize = memory.data<u64>([MINIMUM_LIQUIDITY, 0]);
export const A: usize = memory.data(16, 8);
export const B: usize = memory.data(16, 8);
export const C: usize = memory.data(16, 8);
export const D: usize = memory.data(16, 8);
export const E: usize = memory.data(16, 8);
export const F: usize = memory.data(16, 8);
export const POOL_OWNER: usize = memory.data(20, 8);

/** Everything one batch needs besides the state; lives for one engineApplyBatch call. */
@unmanaged
export class Run {
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

export const PENDING: usize = memory.data(<i32>MAX_FEE_PAIRS << 4, 8); // MAX_FEE_PAIRS × u128
export const RUN: usize = memory.data(64, 8);

// ---- slots of the run's state ----

@inline export function exists(r: Run, i: u32): bool {
  return i < r.s.slotCount;
}

@inline export function sp(r: Run, i: u32): usize {
  return slotPtr(r.s, i);
}

@inline export function bal(r: Run, i: u32): usize {
  return sp(r, i) + S_BALANCE;
}

@inline export function tokenOf(r: Run, i: u32): u32 {
  return load<u32>(sp(r, i), S_TOKEN);
}

@inline export function ownerOf(r: Run, i: u32): usize {
  return sp(r, i) + S_OWNER;
}

@inline export function sameOwner(a: usize, b: usize): bool {
  return load<u64>(a) == load<u64>(b) && load<u64>(a, 8) == load<u64>(b, 8) && load<u32>(a, 16) == load<u32>(b, 16);
}

/** Owners whose first 16 bytes are zero are reserved for pools. */
@inline export function isReserved(owner: usize): bool {
  return (load<u64>(owner) | load<u64>(owner, 8)) == 0;
}

@inline export function isLp(token: u32): bool {
  return (token & LP_TOKEN_FLAG) != 0;
}

@inline export function mark(r: Run, i: u32): void {
  markDirty(r.s, i);
}

/** Marks a pool's reserve slots and its share-supply slot. */
export function markPool(r: Run, pool: u32): void {
  mark(r, pool);
  mark(r, pool + 1);
  mark(r, pool + 2);
}

@inline export function debit(r: Run, i: u32, amount: usize): void {
  sub128(bal(r, i), bal(r, i), amount);
}

@inline export function credit(r: Run, i: u32, amount: usize): void {
  add128(bal(r, i), bal(r, i), amount);
}

export function setPoolOwner(pool: u32): void {
  memory.fill(POOL_OWNER, 0, 16);
  store<u32>(POOL_OWNER, bswap<u32>(pool), 16);
}

// ---- the batch's fee pairs and what they are owed ----

@inline export function pairToken(r: Run, k: u32): u32 {
  return load<u32>(r.feePairs + (<usize>k << 3));
}

@inline export function pairSlot(r: Run, k: u32): u32 {
  return load<u32>(r.feePairs + (<usize>k << 3), FEE_PAIR_SLOT);
}

@inline export function pendingPtr(r: Run, k: i32): usize {
  return r.pending + (<usize>k << 4);
}
