// Generated from scripts/layout-table.mjs by `npm run build:constants`. Do not edit:
// change the table, regenerate, and commit both (test/constants.test.ts checks they agree).

// Compile-time constants: @inline, so each use is an immediate in the hot loop.


/** Transaction type codes (SPEC §6, §9.1). */
export namespace TxType {
  /** Transfer(from, to, amount, fee, nonce) */
  @inline export const TRANSFER: u8 = 0;
  /** TransferToNew(from, toOwner, amount, fee, nonce) */
  @inline export const TRANSFER_TO_NEW: u8 = 1;
  /** Withdraw(from, amount, fee, nonce) */
  @inline export const WITHDRAW: u8 = 2;
  /** CreatePool(fromA, fromB, amountA, amountB, feeBps, nonce) */
  @inline export const CREATE_POOL: u8 = 3;
  /** AddLiquidity(pool, fromA, fromB, lpSlot, amountA, amountB, minShares, nonce) */
  @inline export const ADD_LIQUIDITY: u8 = 4;
  /** RemoveLiquidity(pool, lpSlot, toA, toB, shares, minA, minB, nonce) */
  @inline export const REMOVE_LIQUIDITY: u8 = 5;
  /** Swap(pool, from, to, amountIn, minOut, nonce) */
  @inline export const SWAP: u8 = 6;
}

/** L1 message kinds (SPEC §6.1, §13.1). */
export namespace L1Kind {
  /** credits a named slot of the same owner and token, else creates one; refunded when it fails */
  @inline export const DEPOSIT: u8 = 0;
  /** withdraws a slot's whole balance to its owner */
  @inline export const FORCED_EXIT: u8 = 1;
}

/** Why an entry of a batch did nothing. Codes are part of the protocol (docs/SPEC.md §7). */
export namespace Reason {
  /** the entry applied */
  @inline export const OK: u8 = 0;
  /** a named slot does not exist */
  @inline export const UNKNOWN_SLOT: u8 = 1;
  /** the signature does not recover to the authorizing slot's owner */
  @inline export const BAD_SIGNATURE: u8 = 2;
  /** a slot the entry names is not the signer's */
  @inline export const OWNER_MISMATCH: u8 = 3;
  /** the nonce is not the authorizing slot's, or that nonce is 2^64 − 1 */
  @inline export const BAD_NONCE: u8 = 4;
  /** a slot holds another token than the entry needs */
  @inline export const TOKEN_MISMATCH: u8 = 5;
  /** an LP token where only an L1 token may go */
  @inline export const INVALID_TOKEN: u8 = 6;
  /** the pool slot is not owned by its pool address */
  @inline export const NOT_A_POOL: u8 = 7;
  /** createPool: equal tokens, fee above MAX_POOL_FEE_BPS or a zero amount */
  @inline export const INVALID_POOL_PARAMS: u8 = 8;
  /** a pool (reserved) owner where a user must be */
  @inline export const RESERVED_OWNER: u8 = 9;
  /** a non-zero fee in a token the batch lists no fee pair for */
  @inline export const NO_FEE_SLOT: u8 = 10;
  /** the balance does not cover amount and fee */
  @inline export const INSUFFICIENT_BALANCE: u8 = 11;
  /** a balance, owed fee or reserve would pass its maximum */
  @inline export const OVERFLOW: u8 = 12;
  /** the output is below the signed minimum */
  @inline export const SLIPPAGE: u8 = 13;
  /** the output rounds to zero (or to MINIMUM_LIQUIDITY or less at creation) */
  @inline export const INSUFFICIENT_OUTPUT: u8 = 14;
  /** the state already holds MAX_SLOTS slots */
  @inline export const CAPACITY: u8 = 15;
}

/** The kind of step the core's stateless step check re-executes. */
export namespace StepKind {
  /** an L1 message */
  @inline export const L1: u32 = 0;
  /** a transaction */
  @inline export const TX: u32 = 1;
  /** fee settlement, the batch's last step */
  @inline export const SETTLE: u32 = 2;
}

/** Transaction types 0 … TX_TYPE_COUNT − 1 exist. */
@inline export const TX_TYPE_COUNT: u32 = 7;

// ---- core status codes ----
/** done */
@inline export const OK: i32 = 0;
/** tree arity or depth not supported */
@inline export const ERR_BAD_SHAPE: i32 = -1;
/** leaf index ≥ arity^depth */
@inline export const ERR_INDEX_RANGE: i32 = -2;
/** leaf index beyond the in-memory capacity */
@inline export const ERR_CAPACITY: i32 = -3;
/** malformed proof bytes */
@inline export const ERR_PROOF_FORMAT: i32 = -4;
/** proof indices not strictly increasing */
@inline export const ERR_PROOF_ORDER: i32 = -5;
/** a proof must name at least one leaf */
@inline export const ERR_PROOF_EMPTY: i32 = -6;
/** explicit zero sibling or stray bitmap bits */
@inline export const ERR_PROOF_NONCANONICAL: i32 = -7;
/** a batch lists more than MAX_FEE_PAIRS fee pairs (state untouched) */
@inline export const ERR_BAD_FEE_SLOTS: i32 = -8;
/** the batch's withdrawal tree could not be reserved (state untouched) */
@inline export const ERR_NO_MEMORY: i32 = -9;
/** a slot loaded from a store has a record that does not hash to its stored leaf (first-touch check, D38) */
@inline export const ERR_CORRUPT_SLOT: i32 = -10;

// ---- limits ----
/** Most fee pairs one batch may list (SPEC §5.1). */
@inline export const MAX_FEE_PAIRS: u32 = 16;
/** Most slots one entry step can touch (a pool entry: the pool's 3 slots and up to 4 of the user's). */
@inline export const MAX_TOUCHED_SLOTS: u32 = 7;
/** Most witness slots a step proof may carry: settlement reads up to one per fee pair. */
@inline export const MAX_WITNESS_SLOTS: u32 = 16;
/** Most entries (L1 messages + transactions) one batch may hold; also bounds a batch's withdrawals. */
@inline export const MAX_BATCH_ENTRIES: u32 = 0x100000;
/** Slots the state may hold (docs/DECISIONS.md D2, D23). */
@inline export const MAX_SLOTS: u32 = 0x1000000;
/** Pool reserves and the amounts that reach them stay below 2^112 (as Uniswap v2's uint112). Low 64 bits. */
@inline export const MAX_RESERVE_LO: u64 = 0xffffffffffffffff;
/** Pool reserves and the amounts that reach them stay below 2^112 (as Uniswap v2's uint112). High 64 bits. */
@inline export const MAX_RESERVE_HI: u64 = 0xffffffffffff;
/** Shares locked forever in every pool at creation, so reserves never reach zero. */
@inline export const MINIMUM_LIQUIDITY: u64 = 1000;
/** Largest pool fee, in basis points (10%). */
@inline export const MAX_POOL_FEE_BPS: u32 = 1000;
/** Basis points in one: a swap's input counts in·(BPS_DENOMINATOR − feeBps) (SPEC §6.5). */
@inline export const BPS_DENOMINATOR: u32 = 10000;
/** Tokens with this bit set are LP shares of a pool; they exist only on L2. */
@inline export const LP_TOKEN_FLAG: u32 = 0x80000000;
/** `lpSlot` value in AddLiquidity asking for a new LP slot. */
@inline export const NEW_SLOT: u32 = 0xffffffff;
/** A slot field that names no slot (an L1 deposit without one; the core's 'no nonce checked yet'). */
@inline export const NO_SLOT: u32 = 0xffffffff;
/** Bytes of an inbox deposit message: 0x00 ‖ owner ‖ u32 token ‖ u128 amount ‖ u32 slot (SPEC §13.1). */
@inline export const DEPOSIT_MESSAGE_BYTES: u32 = 45;
/** Bytes of an inbox forced-exit message: 0x01 ‖ owner ‖ u32 slot (SPEC §13.1). */
@inline export const FORCED_EXIT_MESSAGE_BYTES: u32 = 25;
/** Largest input the bare DA codec accepts, for DA kept off L1 (SPEC §9.4). */
@inline export const MAX_DA_BYTES: u32 = 0x1000000;
/** Largest DA payload of a batch posted on L1 (SPEC §9.4, §13). */
@inline export const MAX_L1_DA_BYTES: u32 = 0x1d4c0;
/** Largest single region the core allocates: under TLSF's 2^30 − 4-byte block limit once rounded up to a size class (D23); the TS side refuses larger inputs before any call. */
@inline export const MAX_ALLOC_BYTES: usize = 0x3e000000;
/** What engineApplyBatch returns when a batch's bookkeeping does not fit in memory (state untouched); never an output address, those are 8-byte aligned. */
@inline export const APPLY_REFUSED: usize = 1;
/** What engineApplyBatch returns when a slot the batch would read fails its first-touch check (state untouched, D38); engineCorruptSlot names the slot. */
@inline export const APPLY_CORRUPT: usize = 2;
/** The core's firstTouch answer when no slot failed its first-touch check (D38). */
@inline export const NO_CORRUPT_SLOT: u32 = 0xffffffff;

// ---- sizes ----
/** Bytes between slot records in the core's memory: one cache line each. */
@inline export const SLOT_STRIDE_BYTES: usize = 64;
/** Settlement flags after the owed fees in the trailer: one byte per pair, room for MAX_FEE_PAIRS. */
@inline export const FEE_CREDITED_BYTES: usize = 16;
/** Batch header flag: write a step commitment after every step. */
@inline export const BATCH_FLAG_TRACE: u32 = 1;
/** Batch header flag: a prefix of a batch, whose fees stay owed (not settled). */
@inline export const BATCH_FLAG_NO_SETTLE: u32 = 2;

// ---- batch header: The flat batch input's header (src/engine/flat.ts writes it, assembly applyBatch reads it); fee pairs, L1 records and tx records follow. ----
@inline export const BATCH_HEADER_BYTES: usize = 48;
/** u32 number of fee pairs (4 bytes) */
@inline export const BATCH_FEE_PAIR_COUNT: usize = 0;
/** u32 number of L1 records (4 bytes) */
@inline export const BATCH_L1_COUNT: usize = 4;
/** u32 number of tx records (4 bytes) */
@inline export const BATCH_TX_COUNT: usize = 8;
/** u32 BATCH_FLAG_* bits (4 bytes) */
@inline export const BATCH_FLAGS: usize = 12;
/** the EIP-712 domain separator step commitments bind (SPEC §11.1) (32 bytes) */
@inline export const BATCH_DOMAIN_SEPARATOR: usize = 16;

// ---- fee pair: One fee pair in the batch input and the verify input: u32 token ‖ u32 slot. ----
@inline export const FEE_PAIR_BYTES: usize = 8;
/** u32 token (4 bytes) */
@inline export const FEE_PAIR_TOKEN: usize = 0;
/** u32 slot credited at settlement (4 bytes) */
@inline export const FEE_PAIR_SLOT: usize = 4;

// ---- L1 record: One L1 message in the batch input. ----
@inline export const L1_RECORD_BYTES: usize = 64;
/** u8 L1Kind (1 bytes) */
@inline export const L1_KIND: usize = 0;
/** u8 1 when a deposit names a slot (1 bytes) */
@inline export const L1_HAS_SLOT: usize = 1;
/** u32 slot (4 bytes) */
@inline export const L1_SLOT: usize = 4;
/** u32 token (deposit) (4 bytes) */
@inline export const L1_TOKEN: usize = 8;
/** 20-byte owner (20 bytes) */
@inline export const L1_OWNER: usize = 12;
/** u128 amount (deposit) (16 bytes) */
@inline export const L1_AMOUNT: usize = 32;

// ---- tx record: One transaction with its recovered signer in the batch input; F0–F3 are its slot fields and X–Z its amounts in SPEC §6 field order. ----
@inline export const TX_RECORD_BYTES: usize = 128;
/** u8 TxType (1 bytes) */
@inline export const TX_TYPE: usize = 0;
/** u8 1 when the signature recovered (1 bytes) */
@inline export const TX_SIGNER_OK: usize = 1;
/** u16 feeBps (createPool) (2 bytes) */
@inline export const TX_FEE_BPS: usize = 2;
/** u32 first slot field (4 bytes) */
@inline export const TX_F0: usize = 4;
/** u32 second slot field (4 bytes) */
@inline export const TX_F1: usize = 8;
/** u32 third slot field (4 bytes) */
@inline export const TX_F2: usize = 12;
/** u32 fourth slot field (4 bytes) */
@inline export const TX_F3: usize = 16;
/** u64 nonce (8 bytes) */
@inline export const TX_NONCE: usize = 24;
/** u128 first amount (16 bytes) */
@inline export const TX_X: usize = 32;
/** u128 second amount (16 bytes) */
@inline export const TX_Y: usize = 48;
/** u128 third amount (16 bytes) */
@inline export const TX_Z: usize = 64;
/** 20-byte toOwner (transferToNew) (20 bytes) */
@inline export const TX_TO_OWNER: usize = 80;
/** 20-byte recovered signer (20 bytes) */
@inline export const TX_SIGNER: usize = 100;

// ---- receipt: One entry's receipt in the core's output. ----
@inline export const RECEIPT_BYTES: usize = 64;
/** u8 Reason (1 bytes) */
@inline export const R_STATUS: usize = 0;
/** u8 touched slots (≤ MAX_TOUCHED_SLOTS) (1 bytes) */
@inline export const R_TOUCHED_COUNT: usize = 1;
/** u32 touched slot indices, first-touch order (28 bytes) */
@inline export const R_TOUCHED: usize = 4;
/** u128 first output (16 bytes) */
@inline export const R_OUT0: usize = 32;
/** u128 second output (16 bytes) */
@inline export const R_OUT1: usize = 48;

// ---- trailer: After the receipts: roots and counts; then feeCount × u128 owed, FEE_CREDITED_BYTES flags, the withdrawal records and (traced) the step commitments. ----
@inline export const TRAILER_BYTES: usize = 144;
/** state root before the batch (32 bytes) */
@inline export const T_PRE_STATE_ROOT: usize = 0;
/** state root after (32 bytes) */
@inline export const T_STATE_ROOT: usize = 32;
/** state tree root after (32 bytes) */
@inline export const T_TREE_ROOT: usize = 64;
/** the batch's withdrawal tree root (32 bytes) */
@inline export const T_WITHDRAWALS_ROOT: usize = 96;
/** u32 slot count after (4 bytes) */
@inline export const T_SLOT_COUNT: usize = 128;
/** u32 withdrawals appended (4 bytes) */
@inline export const T_WITHDRAWAL_COUNT: usize = 132;

// ---- withdrawal record: One withdrawal in the core's output (little-endian; its leaf is the 40-byte big-endian WITHDRAWAL_LEAF layout). ----
@inline export const WITHDRAWAL_RECORD_BYTES: usize = 48;
/** 20-byte owner (20 bytes) */
@inline export const W_OWNER: usize = 0;
/** u32 token (4 bytes) */
@inline export const W_TOKEN: usize = 20;
/** u128 amount (16 bytes) */
@inline export const W_AMOUNT: usize = 24;

// ---- withdrawal leaf: keccak256 input of a withdrawal leaf: owner ‖ u32 token ‖ u128 amount, big-endian (SPEC §5.2). ----
@inline export const WITHDRAWAL_LEAF_BYTES: usize = 40;
/** 20-byte owner (20 bytes) */
@inline export const WL_OWNER: usize = 0;
/** u32 token (4 bytes) */
@inline export const WL_TOKEN: usize = 20;
/** u128 amount (16 bytes) */
@inline export const WL_AMOUNT: usize = 24;

// ---- slot record: A slot as the core stores and exchanges it (little-endian); stored SLOT_STRIDE_BYTES apart, its leaf hashes the big-endian SLOT_LEAF layout. ----
@inline export const SLOT_RECORD_BYTES: usize = 48;
/** u128 balance (16 bytes) */
@inline export const S_BALANCE: usize = 0;
/** u64 nonce (a pool's first reserve slot: its feeBps) (8 bytes) */
@inline export const S_NONCE: usize = 16;
/** u32 token (4 bytes) */
@inline export const S_TOKEN: usize = 24;
/** 20-byte owner (20 bytes) */
@inline export const S_OWNER: usize = 28;

// ---- slot leaf: keccak256 input of a slot leaf: owner ‖ u32 token ‖ u128 balance ‖ u64 nonce, big-endian (SPEC §4.1). ----
@inline export const SLOT_LEAF_BYTES: usize = 48;
/** 20-byte owner (20 bytes) */
@inline export const SL_OWNER: usize = 0;
/** u32 token (4 bytes) */
@inline export const SL_TOKEN: usize = 20;
/** u128 balance (16 bytes) */
@inline export const SL_BALANCE: usize = 24;
/** u64 nonce (8 bytes) */
@inline export const SL_NONCE: usize = 40;

// ---- verify header: The stateless step check's input header; then fee pairs, feeCount × u128 owed, the entry record (none for settlement) and the witness table. ----
@inline export const VERIFY_HEADER_BYTES: usize = 24;
/** u32 StepKind (4 bytes) */
@inline export const V_KIND: usize = 0;
/** u32 slot count before the step (4 bytes) */
@inline export const V_SLOT_COUNT: usize = 4;
/** u32 fee pairs (4 bytes) */
@inline export const V_FEE_COUNT: usize = 8;
/** u32 withdrawals before the step (4 bytes) */
@inline export const V_WITHDRAWAL_COUNT: usize = 12;
/** u32 slot count before the batch (4 bytes) */
@inline export const V_BASE_SLOT_COUNT: usize = 16;

// ---- witness entry: One entry of the verify input's witness table (after u32 count ‖ u32 0): u32 index, 4 pad, a SLOT_STRIDE_BYTES slot record. ----
@inline export const WITNESS_ENTRY_BYTES: usize = 72;
/** u32 slot index (4 bytes) */
@inline export const WE_INDEX: usize = 0;
/** the slot record (zero when the slot does not exist) (64 bytes) */
@inline export const WE_RECORD: usize = 8;

// ---- verify output: The stateless step check's output: the receipt, then these. ----
@inline export const VERIFY_OUTPUT_BYTES: usize = 144;
/** the entry's receipt (RECEIPT layout) (64 bytes) */
@inline export const VO_RECEIPT: usize = 0;
/** u32 slot count after the step (4 bytes) */
@inline export const VO_SLOT_COUNT: usize = 64;
/** u32 1 when the step read a slot the witness lacks (4 bytes) */
@inline export const VO_MISSING: usize = 68;
/** u32 withdrawals appended (0 or 1) (4 bytes) */
@inline export const VO_WITHDREW: usize = 72;
/** the appended withdrawal record (48 bytes) */
@inline export const VO_WITHDRAWAL: usize = 80;
/** settlement: u8 per pair, 1 credited (16 bytes) */
@inline export const VO_CREDITED: usize = 128;
