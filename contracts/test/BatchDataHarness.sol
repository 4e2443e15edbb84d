// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {BatchData} from "../BatchData.sol";
import {Entry, Header} from "../L2Types.sol";

/// Exposes BatchData to the tests and the gas measurement (test/l1/gas.ts).
contract BatchDataHarness {
    error DaHashMismatch();
    error DaLengthMismatch();

    function decode(bytes calldata da, uint256 inboxCount, uint256 i)
        external
        pure
        returns (bool ok, uint256 n, Entry memory e)
    {
        return BatchData.decode(da, inboxCount, i);
    }

    function check(bytes calldata da, uint256 inboxCount) external pure returns (bool ok, uint256 n) {
        return BatchData.check(da, inboxCount);
    }

    /// The entry binding of a transaction step (protocol v1 §F): the re-supplied DA bytes must be
    /// the header's, then transaction i is decoded from them.
    function bind(Header calldata h, bytes calldata da, uint256 i)
        external
        pure
        returns (bool ok, uint256 n, Entry memory e)
    {
        if (da.length != h.daLength) revert DaLengthMismatch();
        if (keccak256(da) != h.daHash) revert DaHashMismatch();
        return BatchData.decode(da, h.inboxCount, i);
    }

    function pairsOf(bytes calldata da, uint256 inboxCount)
        external
        pure
        returns (bool ok, uint32[] memory tokens, uint32[] memory slots)
    {
        return BatchData.pairsOf(da, inboxCount);
    }

    function headerHash(Header calldata h) external pure returns (bytes32) {
        return BatchData.headerHash(h);
    }

    function claimHash(
        uint64 batchIndex,
        bytes32 headerHash_,
        bytes32 parentClaimHash,
        uint32 stepCount,
        bytes32 traceRoot,
        bytes32 finalCommitment,
        bytes32 postStateRoot,
        bytes32 withdrawalsRoot,
        uint32 withdrawalCount,
        bytes32 contextHash
    ) external pure returns (bytes32) {
        return BatchData.claimHash(
            batchIndex, headerHash_, parentClaimHash, stepCount, traceRoot, finalCommitment, postStateRoot,
            withdrawalsRoot, withdrawalCount, contextHash
        );
    }

    function commitment(bytes32 stateRoot, bytes32 withdrawalsRoot, uint32 withdrawalCount, bytes32 contextHash)
        external
        pure
        returns (bytes32)
    {
        return BatchData.commitment(stateRoot, withdrawalsRoot, withdrawalCount, contextHash);
    }

    function inboxRecord(bytes calldata message, uint64 timestamp) external pure returns (bytes32) {
        return BatchData.inboxRecord(message, timestamp);
    }
}
