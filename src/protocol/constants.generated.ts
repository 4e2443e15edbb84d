// Generated from scripts/layout-table.mjs by `npm run build:constants`. Do not edit:
// change the table, regenerate, and commit both (test/constants.test.ts checks they agree).

// The protocol's codes, limits and the core's record layouts (docs/DECISIONS.md D36).

/** Transaction type codes (SPEC §6, §9.1). */
export const TX_TYPE_CODES = {
  /** Transfer(from, to, amount, fee, nonce) */
  transfer: 0,
  /** TransferToNew(from, toOwner, amount, fee, nonce) */
  transferToNew: 1,
  /** Withdraw(from, amount, fee, nonce) */
  withdraw: 2,
  /** CreatePool(fromA, fromB, amountA, amountB, feeBps, nonce) */
  createPool: 3,
  /** AddLiquidity(pool, fromA, fromB, lpSlot, amountA, amountB, minShares, nonce) */
  addLiquidity: 4,
  /** RemoveLiquidity(pool, lpSlot, toA, toB, shares, minA, minB, nonce) */
  removeLiquidity: 5,
  /** Swap(pool, from, to, amountIn, minOut, nonce) */
  swap: 6,
} as const;

/** The transaction types in code order. */
export const TX_TYPES = ["transfer", "transferToNew", "withdraw", "createPool", "addLiquidity", "removeLiquidity", "swap"] as const;

/** L1 message kinds (SPEC §6.1, §13.1). */
export const L1_KIND_CODES = {
  /** credits a named slot of the same owner and token, else creates one; refunded when it fails */
  deposit: 0,
  /** withdraws a slot's whole balance to its owner */
  forcedExit: 1,
} as const;

/** Why an entry of a batch did nothing. Codes are part of the protocol (docs/SPEC.md §7). */
export const Reason = {
  /** the entry applied */
  OK: 0,
  /** a named slot does not exist */
  UNKNOWN_SLOT: 1,
  /** the signature does not recover to the authorizing slot's owner */
  BAD_SIGNATURE: 2,
  /** a slot the entry names is not the signer's */
  OWNER_MISMATCH: 3,
  /** the nonce is not the authorizing slot's, or that nonce is 2^64 − 1 */
  BAD_NONCE: 4,
  /** a slot holds another token than the entry needs */
  TOKEN_MISMATCH: 5,
  /** an LP token where only an L1 token may go */
  INVALID_TOKEN: 6,
  /** the pool slot is not owned by its pool address */
  NOT_A_POOL: 7,
  /** createPool: equal tokens, fee above MAX_POOL_FEE_BPS or a zero amount */
  INVALID_POOL_PARAMS: 8,
  /** a pool (reserved) owner where a user must be */
  RESERVED_OWNER: 9,
  /** a non-zero fee in a token the batch lists no fee pair for */
  NO_FEE_SLOT: 10,
  /** the balance does not cover amount and fee */
  INSUFFICIENT_BALANCE: 11,
  /** a balance, owed fee or reserve would pass its maximum */
  OVERFLOW: 12,
  /** the output is below the signed minimum */
  SLIPPAGE: 13,
  /** the output rounds to zero (or to MINIMUM_LIQUIDITY or less at creation) */
  INSUFFICIENT_OUTPUT: 14,
  /** the state already holds MAX_SLOTS slots */
  CAPACITY: 15,
} as const;

/** The kind of step the core's stateless step check re-executes. */
export const STEP_KIND_CODES = {
  /** an L1 message */
  l1: 0,
  /** a transaction */
  tx: 1,
  /** fee settlement, the batch's last step */
  settle: 2,
} as const;

/** Status codes of the core's exports (0 = ok). */
export const CORE_STATUS = {
  /** done */
  OK: 0,
  /** tree arity or depth not supported */
  ERR_BAD_SHAPE: -1,
  /** leaf index ≥ arity^depth */
  ERR_INDEX_RANGE: -2,
  /** leaf index beyond the in-memory capacity */
  ERR_CAPACITY: -3,
  /** malformed proof bytes */
  ERR_PROOF_FORMAT: -4,
  /** proof indices not strictly increasing */
  ERR_PROOF_ORDER: -5,
  /** a proof must name at least one leaf */
  ERR_PROOF_EMPTY: -6,
  /** explicit zero sibling or stray bitmap bits */
  ERR_PROOF_NONCANONICAL: -7,
  /** a batch lists more than MAX_FEE_PAIRS fee pairs (state untouched) */
  ERR_BAD_FEE_SLOTS: -8,
  /** the batch's withdrawal tree could not be reserved (state untouched) */
  ERR_NO_MEMORY: -9,
  /** a slot loaded from a store has a record that does not hash to its stored leaf (first-touch check, D38) */
  ERR_CORRUPT_SLOT: -10,
} as const;

/** Most fee pairs one batch may list (SPEC §5.1). */
export const MAX_FEE_PAIRS = 16;
/** Most slots one entry step can touch (a pool entry: the pool's 3 slots and up to 4 of the user's). */
export const MAX_TOUCHED_SLOTS = 7;
/** Most witness slots a step proof may carry: settlement reads up to one per fee pair. */
export const MAX_WITNESS_SLOTS = MAX_FEE_PAIRS;
/** Most entries (L1 messages + transactions) one batch may hold; also bounds a batch's withdrawals. */
export const MAX_BATCH_ENTRIES = 1 << 20;
/** Slots the state may hold (docs/DECISIONS.md D2, D23). */
export const MAX_SLOTS = 1 << 24;
/** Pool reserves and the amounts that reach them stay below 2^112 (as Uniswap v2's uint112). */
export const MAX_RESERVE = (1n << 112n) - 1n;
/** Shares locked forever in every pool at creation, so reserves never reach zero. */
export const MINIMUM_LIQUIDITY = 1000n;
/** Largest pool fee, in basis points (10%). */
export const MAX_POOL_FEE_BPS = 1000;
/** Basis points in one: a swap's input counts in·(BPS_DENOMINATOR − feeBps) (SPEC §6.5). */
export const BPS_DENOMINATOR = 10000;
/** Tokens with this bit set are LP shares of a pool; they exist only on L2. */
export const LP_TOKEN_FLAG = 0x80000000;
/** `lpSlot` value in AddLiquidity asking for a new LP slot. */
export const NEW_SLOT = 0xffffffff;
/** A slot field that names no slot (an L1 deposit without one; the core's 'no nonce checked yet'). */
export const NO_SLOT = 0xffffffff;
/** Bytes of an inbox deposit message: 0x00 ‖ owner ‖ u32 token ‖ u128 amount ‖ u32 slot (SPEC §13.1). */
export const DEPOSIT_MESSAGE_BYTES = 45;
/** Bytes of an inbox forced-exit message: 0x01 ‖ owner ‖ u32 slot (SPEC §13.1). */
export const FORCED_EXIT_MESSAGE_BYTES = 25;
/** Largest input the bare DA codec accepts, for DA kept off L1 (SPEC §9.4). */
export const MAX_DA_BYTES = 1 << 24;
/** Largest DA payload of a batch posted on L1 (SPEC §9.4, §13). */
export const MAX_L1_DA_BYTES = 120_000;
/** Largest single region the core allocates: under TLSF's 2^30 − 4-byte block limit once rounded up to a size class (D23); the TS side refuses larger inputs before any call. */
export const MAX_ALLOC_BYTES = 2 ** 30 - 2 ** 25;
/** What engineApplyBatch returns when a batch's bookkeeping does not fit in memory (state untouched); never an output address, those are 8-byte aligned. */
export const APPLY_REFUSED = 1;
/** What engineApplyBatch returns when a slot the batch would read fails its first-touch check (state untouched, D38); engineCorruptSlot names the slot. */
export const APPLY_CORRUPT = 2;
/** The core's firstTouch answer when no slot failed its first-touch check (D38). */
export const NO_CORRUPT_SLOT = 0xffffffff;

/** Bytes between slot records in the core's memory: one cache line each. */
export const SLOT_STRIDE_BYTES = 64;
/** Settlement flags after the owed fees in the trailer: one byte per pair, room for MAX_FEE_PAIRS. */
export const FEE_CREDITED_BYTES = 16;
/** Batch header flag: write a step commitment after every step. */
export const BATCH_FLAG_TRACE = 1;
/** Batch header flag: a prefix of a batch, whose fees stay owed (not settled). */
export const BATCH_FLAG_NO_SETTLE = 2;

// ---- batch header: The flat batch input's header (src/engine/flat.ts writes it, assembly applyBatch reads it); fee pairs, L1 records and tx records follow. ----
export const BATCH_HEADER_BYTES = 48;
/** u32 number of fee pairs (4 bytes) */
export const BATCH_FEE_PAIR_COUNT = 0;
/** u32 number of L1 records (4 bytes) */
export const BATCH_L1_COUNT = 4;
/** u32 number of tx records (4 bytes) */
export const BATCH_TX_COUNT = 8;
/** u32 BATCH_FLAG_* bits (4 bytes) */
export const BATCH_FLAGS = 12;
/** the EIP-712 domain separator step commitments bind (SPEC §11.1) (32 bytes) */
export const BATCH_DOMAIN_SEPARATOR = 16;

// ---- fee pair: One fee pair in the batch input and the verify input: u32 token ‖ u32 slot. ----
export const FEE_PAIR_BYTES = 8;
/** u32 token (4 bytes) */
export const FEE_PAIR_TOKEN = 0;
/** u32 slot credited at settlement (4 bytes) */
export const FEE_PAIR_SLOT = 4;

// ---- L1 record: One L1 message in the batch input. ----
export const L1_RECORD_BYTES = 64;
/** u8 L1Kind (1 bytes) */
export const L1_KIND = 0;
/** u8 1 when a deposit names a slot (1 bytes) */
export const L1_HAS_SLOT = 1;
/** u32 slot (4 bytes) */
export const L1_SLOT = 4;
/** u32 token (deposit) (4 bytes) */
export const L1_TOKEN = 8;
/** 20-byte owner (20 bytes) */
export const L1_OWNER = 12;
/** u128 amount (deposit) (16 bytes) */
export const L1_AMOUNT = 32;

// ---- tx record: One transaction with its recovered signer in the batch input; F0–F3 are its slot fields and X–Z its amounts in SPEC §6 field order. ----
export const TX_RECORD_BYTES = 128;
/** u8 TxType (1 bytes) */
export const TX_TYPE = 0;
/** u8 1 when the signature recovered (1 bytes) */
export const TX_SIGNER_OK = 1;
/** u16 feeBps (createPool) (2 bytes) */
export const TX_FEE_BPS = 2;
/** u32 first slot field (4 bytes) */
export const TX_F0 = 4;
/** u32 second slot field (4 bytes) */
export const TX_F1 = 8;
/** u32 third slot field (4 bytes) */
export const TX_F2 = 12;
/** u32 fourth slot field (4 bytes) */
export const TX_F3 = 16;
/** u64 nonce (8 bytes) */
export const TX_NONCE = 24;
/** u128 first amount (16 bytes) */
export const TX_X = 32;
/** u128 second amount (16 bytes) */
export const TX_Y = 48;
/** u128 third amount (16 bytes) */
export const TX_Z = 64;
/** 20-byte toOwner (transferToNew) (20 bytes) */
export const TX_TO_OWNER = 80;
/** 20-byte recovered signer (20 bytes) */
export const TX_SIGNER = 100;

// ---- receipt: One entry's receipt in the core's output. ----
export const RECEIPT_BYTES = 64;
/** u8 Reason (1 bytes) */
export const R_STATUS = 0;
/** u8 touched slots (≤ MAX_TOUCHED_SLOTS) (1 bytes) */
export const R_TOUCHED_COUNT = 1;
/** u32 touched slot indices, first-touch order (28 bytes) */
export const R_TOUCHED = 4;
/** u128 first output (16 bytes) */
export const R_OUT0 = 32;
/** u128 second output (16 bytes) */
export const R_OUT1 = 48;

// ---- trailer: After the receipts: roots and counts; then feeCount × u128 owed, FEE_CREDITED_BYTES flags, the withdrawal records and (traced) the step commitments. ----
export const TRAILER_BYTES = 144;
/** state root before the batch (32 bytes) */
export const T_PRE_STATE_ROOT = 0;
/** state root after (32 bytes) */
export const T_STATE_ROOT = 32;
/** state tree root after (32 bytes) */
export const T_TREE_ROOT = 64;
/** the batch's withdrawal tree root (32 bytes) */
export const T_WITHDRAWALS_ROOT = 96;
/** u32 slot count after (4 bytes) */
export const T_SLOT_COUNT = 128;
/** u32 withdrawals appended (4 bytes) */
export const T_WITHDRAWAL_COUNT = 132;

// ---- withdrawal record: One withdrawal in the core's output (little-endian; its leaf is the 40-byte big-endian WITHDRAWAL_LEAF layout). ----
export const WITHDRAWAL_RECORD_BYTES = 48;
/** 20-byte owner (20 bytes) */
export const W_OWNER = 0;
/** u32 token (4 bytes) */
export const W_TOKEN = 20;
/** u128 amount (16 bytes) */
export const W_AMOUNT = 24;

// ---- withdrawal leaf: keccak256 input of a withdrawal leaf: owner ‖ u32 token ‖ u128 amount, big-endian (SPEC §5.2). ----
export const WITHDRAWAL_LEAF_BYTES = 40;
/** 20-byte owner (20 bytes) */
export const WL_OWNER = 0;
/** u32 token (4 bytes) */
export const WL_TOKEN = 20;
/** u128 amount (16 bytes) */
export const WL_AMOUNT = 24;

// ---- slot record: A slot as the core stores and exchanges it (little-endian); stored SLOT_STRIDE_BYTES apart, its leaf hashes the big-endian SLOT_LEAF layout. ----
export const SLOT_RECORD_BYTES = 48;
/** u128 balance (16 bytes) */
export const S_BALANCE = 0;
/** u64 nonce (a pool's first reserve slot: its feeBps) (8 bytes) */
export const S_NONCE = 16;
/** u32 token (4 bytes) */
export const S_TOKEN = 24;
/** 20-byte owner (20 bytes) */
export const S_OWNER = 28;

// ---- slot leaf: keccak256 input of a slot leaf: owner ‖ u32 token ‖ u128 balance ‖ u64 nonce, big-endian (SPEC §4.1). ----
export const SLOT_LEAF_BYTES = 48;
/** 20-byte owner (20 bytes) */
export const SL_OWNER = 0;
/** u32 token (4 bytes) */
export const SL_TOKEN = 20;
/** u128 balance (16 bytes) */
export const SL_BALANCE = 24;
/** u64 nonce (8 bytes) */
export const SL_NONCE = 40;

// ---- verify header: The stateless step check's input header; then fee pairs, feeCount × u128 owed, the entry record (none for settlement) and the witness table. ----
export const VERIFY_HEADER_BYTES = 24;
/** u32 StepKind (4 bytes) */
export const V_KIND = 0;
/** u32 slot count before the step (4 bytes) */
export const V_SLOT_COUNT = 4;
/** u32 fee pairs (4 bytes) */
export const V_FEE_COUNT = 8;
/** u32 withdrawals before the step (4 bytes) */
export const V_WITHDRAWAL_COUNT = 12;
/** u32 slot count before the batch (4 bytes) */
export const V_BASE_SLOT_COUNT = 16;

// ---- witness entry: One entry of the verify input's witness table (after u32 count ‖ u32 0): u32 index, 4 pad, a SLOT_STRIDE_BYTES slot record. ----
export const WITNESS_ENTRY_BYTES = 72;
/** u32 slot index (4 bytes) */
export const WE_INDEX = 0;
/** the slot record (zero when the slot does not exist) (64 bytes) */
export const WE_RECORD = 8;

// ---- verify output: The stateless step check's output: the receipt, then these. ----
export const VERIFY_OUTPUT_BYTES = 144;
/** the entry's receipt (RECEIPT layout) (64 bytes) */
export const VO_RECEIPT = 0;
/** u32 slot count after the step (4 bytes) */
export const VO_SLOT_COUNT = 64;
/** u32 1 when the step read a slot the witness lacks (4 bytes) */
export const VO_MISSING = 68;
/** u32 withdrawals appended (0 or 1) (4 bytes) */
export const VO_WITHDREW = 72;
/** the appended withdrawal record (48 bytes) */
export const VO_WITHDRAWAL = 80;
/** settlement: u8 per pair, 1 credited (16 bytes) */
export const VO_CREDITED = 128;
