// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

// The seam between the DA decoder (BatchData.sol) and the one-step verifier (StepVerifier.sol):
// the structures of docs/SPEC.md as protocol v1 gives them (lead's design §H).

struct Entry {            // one L2 transaction as decoded from DA bytes (SPEC §6, §9.1)
    uint8 txType;         // 0 transfer,1 transferToNew,2 withdraw,3 createPool,4 addLiquidity,5 removeLiquidity,6 swap
    uint32[4] slot;       // slot fields in SPEC §6 field order (transfer: from,to; ...; addLiquidity: pool,fromA,fromB,lpSlot with 0xffffffff = new)
    uint128[3] amount;    // u128 fields in field order (transfer: amount, fee; createPool: amountA, amountB; ...)
    uint64 nonce;
    address toOwner;      // transferToNew only, else 0
    uint16 feeBps;        // createPool only, else 0
    bytes32 r;            // signature r
    bytes32 yParityAndS;  // EIP-2098 compact: yParity·2^255 + s
}

struct Header { uint64 index; bytes32 prevHeaderHash; uint8 daKind; bytes32 daHash; uint32 daLength;
                uint64 inboxStart; uint32 inboxCount; uint64 l1Block; uint64 l1Timestamp; }
