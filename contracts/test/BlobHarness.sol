// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// Test-only stand-in for Batches.postBlobBatch's DA part (docs/SPEC.md §13.2, §13.7): records the
/// daHash a blob header gets, keccak256 of the transaction's versioned hashes blobhash(0 … n−1).
/// The real Batches contract is separate; this harness only lets the blob tests post a real blob
/// transaction and read back what a header would store. Not a protocol contract.
contract BlobHarness {
    error NoBlobs();
    error BlobIndexOutOfRange(uint256 index);

    bytes32 public lastDaHash;
    uint32 public lastDaLength;
    uint64 public lastBlock;
    uint64 public lastTimestamp;

    event BlobsPosted(bytes32 daHash, uint32 daLength, uint256 blobCount);

    function post(uint32 daLength, uint256 blobCount) external {
        if (blobCount == 0) revert NoBlobs();
        bytes32[] memory hashes = new bytes32[](blobCount);
        for (uint256 i = 0; i < blobCount; i++) {
            bytes32 h = blobhash(i);
            if (h == bytes32(0)) revert BlobIndexOutOfRange(i);
            hashes[i] = h;
        }
        // an extra blob the caller did not name would be outside the header: refuse it
        if (blobhash(blobCount) != bytes32(0)) revert BlobIndexOutOfRange(blobCount);
        bytes32 daHash = keccak256(abi.encodePacked(hashes));
        lastDaHash = daHash;
        lastDaLength = daLength;
        lastBlock = uint64(block.number);
        lastTimestamp = uint64(block.timestamp);
        emit BlobsPosted(daHash, daLength, blobCount);
    }
}
