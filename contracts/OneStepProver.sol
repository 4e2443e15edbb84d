// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {BatchData} from "./BatchData.sol";
import {BlobBinding} from "./BlobBinding.sol";
import {Entry, Header} from "./L2Types.sol";
import {StepVerifier} from "./StepVerifier.sol";

/// @title One step of a posted batch, bound to what L1 trusts (docs/SPEC.md §11, §13.4; protocol v1 §H).
/// @notice The seam between the batch's posted data and the stateless StepVerifier: step j of the
/// batch whose header is `h` is an inbox message (j < inboxCount, bound by its inbox record), a
/// transaction of the re-supplied DA bytes (bound by the header's daHash and decoded canonically),
/// or fee settlement (j = inboxCount + n). Undecodable DA bytes are a batch with no transactions
/// (SPEC §9.4), never a revert. Also computes C_0 from the parent state root's opening.
/// @dev A separate contract from StepVerifier: the two together exceed EIP-170's 24 KB (the
/// verifier alone is ~21 KB, BatchData's walk ~6 KB). The verifier is called with a static call;
/// its typed errors are re-thrown as they are.
contract OneStepProver {
    /// Root of the empty 4-ary depth-16 tree (SPEC §3.2, §11.1): the withdrawals root of C_0.
    bytes32 internal constant EMPTY_TREE_ROOT = 0x7e7b6055cf98e1f11e73d255568d365db03e1ec0ebfc0f43e75ec2136e76dad9;
    uint256 internal constant MAX_SLOTS = 1 << 24;
    uint8 internal constant DA_CALLDATA = 0;
    uint8 internal constant DA_BLOBS = 1;
    uint8 internal constant DA_COMMITTEE = 2;

    /// A DA kind other than calldata (0), blobs (1) and committee (2).
    error UnsupportedDaKind(uint8 daKind);
    error DaLengthMismatch(uint256 expected, uint256 actual);
    error DaHashMismatch(bytes32 expected, bytes32 actual);
    /// Step j of a batch with `steps` steps (inbox messages + transactions + settlement).
    error StepOutOfRange(uint256 j, uint256 steps);
    /// The parent state's opening (treeRoot, slotCount) does not hash to the agreed state root.
    error PreStateMismatch(bytes32 expected, bytes32 actual);
    error SlotCountOutOfRange(uint256 slotCount);

    StepVerifier public immutable verifier;

    constructor(StepVerifier verifier_) {
        verifier = verifier_;
    }

    /// @notice C_{j+1} of step j of the batch whose header is `h`, from the agreed C_j `pre`.
    /// @param binding j < h.inboxCount: the message ‖ u64be timestamp whose keccak256 is
    /// `inboxRecord` (the caller reads records[h.inboxStart + j] from the inbox); otherwise the
    /// batch's whole DA bytes — for a blob batch (daKind 1) followed by each blob's KZG commitment
    /// and proof (SPEC §13.7, BlobBinding)
    /// @param inboxRecord used for inbox-message steps only
    /// @custom:throws UnsupportedDaKind, DaLengthMismatch, DaHashMismatch when the DA bytes are not
    /// the header's, BlobBinding's errors when they are not its blobs'; StepOutOfRange for
    /// j > inboxCount + n; StepVerifier's errors for a bad proof
    function verifyStep(
        bytes32 domainSeparator,
        bytes32 pre,
        Header calldata h,
        uint256 j,
        bytes calldata proof,
        bytes calldata binding,
        bytes32 inboxRecord
    ) external view returns (bytes32 post) {
        uint256 inboxCount = h.inboxCount;
        if (j < inboxCount) return verifier.verifyMessage(domainSeparator, pre, binding, inboxRecord, proof);
        bytes calldata da = _bindDa(h, binding);
        uint256 i = j - inboxCount;
        (, uint256 n, bool found, Entry memory e) = BatchData.tryDecode(da, inboxCount, i);
        if (found) return verifier.verifyTransaction(domainSeparator, pre, e, proof);
        if (i == n) return verifier.verifySettlement(domainSeparator, pre, proof);
        revert StepOutOfRange(j, inboxCount + n + 1);
    }

    /// @notice The step count `inboxCount + n + 1` of the batch whose header is `h`, for the `n`
    /// transactions its DA bytes decode to (0 when undecodable, SPEC §9.4, §11.4).
    /// @param binding the DA bytes, as verifyStep's binding of a transaction step (with the blob
    /// commitments and proofs for a blob batch)
    /// @custom:throws the DA errors of verifyStep when `binding` is not the header's
    function stepCountOf(Header calldata h, bytes calldata binding) external view returns (uint256) {
        bytes calldata da = _bindDa(h, binding);
        (, uint256 n) = BatchData.check(da, h.inboxCount);
        return uint256(h.inboxCount) + n + 1;
    }

    /// @notice C_0 of the batch whose header is `h` (SPEC §11.1): the parent's state root with its
    /// opening checked, the empty withdrawals root and count 0, and the context of the DA bytes'
    /// fee pairs with nothing owed (no pairs when the bytes do not decode).
    /// @param binding the DA bytes, as verifyStep's binding of a transaction step (with the blob
    /// commitments and proofs for a blob batch)
    /// @custom:throws PreStateMismatch, SlotCountOutOfRange for a wrong opening; the DA errors of
    /// verifyStep when `binding` is not the header's
    function startCommitment(
        bytes32 domainSeparator,
        bytes32 parentTreeRoot,
        uint32 parentSlotCount,
        bytes32 parentStateRoot,
        bytes calldata binding,
        Header calldata h
    ) external view returns (bytes32) {
        if (parentSlotCount > MAX_SLOTS) revert SlotCountOutOfRange(parentSlotCount);
        bytes32 opened = keccak256(abi.encodePacked(parentTreeRoot, parentSlotCount));
        if (opened != parentStateRoot) revert PreStateMismatch(parentStateRoot, opened);
        bytes calldata da = _bindDa(h, binding);
        (, uint32[] memory tokens, uint32[] memory slots) = BatchData.pairsOf(da, h.inboxCount);
        bytes memory context = abi.encodePacked(domainSeparator, parentSlotCount);
        for (uint256 k = 0; k < tokens.length; k++) {
            context = bytes.concat(context, abi.encodePacked(tokens[k], slots[k], uint128(0)));
        }
        return BatchData.commitment(parentStateRoot, EMPTY_TREE_ROOT, 0, keccak256(context));
    }

    /// The re-supplied DA bytes are the header's (SPEC §13.4, §13.7); returns them (for blobs, the
    /// binding without its commitments and proofs).
    function _bindDa(Header calldata h, bytes calldata binding) internal view returns (bytes calldata da) {
        uint8 kind = h.daKind;
        if (kind == DA_BLOBS) return BlobBinding.bind(binding, h.daLength, h.daHash);
        if (kind != DA_CALLDATA && kind != DA_COMMITTEE) revert UnsupportedDaKind(kind);
        da = binding;
        if (da.length != h.daLength) revert DaLengthMismatch(h.daLength, da.length);
        bytes32 actual;
        assembly ("memory-safe") {
            // hashed in scratch memory past the free pointer: up to 120 KB that nothing keeps
            let m := mload(0x40)
            calldatacopy(m, da.offset, da.length)
            actual := keccak256(m, da.length)
        }
        if (actual != h.daHash) revert DaHashMismatch(h.daHash, actual);
    }
}
