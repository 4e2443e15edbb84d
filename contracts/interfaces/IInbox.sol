// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title The L1 inbox: ERC-20 deposits into escrow and forced-exit requests (docs/SPEC.md §13.1).
/// @notice Every message is one storage word, `record[i] = keccak256(message ‖ u64be l1Timestamp)`,
/// and one event carrying the message bytes and the timestamp, so a node rebuilds the inbox from
/// events alone. The escrow pays out only on the bridge's instruction (withdrawals, escape-hatch
/// exits, refunds of deposits never consumed).
interface IInbox {
    /// A message was queued: `message` is the 45-byte deposit or 25-byte forced exit of SPEC §13.1.
    event MessageQueued(uint256 indexed index, address indexed owner, bytes message, uint64 l1Timestamp);
    /// The escrow paid `amount` of L2 token `token` (its ERC-20 `erc20`) to `to`, on the bridge's instruction.
    event Released(uint32 indexed token, address indexed to, uint256 amount);

    error UnknownToken(uint32 token);
    error ZeroAmount();
    /// SPEC §13.1: slot 0xffffffff is "no slot named" in the encoding, so it cannot be named.
    error SlotNotEncodable(uint32 slot);
    error TransferFailed(address erc20);
    error NotBridge(address caller);
    error AlreadyBound();
    error NotDeployer(address caller);
    error IndexOutOfRange(uint256 index, uint256 count);

    /// Deposit `amount` of L2 token `token` for `msg.sender`, crediting slot `slot` when it fits
    /// (0xffffffff names none: a new slot). Pulls the ERC-20 with transferFrom into escrow.
    function deposit(uint32 token, uint128 amount, uint32 slot) external returns (uint256 index);
    /// Ask the chain to withdraw the whole balance of `slot`, owned by `msg.sender` (SPEC §6.1).
    function forceExit(uint32 slot) external returns (uint256 index);
    /// Number of messages queued so far; records are `0 … messageCount() − 1`.
    function messageCount() external view returns (uint256);
    /// `keccak256(message ‖ u64be l1Timestamp)` of message `index`.
    function record(uint256 index) external view returns (bytes32);
    /// The ERC-20 behind L2 token `token` (zero when none is registered).
    function erc20Of(uint32 token) external view returns (address);
    /// The bridge that may release escrow (set once by the deployer with `bind`).
    function bridge() external view returns (address);
    function bind(address bridge_) external;
    /// Pay out of escrow: only the bridge.
    function release(uint32 token, address to, uint256 amount) external;
}
