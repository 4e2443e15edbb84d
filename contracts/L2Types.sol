// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// One L2 transaction as decoded from the DA bytes (docs/SPEC.md §6, §9.1; protocol v1 §H).
/// Fields a type does not use are zero; the verifier refuses an entry where they are not.
struct Entry {
    /// 0 transfer, 1 transferToNew, 2 withdraw, 3 createPool, 4 addLiquidity, 5 removeLiquidity, 6 swap
    uint8 txType;
    /// Slot fields in SPEC §6 field order: transfer from, to · transferToNew from · withdraw from ·
    /// createPool fromA, fromB · addLiquidity pool, fromA, fromB, lpSlot (0xffffffff = new) ·
    /// removeLiquidity pool, lpSlot, toA, toB · swap pool, from, to
    uint32[4] slot;
    /// u128 fields in field order: amount, fee · amount, fee · amount, fee · amountA, amountB ·
    /// amountA, amountB, minShares · shares, minA, minB · amountIn, minOut
    uint128[3] amount;
    uint64 nonce;
    /// transferToNew only, else 0
    address toOwner;
    /// createPool only, else 0
    uint16 feeBps;
    /// signature r
    bytes32 r;
    /// EIP-2098 compact: yParity·2^255 + s
    bytes32 yParityAndS;
}

/// A batch header as the batch contract stores it (protocol v1 §E), one storage hash each.
struct Header {
    uint64 index;
    bytes32 prevHeaderHash;
    uint8 daKind;
    bytes32 daHash;
    uint32 daLength;
    uint64 inboxStart;
    uint32 inboxCount;
    uint64 l1Block;
    uint64 l1Timestamp;
}
