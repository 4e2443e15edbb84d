// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IBatches} from "./interfaces/IBatches.sol";
import {IInbox} from "./interfaces/IInbox.sol";
import {Header} from "./L2Types.sol";
import {BatchData} from "./BatchData.sol";

/// @title Batch submission (docs/SPEC.md §13.2, §13.6): one header hash stored per batch.
/// @notice The sequencer posts batches as calldata, blobs or (validium deployments) committee-signed
/// data hashes; anyone may force-include overdue inbox messages in an empty batch. Inbox timestamps
/// are not stored: a batch re-supplies the preimage of the first record it leaves unconsumed, and
/// since records are queued in time order, that one not being overdue means none after it is.
contract Batches is IBatches {
    /// The constructor's committee is not strictly increasing and non-zero, or the quorum is not
    /// within 1 … committee size (0 exactly when the committee is empty).
    error BadCommittee();
    error ZeroSequencer();
    /// A header may consume at most 2^20 messages (SPEC §9.4: a batch holds at most 2^20 entries).
    error InboxCountTooLarge(uint256 count, uint256 max);

    uint256 private constant MAX_DA_BYTES = BatchData.MAX_L1_DA_BYTES;
    /// The largest blob batch (SPEC §13.6, DECISIONS D50): a blob-bound step re-supplies the bytes
    /// in calldata *and* evaluates the blob, ~43.5 gas a DA byte at worst, so the costliest 105,000
    /// bytes settle in ~4.72M + the verifier's ≤ 0.1M, under the 5M step budget (120,000: ~5.47M).
    uint256 public constant MAX_BLOB_DA_BYTES = 105_000;
    uint256 private constant MAX_INBOX_COUNT = BatchData.MAX_ENTRIES;
    /// secp256k1n / 2: a larger s is the malleable twin of a low-s signature (EIP-2).
    uint256 private constant HALF_CURVE_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant COMMITTEE_BATCH_TYPEHASH = keccak256("CommitteeBatch(uint64 index,bytes32 daHash,uint32 daLength)");
    /// keccak256 of no bytes: the daHash of a force-included batch.
    bytes32 private constant EMPTY_DA_HASH = keccak256("");

    IInbox public immutable inbox;
    address public immutable sequencer;
    /// Seconds after which an inbox message must be consumed (DESIGN §7: 24 h).
    uint64 public immutable forceDelay;
    /// Signatures a committee batch needs; 0 when the deployment has no committee.
    uint256 public immutable quorum;

    /// Bits 0–63: batchCount; bits 64–127: inboxConsumed. One word, read and written once per batch.
    uint256 private _state;
    mapping(uint64 index => bytes32 headerHash) private _headers;
    mapping(address member => bool) public isCommitteeMember;

    /// @param committee validium committee, strictly increasing addresses; empty: no committee mode
    /// @param quorum_ signatures needed per committee batch (1 … committee.length; 0 without committee)
    constructor(IInbox inbox_, address sequencer_, uint64 forceDelay_, address[] memory committee, uint256 quorum_) {
        if (sequencer_ == address(0)) revert ZeroSequencer();
        if (committee.length == 0 ? quorum_ != 0 : (quorum_ == 0 || quorum_ > committee.length)) revert BadCommittee();
        address previous = address(0);
        for (uint256 i = 0; i < committee.length; i++) {
            if (committee[i] <= previous) revert BadCommittee();
            previous = committee[i];
            isCommitteeMember[previous] = true;
        }
        inbox = inbox_;
        sequencer = sequencer_;
        forceDelay = forceDelay_;
        quorum = quorum_;
    }

    /// @inheritdoc IBatches
    function postBatch(uint64 index, uint32 inboxCount, bytes calldata da, bytes calldata nextRecordPreimage) external {
        _onlySequencer();
        // calldata cannot reach 2^32 bytes: the uint32 is the length, which _post bounds
        _post(index, 0, keccak256(da), uint32(da.length), inboxCount, nextRecordPreimage);
    }

    /// @inheritdoc IBatches
    /// @dev Every blob of the transaction is in the header: blobhash(0 … blobCount − 1) must all
    /// exist (NoBlobs for the first, BlobIndexOutOfRange for a later one) and blobhash(blobCount)
    /// must not (BlobIndexOutOfRange(blobCount)), so a follower needs no blob the header omits.
    function postBlobBatch(uint64 index, uint32 inboxCount, uint32 daLength, uint256 blobCount, bytes calldata nextRecordPreimage)
        external
    {
        _onlySequencer();
        if (daLength > MAX_BLOB_DA_BYTES) revert BlobDaTooLarge(daLength, MAX_BLOB_DA_BYTES);
        if (blobCount == 0 || blobhash(0) == 0) revert NoBlobs();
        if (blobhash(blobCount) != 0) revert BlobIndexOutOfRange(blobCount);
        // every named blob exists before anything is allocated: blobhash(blobCount) = 0 holds for
        // any huge blobCount, the first missing blob does not
        for (uint256 i = 1; i < blobCount; i++) {
            if (blobhash(i) == 0) revert BlobIndexOutOfRange(i);
        }
        bytes32[] memory hashes = new bytes32[](blobCount);
        for (uint256 i = 0; i < blobCount; i++) {
            hashes[i] = blobhash(i);
        }
        _post(index, 1, keccak256(abi.encodePacked(hashes)), daLength, inboxCount, nextRecordPreimage);
    }

    /// @inheritdoc IBatches
    function postCommitteeBatch(
        uint64 index,
        uint32 inboxCount,
        bytes32 daHash,
        uint32 daLength,
        bytes calldata signatures,
        bytes calldata nextRecordPreimage
    ) external {
        _onlySequencer();
        if (quorum == 0) revert NotCommitteeMode();
        _post(index, 2, daHash, daLength, inboxCount, nextRecordPreimage);
        _checkCommittee(_committeeDigest(index, daHash, daLength), signatures);
    }

    /// @inheritdoc IBatches
    function forceInclude(uint32 inboxCount, bytes calldata firstRecordPreimage, bytes calldata nextRecordPreimage) external {
        uint256 state = _state;
        uint256 first = uint64(state >> 64);
        if (first >= inbox.messageCount()) revert NothingOverdue();
        uint64 timestamp = _recordTimestamp(first, firstRecordPreimage);
        if (uint256(timestamp) + forceDelay > block.timestamp) revert NothingOverdue();
        _post(uint64(state) + 1, 0, EMPTY_DA_HASH, 0, inboxCount, nextRecordPreimage);
    }

    /// @inheritdoc IBatches
    /// @dev EIP-712 (SPEC §13.6): domain ("l2engine", "1", chain id, this contract), struct
    /// CommitteeBatch(uint64 index, bytes32 daHash, uint32 daLength) with index = batchCount() + 1.
    function committeeDigest(bytes32 daHash, uint32 daLength) external view returns (bytes32) {
        return _committeeDigest(uint64(_state) + 1, daHash, daLength);
    }

    /// @inheritdoc IBatches
    function batchCount() external view returns (uint64) {
        return uint64(_state);
    }

    /// @inheritdoc IBatches
    function headerHash(uint64 index) external view returns (bytes32) {
        return _headers[index];
    }

    /// @inheritdoc IBatches
    function inboxConsumed() external view returns (uint64) {
        return uint64(_state >> 64);
    }

    function _onlySequencer() private view {
        if (msg.sender != sequencer) revert NotSequencer(msg.sender);
    }

    /// Checks the header's rules (index, DA length, inbox range, force delay) and stores its hash.
    function _post(uint64 index, uint8 daKind, bytes32 daHash, uint32 daLength, uint32 inboxCount, bytes calldata nextRecordPreimage)
        private
    {
        uint256 state = _state;
        uint64 count = uint64(state);
        if (index != uint256(count) + 1) revert WrongIndex(count + 1, index);
        if (daLength > MAX_DA_BYTES) revert DaTooLarge(daLength, MAX_DA_BYTES);
        if (inboxCount > MAX_INBOX_COUNT) revert InboxCountTooLarge(inboxCount, MAX_INBOX_COUNT);
        uint64 start = uint64(state >> 64);
        uint256 end = uint256(start) + inboxCount;
        uint256 messages = inbox.messageCount();
        if (end > messages) revert InboxRangeOutOfBounds(end, messages);
        if (end < messages) {
            // records are in time order: the first one left behind is the oldest one left behind
            uint64 timestamp = _recordTimestamp(end, nextRecordPreimage);
            if (uint256(timestamp) + forceDelay <= block.timestamp) revert OverdueMessageSkipped(end, timestamp);
        }
        Header memory h = Header({
            index: index,
            prevHeaderHash: _headers[count], // zero for batch 1: nothing is stored at index 0
            daKind: daKind,
            daHash: daHash,
            daLength: daLength,
            inboxStart: start,
            inboxCount: inboxCount,
            l1Block: uint64(block.number),
            l1Timestamp: uint64(block.timestamp)
        });
        bytes32 hash = BatchData.headerHash(h);
        _headers[index] = hash;
        _state = uint256(index) | (end << 64);
        emit BatchPosted(index, hash, h);
    }

    /// The timestamp of inbox record `index`, from its preimage `message ‖ u64be l1Timestamp`.
    function _recordTimestamp(uint256 index, bytes calldata preimage) private view returns (uint64) {
        if (preimage.length < 8 || keccak256(preimage) != inbox.record(index)) revert BadRecordPreimage(index);
        return uint64(bytes8(preimage[preimage.length - 8:]));
    }

    function _committeeDigest(uint64 index, bytes32 daHash, uint32 daLength) private view returns (bytes32) {
        bytes32 domain = keccak256(abi.encode(DOMAIN_TYPEHASH, keccak256("l2engine"), keccak256("1"), block.chainid, address(this)));
        bytes32 structHash = keccak256(abi.encode(COMMITTEE_BATCH_TYPEHASH, index, daHash, daLength));
        return keccak256(abi.encodePacked(hex"1901", domain, structHash));
    }

    /// At least `quorum` 65-byte signatures r ‖ s ‖ v of `digest`, low s, by committee members in
    /// strictly increasing address order (so none counts twice).
    function _checkCommittee(bytes32 digest, bytes calldata signatures) private view {
        uint256 n = signatures.length / 65;
        if (signatures.length % 65 != 0) revert BadCommitteeSignature(n);
        if (n < quorum) revert CommitteeQuorumNotMet(n, quorum);
        address previous = address(0);
        for (uint256 k = 0; k < n; k++) {
            bytes calldata sig = signatures[k * 65:k * 65 + 65];
            bytes32 r = bytes32(sig[0:32]);
            bytes32 s = bytes32(sig[32:64]);
            uint8 v = uint8(sig[64]);
            if (uint256(s) > HALF_CURVE_ORDER) revert BadCommitteeSignature(k);
            address signer = ecrecover(digest, v, r, s);
            // a failed recovery (v not 27 or 28, r or s out of range) is address 0, never above `previous`
            if (signer <= previous || !isCommitteeMember[signer]) revert BadCommitteeSignature(k);
            previous = signer;
        }
    }
}
