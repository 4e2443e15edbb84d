// The execution loop: one call per batch. Each entry is validated first and executed only if every
// check passes (the validate / execute split of revm's handler: validate.ts, execute.ts, then
// settle.ts for what follows an entry; run.ts holds the state they share), so a failed entry
// leaves the state exactly as if it were absent and needs no journal. Check order and effects follow docs/SPEC.md §6
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
import { Tree, treeNew, treeFree, ensureLeafStored, commit } from "./tree";
import { u32ListNew, u32ListReserve } from "./buffers";
import { State, SLOT_BYTES, S_BALANCE, S_NONCE, S_TOKEN, S_OWNER, flushDirtySlots, checkSlot } from "./slots";
import { lo, hi, copy128 } from "./u128";
import { ERR_BAD_FEE_SLOTS, ERR_NO_MEMORY } from "./status";
import {
  Reason, TxType, StepKind, MAX_FEE_PAIRS, BATCH_HEADER_BYTES, BATCH_FEE_PAIR_COUNT, BATCH_L1_COUNT, BATCH_TX_COUNT,
  BATCH_FLAGS, BATCH_DOMAIN_SEPARATOR, BATCH_FLAG_TRACE, BATCH_FLAG_NO_SETTLE, FEE_PAIR_BYTES, L1_RECORD_BYTES,
  TX_RECORD_BYTES, TX_TYPE, RECEIPT_BYTES, R_STATUS, R_OUT0, TRAILER_BYTES, T_STATE_ROOT, T_TREE_ROOT, T_WITHDRAWALS_ROOT,
  T_SLOT_COUNT, T_WITHDRAWAL_COUNT, FEE_CREDITED_BYTES, WITHDRAWAL_RECORD_BYTES, VERIFY_HEADER_BYTES, V_KIND, V_SLOT_COUNT,
  V_FEE_COUNT, V_WITHDRAWAL_COUNT, V_BASE_SLOT_COUNT, VO_SLOT_COUNT, VO_MISSING, VO_WITHDREW, VO_WITHDRAWAL, VO_CREDITED,
  VERIFY_OUTPUT_BYTES, FEE_PAIR_SLOT, L1_KIND, L1_HAS_SLOT, L1_SLOT, TX_F0, L1Kind, NO_CORRUPT_SLOT,
} from "./generated/constants";
import { Run, PENDING, RUN, pairToken, pairSlot, pendingPtr } from "./run";
import { applyL1, applyTx } from "./execute";
import { settleFees } from "./settle";

const STATE_INPUT: usize = memory.data(36, 8);

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

/** Checks `i` if it exists (a slot the batch would create has nothing stored to check). */
@inline function firstTouchOk(s: State, i: u32): bool {
  return i >= s.slotCount || checkSlot(s, i);
}

/**
 * The first-touch check of a batch, before its first entry runs (D38): every existing slot the
 * batch may read — the fee pairs' slots, each L1 message's slot, each transaction's named slots
 * and a pool entry's three pool slots (the SPEC §6 "touched" set, read from the input) — that was
 * loaded with a trusted leaf and not yet checked is hashed and compared with its leaf. Returns the
 * first slot whose record does not match (the state is untouched: nothing ran yet), or
 * NO_CORRUPT_SLOT. Costs nothing when every slot is checked (no store, or verify: "full").
 */
export function firstTouch(s: State, input: usize): u32 {
  if (s.uncheckedSlots == 0) return NO_CORRUPT_SLOT;
  const pairCount = load<u32>(input, BATCH_FEE_PAIR_COUNT);
  const feeCount = min<u32>(pairCount, MAX_FEE_PAIRS), l1Count = load<u32>(input, BATCH_L1_COUNT);
  const txCount = load<u32>(input, BATCH_TX_COUNT);
  const feePairs = input + BATCH_HEADER_BYTES;
  for (let k: u32 = 0; k < feeCount; k++) {
    const slot = load<u32>(feePairs + <usize>k * FEE_PAIR_BYTES + FEE_PAIR_SLOT);
    if (!firstTouchOk(s, slot)) return slot;
  }
  const l1Records = feePairs + <usize>pairCount * FEE_PAIR_BYTES;
  for (let i: u32 = 0; i < l1Count; i++) {
    const m = l1Records + <usize>i * L1_RECORD_BYTES;
    // a deposit reads its slot only when it names one; a forced exit always does
    if (load<u8>(m + L1_KIND) != L1Kind.DEPOSIT || load<u8>(m + L1_HAS_SLOT) != 0) {
      const slot = load<u32>(m + L1_SLOT);
      if (!firstTouchOk(s, slot)) return slot;
    }
  }
  const txRecords = l1Records + <usize>l1Count * L1_RECORD_BYTES;
  for (let i: u32 = 0; i < txCount; i++) {
    const tx = txRecords + <usize>i * TX_RECORD_BYTES;
    const type = load<u8>(tx + TX_TYPE);
    // the slot fields F0.. each type names (assembly/execute.ts); pool entries name the pool first
    const named: u32 = type == TxType.TRANSFER_TO_NEW || type == TxType.WITHDRAW ? 1
      : type == TxType.TRANSFER || type == TxType.CREATE_POOL ? 2
      : type == TxType.SWAP ? 3 : 4;
    for (let f: u32 = 0; f < named; f++) {
      const slot = load<u32>(tx + TX_F0 + (<usize>f << 2));
      if (!firstTouchOk(s, slot)) return slot;
    }
    if (type >= TxType.ADD_LIQUIDITY) {
      const pool = load<u32>(tx + TX_F0);
      if (pool < 0xfffffffe) { // pool + 2 must not wrap past u32
        if (!firstTouchOk(s, pool + 1)) return pool + 1;
        if (!firstTouchOk(s, pool + 2)) return pool + 2;
      }
    }
  }
  return NO_CORRUPT_SLOT;
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
