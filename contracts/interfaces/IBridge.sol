// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Withdrawals against confirmed claims, and the escape hatch (docs/SPEC.md §13.8).
/// @notice Withdrawal `i` of a confirmed claim is paid once (a spent bitmap) to its owner, whoever
/// sends the transaction. Once the rollup is frozen (IClaims.frozen), each slot of the last
/// confirmed state may be exited once with a slot proof, and each deposit no confirmed batch
/// consumed is refunded once.
interface IBridge {
    event WithdrawalPaid(uint64 indexed batchIndex, uint32 indexed index, address indexed owner, uint32 token, uint128 amount);
    event SlotExited(uint32 indexed slotIndex, address indexed owner, uint32 token, uint128 balance);
    event DepositRefunded(uint256 indexed inboxIndex, address indexed owner, uint32 token, uint128 amount);

    error NotConfirmed(bytes32 claimHash);
    error AlreadyPaid(uint64 batchIndex, uint32 index);
    error IndexOutOfRange(uint32 index, uint32 count);
    error BadProof();
    error NotFrozen();
    error NotLastConfirmed(bytes32 claimHash);
    error StateOpeningMismatch();
    error AlreadyExited(uint32 slotIndex);
    error NotExitable(uint32 slotIndex);
    error AlreadyRefunded(uint256 inboxIndex);
    error Consumed(uint256 inboxIndex, uint256 consumedEnd);
    error NotADeposit(uint256 inboxIndex);
    error RecordMismatch(uint256 inboxIndex);
    // Added with the implementation (issue 12, H2):
    /// The header re-supplied for a refund is not the last confirmed batch's.
    error BadHeader(uint64 batchIndex);

    /// Pay withdrawal `index` (owner, token, amount) of the confirmed `claim` given a §3.3 multiproof
    /// of [index] against its withdrawalsRoot.
    function withdraw(bytes calldata claim, uint32 index, address owner, uint32 token, uint128 amount, bytes calldata proof) external;
    /// Frozen only: pay slot `slotIndex`'s balance to its owner, proved against the last confirmed
    /// state root (`claim` empty when only genesis is confirmed) opened as (treeRoot, slotCount).
    function exit(
        bytes calldata claim,
        bytes32 treeRoot,
        uint32 slotCount,
        uint32 slotIndex,
        bytes calldata slot,
        bytes calldata proof
    ) external;
    /// Frozen only: refund deposit `inboxIndex` (its 45-byte message and timestamp re-supplied) when
    /// no confirmed batch consumed it; `lastHeader` is the last confirmed batch's header (empty at genesis).
    function refund(uint256 inboxIndex, bytes calldata message, uint64 l1Timestamp, bytes calldata lastHeader) external;

    function isPaid(uint64 batchIndex, uint32 index) external view returns (bool);
    function isExited(uint32 slotIndex) external view returns (bool);
    function isRefunded(uint256 inboxIndex) external view returns (bool);
}
