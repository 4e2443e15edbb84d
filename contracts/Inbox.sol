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

    /// The first 8 tokens of the registry are also immutables (lane k of `_fastIds` holds id + 1,
    /// 0 when unused): a deposit finds its ERC-20 in the code, not in storage (2,100 gas less).
    uint256 private immutable _fastIds;
    address private immutable _fast0;
    address private immutable _fast1;
    address private immutable _fast2;
    address private immutable _fast3;
    address private immutable _fast4;
    address private immutable _fast5;
    address private immutable _fast6;
    address private immutable _fast7;

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
        address[8] memory fast;
        uint256 fastIds;
        for (uint256 k = 0; k < 8 && k < tokenIds.length; k++) {
            fastIds |= (uint256(tokenIds[k]) + 1) << (32 * k);
            fast[k] = erc20s[k];
        }
        (_fastIds, _fast0, _fast1, _fast2, _fast3) = (fastIds, fast[0], fast[1], fast[2], fast[3]);
        (_fast4, _fast5, _fast6, _fast7) = (fast[4], fast[5], fast[6], fast[7]);
        _head = uint256(uint160(msg.sender)) << 64;
    }

    /// @inheritdoc IInbox
    function deposit(uint32 token, uint128 amount, uint32 slot) external returns (uint256 index) {
        address erc20 = _erc20Of(token);
        if (erc20 == address(0)) revert UnknownToken(token);
        if (amount == 0) revert ZeroAmount();
        // queued before the pull (checks-effects-interactions): a reentrant token can only queue
        // more messages it pays for, in its own order
        // 0x00 ‖ owner ‖ u32 token ‖ u128 amount ‖ u32 slot, as two left-aligned words
        uint256 w0 = (uint256(uint160(msg.sender)) << 88) | (uint256(token) << 56) | (uint256(amount) >> 72);
        uint256 w1 = (uint256(amount) << 184) | (uint256(slot) << 152);
        index = _queue(w0, w1, 45);
        _callToken(erc20, 0x23b872dd, msg.sender, uint160(address(this)), amount); // transferFrom(owner, escrow, amount)
    }

    /// @inheritdoc IInbox
    /// @dev Slot 0xffffffff is refused: it is the "no slot" value of §13.1 and never a slot, so
    /// such an exit could only fail on L2 after costing its sender a message.
    function forceExit(uint32 slot) external returns (uint256 index) {
        if (slot == NO_SLOT) revert SlotNotEncodable(slot);
        // 0x01 ‖ owner ‖ u32 slot
        index = _queue((1 << 248) | (uint256(uint160(msg.sender)) << 88) | (uint256(slot) << 56), 0, 25);
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
        address erc20 = _erc20Of(token);
        if (erc20 == address(0)) revert UnknownToken(token);
        _callToken(erc20, 0xa9059cbb, to, amount, 0); // transfer(to, amount)
        emit Released(token, to, amount);
    }

    /// The registry's ERC-20 for `token`: the immutables first, storage beyond the eighth token.
    function _erc20Of(uint32 token) private view returns (address) {
        uint256 ids = _fastIds;
        uint256 key = uint256(token) + 1;
        if (uint32(ids) == key) return _fast0;
        if (uint32(ids >> 32) == key) return _fast1;
        if (uint32(ids >> 64) == key) return _fast2;
        if (uint32(ids >> 96) == key) return _fast3;
        if (uint32(ids >> 128) == key) return _fast4;
        if (uint32(ids >> 160) == key) return _fast5;
        if (uint32(ids >> 192) == key) return _fast6;
        if (uint32(ids >> 224) == key) return _fast7;
        return _erc20[token];
    }

    /// Stores record = keccak256(message ‖ u64be block.timestamp) at the next index and emits
    /// MessageQueued. The message is `length` ≤ 64 bytes held left-aligned in w0 ‖ w1 (zero after
    /// it). Written in assembly so the bytes are laid out once, as the event's ABI data, and hashed
    /// in place: the deposit's gas target has no room for Solidity's three copies.
    function _queue(uint256 w0, uint256 w1, uint256 length) private returns (uint256 index) {
        bytes32 topic = MessageQueued.selector;
        assembly ("memory-safe") {
            let head := sload(_head.slot)
            index := and(head, 0xffffffffffffffff)
            let t := timestamp()
            // event data (abi.encode(bytes message, uint64 l1Timestamp)): offset, timestamp, length, message
            let p := mload(0x40)
            mstore(p, 0x40)
            mstore(add(p, 0x20), t)
            mstore(add(p, 0x40), length)
            let m := add(p, 0x60)
            mstore(m, w0)
            mstore(add(m, 0x20), w1)
            // the record hashes message ‖ u64be timestamp: put the timestamp right after the
            // message, hash, then zero it again (it sits in the event data's padding)
            mstore(add(m, length), shl(192, t))
            let record := keccak256(m, add(length, 8))
            mstore(add(m, length), 0)
            mstore(0, index)
            mstore(0x20, _records.slot)
            sstore(keccak256(0, 0x40), record)
            // 2^64 messages cannot be paid for: the count never carries into the deployer bits
            sstore(_head.slot, add(head, 1))
            log3(p, 0xa0, topic, index, caller())
        }
    }

    /// Calls `selector(a, b, c)` on the ERC-20 (`c` dropped when zero: transfer takes two
    /// arguments) and accepts what common tokens return on success: `true`, or nothing at all
    /// (USDT-style) from an address that has code. The call is laid out in scratch memory past
    /// the free pointer, nothing allocated.
    function _callToken(address erc20, uint32 selector, address a, uint256 b, uint256 c) private {
        bool ok;
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, shl(224, selector))
            mstore(add(p, 4), a)
            mstore(add(p, 0x24), b)
            mstore(add(p, 0x44), c)
            let size := 0x64
            if iszero(c) { size := 0x44 }
            ok := call(gas(), erc20, 0, p, size, 0, 32)
            switch returndatasize()
            case 0 { ok := and(ok, gt(extcodesize(erc20), 0)) }
            default { ok := and(ok, and(gt(returndatasize(), 31), eq(mload(0), 1))) }
        }
        if (!ok) revert TransferFailed(erc20);
    }
}
