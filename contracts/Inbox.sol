// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IInbox} from "./interfaces/IInbox.sol";

/// @title The L1 inbox (docs/SPEC.md §13.1, §13.6): ERC-20 deposits into escrow, forced exits.
/// @notice One new storage word per message (its record), plus the message count, which shares a
/// slot with the deployer so that the count's slot is never zero and no message pays for creating
/// it (DECISIONS D40).
contract Inbox is IInbox {
    /// The constructor's token registry is malformed at `index` (lengths differ, an id ≥ 2^31 or
    /// repeated, an ERC-20 without code).
    error BadTokenRegistry(uint256 index);
    /// `bind` was given the zero address (it would leave the escrow unbound for good).
    error ZeroBridge();

    /// L2 token ids are below 2^31 (higher ids are LP tokens, SPEC §4.1).
    uint256 private constant TOKEN_ID_LIMIT = 1 << 31;
    /// SPEC §13.1: a deposit's slot field when none is named; never a slot (MAX_SLOTS = 2^24).
    uint32 private constant NO_SLOT = type(uint32).max;

    /// Bits 0–63: messageCount; bits 64–223: the deployer (the one `bind` caller).
    uint256 private _head;
    /// @inheritdoc IInbox
    address public bridge;
    mapping(uint32 token => address erc20) private _erc20;
    mapping(uint256 index => bytes32 record) private _records;

    /// @param tokenIds L2 token ids (< 2^31, distinct), each backed by the ERC-20 at the same position
    /// @param erc20s the ERC-20 contracts (with code; plain tokens: no fee on transfer, no rebasing)
    constructor(uint32[] memory tokenIds, address[] memory erc20s) {
        if (tokenIds.length != erc20s.length) revert BadTokenRegistry(tokenIds.length);
        for (uint256 i = 0; i < tokenIds.length; i++) {
            uint32 id = tokenIds[i];
            address erc20 = erc20s[i];
            if (id >= TOKEN_ID_LIMIT || _erc20[id] != address(0) || erc20.code.length == 0) revert BadTokenRegistry(i);
            _erc20[id] = erc20;
        }
        _head = uint256(uint160(msg.sender)) << 64;
    }

    /// @inheritdoc IInbox
    function deposit(uint32 token, uint128 amount, uint32 slot) external returns (uint256 index) {
        address erc20 = _erc20[token];
        if (erc20 == address(0)) revert UnknownToken(token);
        if (amount == 0) revert ZeroAmount();
        // queued before the pull (checks-effects-interactions): a reentrant token can only queue
        // more messages it pays for, in its own order
        index = _queue(abi.encodePacked(uint8(0), msg.sender, token, amount, slot));
        _callToken(erc20, abi.encodeWithSelector(0x23b872dd, msg.sender, address(this), amount)); // transferFrom
    }

    /// @inheritdoc IInbox
    /// @dev Slot 0xffffffff is refused: it is the "no slot" value of §13.1 and never a slot, so
    /// such an exit could only fail on L2 after costing its sender a message.
    function forceExit(uint32 slot) external returns (uint256 index) {
        if (slot == NO_SLOT) revert SlotNotEncodable(slot);
        index = _queue(abi.encodePacked(uint8(1), msg.sender, slot));
    }

    /// @inheritdoc IInbox
    function messageCount() external view returns (uint256) {
        return uint64(_head);
    }

    /// @inheritdoc IInbox
    function record(uint256 index) external view returns (bytes32) {
        uint256 count = uint64(_head);
        if (index >= count) revert IndexOutOfRange(index, count);
        return _records[index];
    }

    /// @inheritdoc IInbox
    function erc20Of(uint32 token) external view returns (address) {
        return _erc20[token];
    }

    /// @inheritdoc IInbox
    function bind(address bridge_) external {
        if (msg.sender != address(uint160(_head >> 64))) revert NotDeployer(msg.sender);
        if (bridge != address(0)) revert AlreadyBound();
        if (bridge_ == address(0)) revert ZeroBridge();
        bridge = bridge_;
    }

    /// @inheritdoc IInbox
    function release(uint32 token, address to, uint256 amount) external {
        if (msg.sender != bridge) revert NotBridge(msg.sender);
        address erc20 = _erc20[token];
        if (erc20 == address(0)) revert UnknownToken(token);
        _callToken(erc20, abi.encodeWithSelector(0xa9059cbb, to, amount)); // transfer
        emit Released(token, to, amount);
    }

    /// Stores record = keccak256(message ‖ u64be block.timestamp) at the next index and emits it.
    function _queue(bytes memory message) private returns (uint256 index) {
        uint256 head = _head;
        index = uint64(head);
        uint64 timestamp = uint64(block.timestamp);
        _records[index] = keccak256(abi.encodePacked(message, timestamp));
        _head = head + 1; // 2^64 messages cannot be paid for: the count never carries into the deployer
        emit MessageQueued(index, msg.sender, message, timestamp);
    }

    /// Calls the ERC-20 and accepts what common tokens return on success: `true`, or nothing at
    /// all (USDT-style) from an address that has code.
    function _callToken(address erc20, bytes memory data) private {
        bool ok;
        assembly ("memory-safe") {
            ok := call(gas(), erc20, 0, add(data, 32), mload(data), 0, 32)
            switch returndatasize()
            case 0 { ok := and(ok, gt(extcodesize(erc20), 0)) }
            default { ok := and(ok, and(gt(returndatasize(), 31), eq(mload(0), 1))) }
        }
        if (!ok) revert TransferFailed(erc20);
    }
}
