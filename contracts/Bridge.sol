// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IBatches} from "./interfaces/IBatches.sol";
import {IBridge} from "./interfaces/IBridge.sol";
import {IClaims} from "./interfaces/IClaims.sol";
import {IInbox} from "./interfaces/IInbox.sol";
import {Multiproof} from "./Multiproof.sol";

/// @title Withdrawals against confirmed claims, and the escape hatch (docs/SPEC.md §13.9).
/// @notice Everything a payment depends on is bound to a stored hash before it is used: the claim
/// to the claims contract's confirmed hash of its batch, the withdrawal or slot to that claim's
/// roots by a §3.3 multiproof of exactly one index, a deposit to its inbox record, the last
/// confirmed batch's header to the batch contract's hash. Each payment is made once (a bitmap,
/// 256 flags per word) and always to the owner the proved record names, whoever sends it.
contract Bridge is IBridge {
    uint256 internal constant DEPOSIT_BYTES = 45;
    /// Tokens from 2^31 are pool shares (SPEC §4.1): they exist only on L2.
    uint256 internal constant FIRST_LP_TOKEN = 1 << 31;

    IClaims public immutable claims;
    IBatches public immutable batches;
    IInbox public immutable inbox;

    /// (batchIndex << 32 | index >> 8) → 256 paid flags.
    mapping(uint256 => uint256) internal paid;
    /// slotIndex >> 8 → 256 exited flags.
    mapping(uint256 => uint256) internal exited;
    /// inboxIndex >> 8 → 256 refunded flags.
    mapping(uint256 => uint256) internal refunded;

    constructor(IClaims claims_, IBatches batches_, IInbox inbox_) {
        claims = claims_;
        batches = batches_;
        inbox = inbox_;
    }

    /// @inheritdoc IBridge
    function withdraw(bytes calldata claim, uint32 index, address owner, uint32 token, uint128 amount, bytes calldata proof)
        external
    {
        bytes32 claimHash = _hash(claim);
        uint64 batchIndex;
        bytes32 withdrawalsRoot;
        uint32 count;
        assembly ("memory-safe") {
            batchIndex := shr(192, calldataload(claim.offset))
            withdrawalsRoot := calldataload(add(claim.offset, 172))
            count := shr(224, calldataload(add(claim.offset, 204)))
        }
        // Claims confirms only 240-byte claims, each under its own batch index: bytes of another
        // length, or read at another index, cannot hash to the confirmed claim of that index
        if (claims.confirmedClaim(batchIndex) != claimHash) revert NotConfirmed(claimHash);
        if (index >= count) revert IndexOutOfRange(index, count);
        uint256 key = (uint256(batchIndex) << 32) | (index >> 8);
        uint256 bit = 1 << (index & 255);
        uint256 word = paid[key];
        if (word & bit != 0) revert AlreadyPaid(batchIndex, index);
        // SPEC §5.2: leaf = keccak256(owner ‖ u32 token ‖ u128 amount)
        bytes32 leaf = keccak256(abi.encodePacked(owner, token, amount));
        if (_rootOf(proof, index, leaf) != withdrawalsRoot) revert BadProof();
        paid[key] = word | bit;
        emit WithdrawalPaid(batchIndex, index, owner, token, amount);
        inbox.release(token, owner, amount);
    }

    /// @inheritdoc IBridge
    function exit(
        bytes calldata claim,
        bytes32 treeRoot,
        uint32 slotCount,
        uint32 slotIndex,
        bytes calldata slot,
        bytes calldata proof
    ) external {
        if (!claims.frozen()) revert NotFrozen();
        (uint64 lastBatch, bytes32 lastClaim,) = claims.lastConfirmed();
        bytes32 stateRoot;
        if (claim.length == 0) {
            // only genesis is confirmed: the state is the genesis state
            if (lastBatch != 0) revert NotLastConfirmed(bytes32(0));
            stateRoot = claims.genesisStateRoot();
        } else {
            // lastClaim is zero before the first confirmation, which no claim hashes to
            bytes32 claimHash = _hash(claim);
            if (claimHash != lastClaim) revert NotLastConfirmed(claimHash);
            assembly ("memory-safe") {
                stateRoot := calldataload(add(claim.offset, 140))
            }
        }
        // SPEC §4.3: stateRoot = keccak256(treeRoot ‖ u32 slotCount)
        if (keccak256(abi.encodePacked(treeRoot, slotCount)) != stateRoot) revert StateOpeningMismatch();
        if (slotIndex >= slotCount) revert IndexOutOfRange(slotIndex, slotCount);
        // (a slot of another length than 48 bytes hashes to no leaf: the proof refuses it)
        address owner;
        uint32 token;
        uint128 slotBalance;
        assembly ("memory-safe") {
            let w := calldataload(slot.offset)
            owner := shr(96, w)
            token := and(shr(64, w), 0xffffffff)
            slotBalance := shr(128, calldataload(add(slot.offset, 24)))
        }
        // SPEC §4.1: reserved owners (pool slots) and LP shares exist only on L2
        if (uint160(owner) >> 32 == 0 || token >= FIRST_LP_TOKEN) revert NotExitable(slotIndex);
        uint256 bit = 1 << (slotIndex & 255);
        uint256 word = exited[slotIndex >> 8];
        if (word & bit != 0) revert AlreadyExited(slotIndex);
        if (_rootOf(proof, slotIndex, keccak256(slot)) != treeRoot) revert BadProof();
        exited[slotIndex >> 8] = word | bit;
        emit SlotExited(slotIndex, owner, token, slotBalance);
        inbox.release(token, owner, slotBalance);
    }

    /// @inheritdoc IBridge
    function refund(uint256 inboxIndex, bytes calldata message, uint64 l1Timestamp, bytes calldata lastHeader) external {
        if (!claims.frozen()) revert NotFrozen();
        // SPEC §13.1: deposit = 0x00 ‖ owner (20) ‖ u32 token ‖ u128 amount ‖ u32 slot
        if (message.length != DEPOSIT_BYTES || message[0] != 0x00) revert NotADeposit(inboxIndex);
        if (keccak256(abi.encodePacked(message, l1Timestamp)) != inbox.record(inboxIndex)) revert RecordMismatch(inboxIndex);
        (uint64 lastBatch,,) = claims.lastConfirmed();
        uint256 consumedEnd;
        if (lastBatch != 0) {
            // (bytes of another length than 105 hash to no header)
            if (keccak256(lastHeader) != batches.headerHash(lastBatch)) revert BadHeader(lastBatch);
            assembly ("memory-safe") {
                // SPEC §13.2: u64 inboxStart at 77, u32 inboxCount at 85
                consumedEnd := add(shr(192, calldataload(add(lastHeader.offset, 77))), shr(224, calldataload(add(lastHeader.offset, 85))))
            }
        }
        if (inboxIndex < consumedEnd) revert Consumed(inboxIndex, consumedEnd);
        uint256 bit = 1 << (inboxIndex & 255);
        uint256 word = refunded[inboxIndex >> 8];
        if (word & bit != 0) revert AlreadyRefunded(inboxIndex);
        refunded[inboxIndex >> 8] = word | bit;
        address owner;
        uint32 token;
        uint128 amount;
        assembly ("memory-safe") {
            owner := shr(96, calldataload(add(message.offset, 1)))
            token := shr(224, calldataload(add(message.offset, 21)))
            amount := shr(128, calldataload(add(message.offset, 25)))
        }
        emit DepositRefunded(inboxIndex, owner, token, amount);
        inbox.release(token, owner, amount);
    }

    /// @inheritdoc IBridge
    function isPaid(uint64 batchIndex, uint32 index) external view returns (bool) {
        return paid[(uint256(batchIndex) << 32) | (index >> 8)] & (1 << (index & 255)) != 0;
    }

    /// @inheritdoc IBridge
    function isExited(uint32 slotIndex) external view returns (bool) {
        return exited[slotIndex >> 8] & (1 << (slotIndex & 255)) != 0;
    }

    /// @inheritdoc IBridge
    function isRefunded(uint256 inboxIndex) external view returns (bool) {
        return refunded[inboxIndex >> 8] & (1 << (inboxIndex & 255)) != 0;
    }

    function _hash(bytes calldata b) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            calldatacopy(m, b.offset, b.length)
            h := keccak256(m, b.length)
        }
    }

    /// The root a §3.3 multiproof of exactly the one leaf `index` gives `leaf`; BadProof when the
    /// proof names another index or more than one (the library's typed errors for malformed bytes).
    function _rootOf(bytes calldata proof, uint256 index, bytes32 leaf) internal pure returns (bytes32 root) {
        uint256 start;
        assembly ("memory-safe") {
            start := proof.offset
        }
        Multiproof.View memory v = Multiproof.parse(start, proof.length, 1, 1);
        uint256 named;
        assembly ("memory-safe") {
            let w := calldataload(mload(add(v, 32)))
            named := or(or(byte(0, w), shl(8, byte(1, w))), or(shl(16, byte(2, w)), shl(24, byte(3, w))))
        }
        if (named != index || v.end != start + proof.length) revert BadProof();
        bytes32[] memory leaves = new bytes32[](1);
        leaves[0] = leaf;
        uint256 values;
        assembly ("memory-safe") {
            values := add(leaves, 32)
        }
        (root,) = Multiproof.roots(v, values, false);
    }
}
