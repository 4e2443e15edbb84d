// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Entry} from "../L2Types.sol";
import {StepVerifier} from "../StepVerifier.sol";

/// Exposes the reason code next to the post-commitment, so the tests can check that each failing
/// transaction fails for the reason its check order gives (SPEC §6), not only that the post matches.
contract StepVerifierHarness is StepVerifier {
    function transactionOutcome(bytes32 domainSeparator, bytes32 pre, Entry calldata e, bytes calldata proof)
        external
        pure
        returns (bytes32 post, uint8 reason)
    {
        return _transaction(domainSeparator, pre, e, proof);
    }

    function messageOutcome(
        bytes32 domainSeparator,
        bytes32 pre,
        bytes calldata messageAndTimestamp,
        bytes32 inboxRecord,
        bytes calldata proof
    ) external pure returns (bytes32 post, uint8 reason) {
        return _message(domainSeparator, pre, messageAndTimestamp, inboxRecord, proof);
    }
}
