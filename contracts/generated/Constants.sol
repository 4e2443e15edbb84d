// SPDX-License-Identifier: MIT
// Generated from scripts/layout-table.mjs by `npm run build:constants`. Do not edit:
// change the table, regenerate, and commit both (test/constants.test.ts checks they agree).

pragma solidity 0.8.37;

/// Transaction type codes (SPEC §6, §9.1).
library TxType {
    /// Transfer(from, to, amount, fee, nonce)
    uint8 internal constant TRANSFER = 0;
    /// TransferToNew(from, toOwner, amount, fee, nonce)
    uint8 internal constant TRANSFER_TO_NEW = 1;
    /// Withdraw(from, amount, fee, nonce)
    uint8 internal constant WITHDRAW = 2;
    /// CreatePool(fromA, fromB, amountA, amountB, feeBps, nonce)
    uint8 internal constant CREATE_POOL = 3;
    /// AddLiquidity(pool, fromA, fromB, lpSlot, amountA, amountB, minShares, nonce)
    uint8 internal constant ADD_LIQUIDITY = 4;
    /// RemoveLiquidity(pool, lpSlot, toA, toB, shares, minA, minB, nonce)
    uint8 internal constant REMOVE_LIQUIDITY = 5;
    /// Swap(pool, from, to, amountIn, minOut, nonce)
    uint8 internal constant SWAP = 6;
    /// Types 0 … COUNT − 1 exist.
    uint8 internal constant COUNT = 7;
}

/// L1 message kinds (SPEC §6.1, §13.1).
library L1Kind {
    /// credits a named slot of the same owner and token, else creates one; refunded when it fails
    uint8 internal constant DEPOSIT = 0;
    /// withdraws a slot's whole balance to its owner
    uint8 internal constant FORCED_EXIT = 1;
}

/// Why an entry of a batch did nothing. Codes are part of the protocol (docs/SPEC.md §7).
library Reason {
    /// the entry applied
    uint8 internal constant OK = 0;
    /// a named slot does not exist
    uint8 internal constant UNKNOWN_SLOT = 1;
    /// the signature does not recover to the authorizing slot's owner
    uint8 internal constant BAD_SIGNATURE = 2;
    /// a slot the entry names is not the signer's
    uint8 internal constant OWNER_MISMATCH = 3;
    /// the nonce is not the authorizing slot's, or that nonce is 2^64 − 1
    uint8 internal constant BAD_NONCE = 4;
    /// a slot holds another token than the entry needs
    uint8 internal constant TOKEN_MISMATCH = 5;
    /// an LP token where only an L1 token may go
    uint8 internal constant INVALID_TOKEN = 6;
    /// the pool slot is not owned by its pool address
    uint8 internal constant NOT_A_POOL = 7;
    /// createPool: equal tokens, fee above MAX_POOL_FEE_BPS or a zero amount
    uint8 internal constant INVALID_POOL_PARAMS = 8;
    /// a pool (reserved) owner where a user must be
    uint8 internal constant RESERVED_OWNER = 9;
    /// a non-zero fee in a token the batch lists no fee pair for
    uint8 internal constant NO_FEE_SLOT = 10;
    /// the balance does not cover amount and fee
    uint8 internal constant INSUFFICIENT_BALANCE = 11;
    /// a balance, owed fee or reserve would pass its maximum
    uint8 internal constant OVERFLOW = 12;
    /// the output is below the signed minimum
    uint8 internal constant SLIPPAGE = 13;
    /// the output rounds to zero (or to MINIMUM_LIQUIDITY or less at creation)
    uint8 internal constant INSUFFICIENT_OUTPUT = 14;
    /// the state already holds MAX_SLOTS slots
    uint8 internal constant CAPACITY = 15;
}

/// Protocol limits and special values (SPEC §4–§7, §9, §11).
library Limits {
    /// Most fee pairs one batch may list (SPEC §5.1).
    uint256 internal constant MAX_FEE_PAIRS = 16;
    /// Most slots one entry step can touch (a pool entry: the pool's 3 slots and up to 4 of the user's).
    uint256 internal constant MAX_TOUCHED_SLOTS = 7;
    /// Most witness slots a step proof may carry: settlement reads up to one per fee pair.
    uint256 internal constant MAX_WITNESS_SLOTS = 16;
    /// Most entries (L1 messages + transactions) one batch may hold; also bounds a batch's withdrawals.
    uint256 internal constant MAX_BATCH_ENTRIES = 0x100000;
    /// Slots the state may hold (docs/DECISIONS.md D2, D23).
    uint256 internal constant MAX_SLOTS = 0x1000000;
    /// Pool reserves and the amounts that reach them stay below 2^112 (as Uniswap v2's uint112).
    uint256 internal constant MAX_RESERVE = 0xffffffffffffffffffffffffffff;
    /// Shares locked forever in every pool at creation, so reserves never reach zero.
    uint256 internal constant MINIMUM_LIQUIDITY = 1000;
    /// Largest pool fee, in basis points (10%).
    uint256 internal constant MAX_POOL_FEE_BPS = 1000;
    /// Basis points in one: a swap's input counts in·(BPS_DENOMINATOR − feeBps) (SPEC §6.5).
    uint256 internal constant BPS_DENOMINATOR = 10000;
    /// Tokens with this bit set are LP shares of a pool; they exist only on L2.
    uint256 internal constant LP_TOKEN_FLAG = 0x80000000;
    /// `lpSlot` value in AddLiquidity asking for a new LP slot.
    uint256 internal constant NEW_SLOT = 0xffffffff;
    /// A slot field that names no slot (an L1 deposit without one; the core's 'no nonce checked yet').
    uint256 internal constant NO_SLOT = 0xffffffff;
    /// Bytes of an inbox deposit message: 0x00 ‖ owner ‖ u32 token ‖ u128 amount ‖ u32 slot (SPEC §13.1).
    uint256 internal constant DEPOSIT_MESSAGE_BYTES = 45;
    /// Bytes of an inbox forced-exit message: 0x01 ‖ owner ‖ u32 slot (SPEC §13.1).
    uint256 internal constant FORCED_EXIT_MESSAGE_BYTES = 25;
    /// Largest DA payload of a batch posted on L1 (SPEC §9.4, §13).
    uint256 internal constant MAX_L1_DA_BYTES = 0x1d4c0;
}
