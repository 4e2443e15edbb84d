// The one table of every code, limit and record layout that crosses the WASM boundary or the L1
// seam (docs/DECISIONS.md D36). Plain data: scripts/build-constants.mjs turns it into
// assembly/generated/constants.ts (AssemblyScript), src/protocol/constants.generated.ts
// (TypeScript) and contracts/generated/Constants.sol (Solidity). Change a value here, run
// `npm run build:constants`, and commit the three generated files with it; test/constants.test.ts
// fails while they differ from a fresh generation.
//
// Each scalar is [name, value, doc, options]: `value` a number or a bigint; options.as is its
// AssemblyScript type (u8, u16, u32, u64, usize, i32; "u128" is emitted as NAME_LO/NAME_HI u64
// halves), options.ts the TypeScript expression when its literal form matters (the public API
// report reads `1 << 24` as `number` but `16` as `16`), options.sol true to emit it for the
// contracts too. Codes are [NAME, code, doc] lists, emitted as a namespace (AssemblyScript), a
// library (Solidity) and an `as const` object (TypeScript).

/** Transaction type codes (SPEC §6, §9.1): the flat record's TX_TYPE byte, the DA type column, L1's Entry.txType. */
export const txTypes = [
  ["TRANSFER", 0, "transfer", "Transfer(from, to, amount, fee, nonce)"],
  ["TRANSFER_TO_NEW", 1, "transferToNew", "TransferToNew(from, toOwner, amount, fee, nonce)"],
  ["WITHDRAW", 2, "withdraw", "Withdraw(from, amount, fee, nonce)"],
  ["CREATE_POOL", 3, "createPool", "CreatePool(fromA, fromB, amountA, amountB, feeBps, nonce)"],
  ["ADD_LIQUIDITY", 4, "addLiquidity", "AddLiquidity(pool, fromA, fromB, lpSlot, amountA, amountB, minShares, nonce)"],
  ["REMOVE_LIQUIDITY", 5, "removeLiquidity", "RemoveLiquidity(pool, lpSlot, toA, toB, shares, minA, minB, nonce)"],
  ["SWAP", 6, "swap", "Swap(pool, from, to, amountIn, minOut, nonce)"],
];

/** L1 message kinds (SPEC §6.1, §13.1): the flat record's L1_KIND byte and the inbox record's first byte. */
export const l1Kinds = [
  ["DEPOSIT", 0, "deposit", "credits a named slot of the same owner and token, else creates one; refunded when it fails"],
  ["FORCED_EXIT", 1, "forcedExit", "withdraws a slot's whole balance to its owner"],
];

/** Why an entry did nothing (SPEC §7). Reasons from TOKEN_MISMATCH (5) on consume the authorizing nonce (§6). */
export const reasons = [
  ["OK", 0, "the entry applied"],
  ["UNKNOWN_SLOT", 1, "a named slot does not exist"],
  ["BAD_SIGNATURE", 2, "the signature does not recover to the authorizing slot's owner"],
  ["OWNER_MISMATCH", 3, "a slot the entry names is not the signer's"],
  ["BAD_NONCE", 4, "the nonce is not the authorizing slot's, or that nonce is 2^64 − 1"],
  ["TOKEN_MISMATCH", 5, "a slot holds another token than the entry needs"],
  ["INVALID_TOKEN", 6, "an LP token where only an L1 token may go"],
  ["NOT_A_POOL", 7, "the pool slot is not owned by its pool address"],
  ["INVALID_POOL_PARAMS", 8, "createPool: equal tokens, fee above MAX_POOL_FEE_BPS or a zero amount"],
  ["RESERVED_OWNER", 9, "a pool (reserved) owner where a user must be"],
  ["NO_FEE_SLOT", 10, "a non-zero fee in a token the batch lists no fee pair for"],
  ["INSUFFICIENT_BALANCE", 11, "the balance does not cover amount and fee"],
  ["OVERFLOW", 12, "a balance, owed fee or reserve would pass its maximum"],
  ["SLIPPAGE", 13, "the output is below the signed minimum"],
  ["INSUFFICIENT_OUTPUT", 14, "the output rounds to zero (or to MINIMUM_LIQUIDITY or less at creation)"],
  ["CAPACITY", 15, "the state already holds MAX_SLOTS slots"],
];

/** What a stateless step check (the core's verifyStep) re-executes: the verify header's KIND. */
export const stepKinds = [
  ["L1", 0, "l1", "an L1 message"],
  ["TX", 1, "tx", "a transaction"],
  ["SETTLE", 2, "settle", "fee settlement, the batch's last step"],
];

/**
 * Status codes of the core's exports (0 = ok, negative = refused); src/core/status.ts maps them to
 * typed errors. A hostile input must end in one of these, never in a trap.
 */
export const statuses = [
  ["OK", 0, "done"],
  ["ERR_BAD_SHAPE", -1, "tree arity or depth not supported"],
  ["ERR_INDEX_RANGE", -2, "leaf index ≥ arity^depth"],
  ["ERR_CAPACITY", -3, "leaf index beyond the in-memory capacity"],
  ["ERR_PROOF_FORMAT", -4, "malformed proof bytes"],
  ["ERR_PROOF_ORDER", -5, "proof indices not strictly increasing"],
  ["ERR_PROOF_EMPTY", -6, "a proof must name at least one leaf"],
  ["ERR_PROOF_NONCANONICAL", -7, "explicit zero sibling or stray bitmap bits"],
  ["ERR_BAD_FEE_SLOTS", -8, "a batch lists more than MAX_FEE_PAIRS fee pairs (state untouched)"],
  ["ERR_NO_MEMORY", -9, "the batch's withdrawal tree could not be reserved (state untouched)"],
  ["ERR_CORRUPT_SLOT", -10, "a slot loaded from a store has a record that does not hash to its stored leaf (first-touch check, D38)"],
];

/** Protocol limits and special values (SPEC §4–§7, §9, §11). */
export const limits = [
  ["MAX_FEE_PAIRS", 16, "Most fee pairs one batch may list (SPEC §5.1).", { as: "u32", ts: "16", sol: true }],
  [
    "MAX_TOUCHED_SLOTS",
    7,
    "Most slots one entry step can touch (a pool entry: the pool's 3 slots and up to 4 of the user's).",
    { as: "u32", ts: "7", sol: true },
  ],
  [
    "MAX_WITNESS_SLOTS",
    16,
    "Most witness slots a step proof may carry: settlement reads up to one per fee pair.",
    { as: "u32", ts: "MAX_FEE_PAIRS", sol: true },
  ],
  [
    "MAX_BATCH_ENTRIES",
    2 ** 20,
    "Most entries (L1 messages + transactions) one batch may hold; also bounds a batch's withdrawals.",
    { as: "u32", ts: "1 << 20", sol: true },
  ],
  ["MAX_SLOTS", 2 ** 24, "Slots the state may hold (docs/DECISIONS.md D2, D23).", { as: "u32", ts: "1 << 24", sol: true }],
  [
    "MAX_RESERVE",
    (1n << 112n) - 1n,
    "Pool reserves and the amounts that reach them stay below 2^112 (as Uniswap v2's uint112).",
    { as: "u128", ts: "(1n << 112n) - 1n", sol: true },
  ],
  ["MINIMUM_LIQUIDITY", 1000n, "Shares locked forever in every pool at creation, so reserves never reach zero.", { as: "u64", ts: "1000n", sol: true }],
  ["MAX_POOL_FEE_BPS", 1000, "Largest pool fee, in basis points (10%).", { as: "u32", ts: "1000", sol: true }],
  ["BPS_DENOMINATOR", 10000, "Basis points in one: a swap's input counts in·(BPS_DENOMINATOR − feeBps) (SPEC §6.5).", { as: "u32", ts: "10000", sol: true }],
  ["LP_TOKEN_FLAG", 0x80000000, "Tokens with this bit set are LP shares of a pool; they exist only on L2.", { as: "u32", ts: "0x80000000", sol: true }],
  ["NEW_SLOT", 0xffffffff, "`lpSlot` value in AddLiquidity asking for a new LP slot.", { as: "u32", ts: "0xffffffff", sol: true }],
  [
    "NO_SLOT",
    0xffffffff,
    "A slot field that names no slot (an L1 deposit without one; the core's 'no nonce checked yet').",
    { as: "u32", ts: "0xffffffff", sol: true },
  ],
  [
    "DEPOSIT_MESSAGE_BYTES",
    45,
    "Bytes of an inbox deposit message: 0x00 ‖ owner ‖ u32 token ‖ u128 amount ‖ u32 slot (SPEC §13.1).",
    { as: "u32", ts: "45", sol: true },
  ],
  ["FORCED_EXIT_MESSAGE_BYTES", 25, "Bytes of an inbox forced-exit message: 0x01 ‖ owner ‖ u32 slot (SPEC §13.1).", { as: "u32", ts: "25", sol: true }],
  ["MAX_DA_BYTES", 2 ** 24, "Largest input the bare DA codec accepts, for DA kept off L1 (SPEC §9.4).", { as: "u32", ts: "1 << 24" }],
  ["MAX_L1_DA_BYTES", 120000, "Largest DA payload of a batch posted on L1 (SPEC §9.4, §13).", { as: "u32", ts: "120_000", sol: true }],
  [
    "MAX_ALLOC_BYTES",
    2 ** 30 - 2 ** 25,
    "Largest single region the core allocates: under TLSF's 2^30 − 4-byte block limit once rounded up to a size class (D23); the TS side refuses larger inputs before any call.",
    { as: "usize", ts: "2 ** 30 - 2 ** 25" },
  ],
  [
    "APPLY_REFUSED",
    1,
    "What engineApplyBatch returns when a batch's bookkeeping does not fit in memory (state untouched); never an output address, those are 8-byte aligned.",
    { as: "usize", ts: "1" },
  ],
  [
    "APPLY_CORRUPT",
    2,
    "What engineApplyBatch returns when a slot the batch would read fails its first-touch check (state untouched, D38); engineCorruptSlot names the slot.",
    { as: "usize", ts: "2" },
  ],
  ["NO_CORRUPT_SLOT", 0xffffffff, "The core's firstTouch answer when no slot failed its first-touch check (D38).", { as: "u32", ts: "0xffffffff" }],
];

/**
 * Byte layouts the core and TypeScript exchange, all little-endian (the slot leaf and withdrawal
 * leaf, hashed, are big-endian: SPEC §4.1, §5.2). Each: the size's name and value, and the fields
 * as [NAME, offset, bytes, doc]; field names get the layout's prefix. The generator checks that
 * fields lie inside the record and do not overlap.
 */
export const layouts = [
  {
    name: "batch header",
    prefix: "BATCH_",
    size: ["BATCH_HEADER_BYTES", 48],
    doc: "The flat batch input's header (src/engine/flat.ts writes it, assembly applyBatch reads it); fee pairs, L1 records and tx records follow.",
    fields: [
      ["FEE_PAIR_COUNT", 0, 4, "u32 number of fee pairs"],
      ["L1_COUNT", 4, 4, "u32 number of L1 records"],
      ["TX_COUNT", 8, 4, "u32 number of tx records"],
      ["FLAGS", 12, 4, "u32 BATCH_FLAG_* bits"],
      ["DOMAIN_SEPARATOR", 16, 32, "the EIP-712 domain separator step commitments bind (SPEC §11.1)"],
    ],
  },
  {
    name: "fee pair",
    prefix: "FEE_PAIR_",
    size: ["FEE_PAIR_BYTES", 8],
    doc: "One fee pair in the batch input and the verify input: u32 token ‖ u32 slot.",
    fields: [
      ["TOKEN", 0, 4, "u32 token"],
      ["SLOT", 4, 4, "u32 slot credited at settlement"],
    ],
  },
  {
    name: "L1 record",
    prefix: "L1_",
    size: ["L1_RECORD_BYTES", 64],
    doc: "One L1 message in the batch input.",
    fields: [
      ["KIND", 0, 1, "u8 L1Kind"],
      ["HAS_SLOT", 1, 1, "u8 1 when a deposit names a slot"],
      ["SLOT", 4, 4, "u32 slot"],
      ["TOKEN", 8, 4, "u32 token (deposit)"],
      ["OWNER", 12, 20, "20-byte owner"],
      ["AMOUNT", 32, 16, "u128 amount (deposit)"],
    ],
  },
  {
    name: "tx record",
    prefix: "TX_",
    size: ["TX_RECORD_BYTES", 128],
    doc: "One transaction with its recovered signer in the batch input; F0–F3 are its slot fields and X–Z its amounts in SPEC §6 field order.",
    fields: [
      ["TYPE", 0, 1, "u8 TxType"],
      ["SIGNER_OK", 1, 1, "u8 1 when the signature recovered"],
      ["FEE_BPS", 2, 2, "u16 feeBps (createPool)"],
      ["F0", 4, 4, "u32 first slot field"],
      ["F1", 8, 4, "u32 second slot field"],
      ["F2", 12, 4, "u32 third slot field"],
      ["F3", 16, 4, "u32 fourth slot field"],
      ["NONCE", 24, 8, "u64 nonce"],
      ["X", 32, 16, "u128 first amount"],
      ["Y", 48, 16, "u128 second amount"],
      ["Z", 64, 16, "u128 third amount"],
      ["TO_OWNER", 80, 20, "20-byte toOwner (transferToNew)"],
      ["SIGNER", 100, 20, "20-byte recovered signer"],
    ],
  },
  {
    name: "receipt",
    prefix: "R_",
    size: ["RECEIPT_BYTES", 64],
    doc: "One entry's receipt in the core's output.",
    fields: [
      ["STATUS", 0, 1, "u8 Reason"],
      ["TOUCHED_COUNT", 1, 1, "u8 touched slots (≤ MAX_TOUCHED_SLOTS)"],
      ["TOUCHED", 4, 28, "u32 touched slot indices, first-touch order"],
      ["OUT0", 32, 16, "u128 first output"],
      ["OUT1", 48, 16, "u128 second output"],
    ],
  },
  {
    name: "trailer",
    prefix: "T_",
    size: ["TRAILER_BYTES", 144],
    doc: "After the receipts: roots and counts; then feeCount × u128 owed, FEE_CREDITED_BYTES flags, the withdrawal records and (traced) the step commitments.",
    fields: [
      ["PRE_STATE_ROOT", 0, 32, "state root before the batch"],
      ["STATE_ROOT", 32, 32, "state root after"],
      ["TREE_ROOT", 64, 32, "state tree root after"],
      ["WITHDRAWALS_ROOT", 96, 32, "the batch's withdrawal tree root"],
      ["SLOT_COUNT", 128, 4, "u32 slot count after"],
      ["WITHDRAWAL_COUNT", 132, 4, "u32 withdrawals appended"],
    ],
  },
  {
    name: "withdrawal record",
    prefix: "W_",
    size: ["WITHDRAWAL_RECORD_BYTES", 48],
    doc: "One withdrawal in the core's output (little-endian; its leaf is the 40-byte big-endian WITHDRAWAL_LEAF layout).",
    fields: [
      ["OWNER", 0, 20, "20-byte owner"],
      ["TOKEN", 20, 4, "u32 token"],
      ["AMOUNT", 24, 16, "u128 amount"],
    ],
  },
  {
    name: "withdrawal leaf",
    prefix: "WL_",
    size: ["WITHDRAWAL_LEAF_BYTES", 40],
    doc: "keccak256 input of a withdrawal leaf: owner ‖ u32 token ‖ u128 amount, big-endian (SPEC §5.2).",
    fields: [
      ["OWNER", 0, 20, "20-byte owner"],
      ["TOKEN", 20, 4, "u32 token"],
      ["AMOUNT", 24, 16, "u128 amount"],
    ],
  },
  {
    name: "slot record",
    prefix: "S_",
    size: ["SLOT_RECORD_BYTES", 48],
    doc: "A slot as the core stores and exchanges it (little-endian); stored SLOT_STRIDE_BYTES apart, its leaf hashes the big-endian SLOT_LEAF layout.",
    fields: [
      ["BALANCE", 0, 16, "u128 balance"],
      ["NONCE", 16, 8, "u64 nonce (a pool's first reserve slot: its feeBps)"],
      ["TOKEN", 24, 4, "u32 token"],
      ["OWNER", 28, 20, "20-byte owner"],
    ],
  },
  {
    name: "slot leaf",
    prefix: "SL_",
    size: ["SLOT_LEAF_BYTES", 48],
    doc: "keccak256 input of a slot leaf: owner ‖ u32 token ‖ u128 balance ‖ u64 nonce, big-endian (SPEC §4.1).",
    fields: [
      ["OWNER", 0, 20, "20-byte owner"],
      ["TOKEN", 20, 4, "u32 token"],
      ["BALANCE", 24, 16, "u128 balance"],
      ["NONCE", 40, 8, "u64 nonce"],
    ],
  },
  {
    name: "verify header",
    prefix: "V_",
    size: ["VERIFY_HEADER_BYTES", 24],
    doc: "The stateless step check's input header; then fee pairs, feeCount × u128 owed, the entry record (none for settlement) and the witness table.",
    fields: [
      ["KIND", 0, 4, "u32 StepKind"],
      ["SLOT_COUNT", 4, 4, "u32 slot count before the step"],
      ["FEE_COUNT", 8, 4, "u32 fee pairs"],
      ["WITHDRAWAL_COUNT", 12, 4, "u32 withdrawals before the step"],
      ["BASE_SLOT_COUNT", 16, 4, "u32 slot count before the batch"],
    ],
  },
  {
    name: "witness entry",
    prefix: "WE_",
    size: ["WITNESS_ENTRY_BYTES", 72],
    doc: "One entry of the verify input's witness table (after u32 count ‖ u32 0): u32 index, 4 pad, a SLOT_STRIDE_BYTES slot record.",
    fields: [
      ["INDEX", 0, 4, "u32 slot index"],
      ["RECORD", 8, 64, "the slot record (zero when the slot does not exist)"],
    ],
  },
  {
    name: "verify output",
    prefix: "VO_",
    size: ["VERIFY_OUTPUT_BYTES", 144],
    doc: "The stateless step check's output: the receipt, then these.",
    fields: [
      ["RECEIPT", 0, 64, "the entry's receipt (RECEIPT layout)"],
      ["SLOT_COUNT", 64, 4, "u32 slot count after the step"],
      ["MISSING", 68, 4, "u32 1 when the step read a slot the witness lacks"],
      ["WITHDREW", 72, 4, "u32 withdrawals appended (0 or 1)"],
      ["WITHDRAWAL", 80, 48, "the appended withdrawal record"],
      ["CREDITED", 128, 16, "settlement: u8 per pair, 1 credited"],
    ],
  },
];

/** Sizes that are not a record of their own. */
export const sizes = [
  ["SLOT_STRIDE_BYTES", 64, "Bytes between slot records in the core's memory: one cache line each.", { as: "usize" }],
  ["FEE_CREDITED_BYTES", 16, "Settlement flags after the owed fees in the trailer: one byte per pair, room for MAX_FEE_PAIRS.", { as: "usize" }],
  ["BATCH_FLAG_TRACE", 1, "Batch header flag: write a step commitment after every step.", { as: "u32" }],
  ["BATCH_FLAG_NO_SETTLE", 2, "Batch header flag: a prefix of a batch, whose fees stay owed (not settled).", { as: "u32" }],
];
