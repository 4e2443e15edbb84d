// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Header} from "../L2Types.sol";

/// @title Batch submission (docs/SPEC.md §13.2): one header hash stored per batch.
/// @notice Batches are numbered from 1; each states the index it expects and consumes the next
/// `inboxCount` inbox messages (whatever its DA bytes are, SPEC §9.4). Every message older than
/// the force delay must be consumed: a batch that would leave one behind is refused, and anyone may
/// force-include overdue messages in an empty batch when the sequencer does not.
interface IBatches {
    /// The header as stored (its hash is `headerHash(index)`). For calldata batches the DA bytes
    /// are the `da` argument of the posting transaction; for blobs the versioned hashes are the
    /// transaction's; for committee batches the bytes are held off-chain by the committee.
    event BatchPosted(uint64 indexed index, bytes32 indexed headerHash, Header header);

    error NotSequencer(address caller);
    error WrongIndex(uint64 expected, uint64 given);
    error DaTooLarge(uint256 length, uint256 max);
    /// A blob batch above MAX_BLOB_DA_BYTES (105,000): its costliest step would not fit 5M gas (D50).
    error BlobDaTooLarge(uint256 length, uint256 max);
    error InboxRangeOutOfBounds(uint256 end, uint256 messageCount);
    /// The first message left unconsumed is older than the force delay: it must be in this batch.
    error OverdueMessageSkipped(uint256 index, uint64 l1Timestamp);
    /// The supplied preimage of the first unconsumed record is not that record.
    error BadRecordPreimage(uint256 index);
    error NothingOverdue();
    error NoBlobs();
    error BlobIndexOutOfRange(uint256 index);
    error NotCommitteeMode();
    error CommitteeQuorumNotMet(uint256 signers, uint256 quorum);
    /// Signers must be committee members in strictly increasing address order (no repeats).
    error BadCommitteeSignature(uint256 index);

    /// Calldata DA (daKind 0). `nextRecordPreimage` is `message ‖ u64be l1Timestamp` of the first
    /// message this batch leaves unconsumed (empty when it consumes them all), so the contract can
    /// check that message is not overdue without storing timestamps.
    function postBatch(uint64 index, uint32 inboxCount, bytes calldata da, bytes calldata nextRecordPreimage) external;
    /// Blob DA (daKind 1): the transaction carries `blobCount` blobs holding the `daLength` DA bytes
    /// (packing in SPEC §13.6); daHash = keccak256 of the concatenated versioned hashes.
    function postBlobBatch(uint64 index, uint32 inboxCount, uint32 daLength, uint256 blobCount, bytes calldata nextRecordPreimage) external;
    /// Committee DA (daKind 2, validium deployments): the committee signs the data hash; `signatures`
    /// are 65-byte r ‖ s ‖ v over `committeeDigest(daHash, daLength)`, signers strictly increasing.
    function postCommitteeBatch(
        uint64 index,
        uint32 inboxCount,
        bytes32 daHash,
        uint32 daLength,
        bytes calldata signatures,
        bytes calldata nextRecordPreimage
    ) external;
    /// Anyone, when the sequencer left messages older than the force delay: an empty calldata batch
    /// (0 DA bytes, an empty transaction list) consuming messages up to and including every overdue one.
    /// `firstRecordPreimage` is `message ‖ u64be l1Timestamp` of the first unconsumed message, which
    /// must be overdue (NothingOverdue otherwise); `nextRecordPreimage` as in `postBatch`.
    function forceInclude(uint32 inboxCount, bytes calldata firstRecordPreimage, bytes calldata nextRecordPreimage) external;
    /// The digest committee members sign for a committee batch.
    function committeeDigest(bytes32 daHash, uint32 daLength) external view returns (bytes32);

    function batchCount() external view returns (uint64);
    function headerHash(uint64 index) external view returns (bytes32);
    /// The next inbox index a batch must start at.
    function inboxConsumed() external view returns (uint64);
}
