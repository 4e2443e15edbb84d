// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Entry} from "./L2Types.sol";
import {Multiproof} from "./Multiproof.sol";
import {L1Kind, Limits, Reason, TxType} from "./generated/Constants.sol";

/// @title The one-step verifier of protocol v1 (docs/SPEC.md §3–§7, §11; protocol v1 §A, §B, §D, §G).
/// @notice Written from the spec, not from the AssemblyScript core: the second, independent verifier.
/// Given the agreed pre-commitment C_j, the flat step proof and the step's entry, it returns
/// C_{j+1}. A transaction that fails is not an error: its reason decides the post-commitment
/// (reasons ≥ 5 consume the authorizing slot's nonce, SPEC §6). A proof that is malformed or does
/// not open the agreed commitment reverts with a typed error. Stateless: the calling contract binds
/// the entry to the posted batch (or the inbox record) and compares the result.
/// @dev Field numbers of {FieldOutOfRange}: see the F_* constants. Integers in the proof are
/// big-endian (protocol v1), except inside the embedded §3.3 multiproofs.
contract StepVerifier {
    // ---- limits (SPEC §4–§6, protocol v1 §A, §G), from the one table (scripts/layout-table.mjs) ----
    uint256 internal constant MAX_U128 = type(uint128).max;
    uint256 internal constant MAX_U64 = type(uint64).max;
    uint256 internal constant MAX_RESERVE = Limits.MAX_RESERVE;
    uint256 internal constant MAX_SLOTS = Limits.MAX_SLOTS;
    uint256 internal constant MAX_WITHDRAWALS = Limits.MAX_BATCH_ENTRIES;
    uint256 internal constant MAX_PAIRS = Limits.MAX_FEE_PAIRS;
    uint256 internal constant MAX_ENTRY_WITNESS = Limits.MAX_TOUCHED_SLOTS;
    uint256 internal constant MAX_SETTLEMENT_WITNESS = Limits.MAX_WITNESS_SLOTS;
    uint256 internal constant LP_FLAG = Limits.LP_TOKEN_FLAG;
    uint256 internal constant MINIMUM_LIQUIDITY = Limits.MINIMUM_LIQUIDITY;
    uint256 internal constant MAX_FEE_BPS = Limits.MAX_POOL_FEE_BPS;
    uint256 internal constant NEW_SLOT = Limits.NEW_SLOT;
    uint256 internal constant SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141;
    uint256 internal constant SECP256K1_HALF_N = SECP256K1_N >> 1;
    /// version ‖ treeRoot ‖ slotCount ‖ withdrawalsRoot ‖ withdrawalCount ‖ baseSlotCount ‖ pairCount
    uint256 internal constant FIXED_BYTES = 78;
    uint256 internal constant PAIR_BYTES = 24;
    uint256 internal constant SLOT_BYTES = 48;
    uint256 internal constant DEPOSIT_BYTES = Limits.DEPOSIT_MESSAGE_BYTES;
    uint256 internal constant FORCED_EXIT_BYTES = Limits.FORCED_EXIT_MESSAGE_BYTES;
    uint256 internal constant TIMESTAMP_BYTES = 8;

    // reasons (SPEC §7) are the table's: Reason.* in ./generated/Constants.sol

    // ---- fields named by FieldOutOfRange(field, index) ----
    uint8 internal constant F_VERSION = 0; // index: the version byte
    uint8 internal constant F_SLOT_COUNT = 1; // index: the value
    uint8 internal constant F_WITHDRAWAL_COUNT = 2; // index: the value
    uint8 internal constant F_BASE_SLOT_COUNT = 3; // index: the value
    uint8 internal constant F_PAIR_COUNT = 4; // index: the value
    uint8 internal constant F_PAIR_ORDER = 5; // index: the pair whose token is not above the previous one
    uint8 internal constant F_WITNESS_COUNT = 6; // index: the value
    uint8 internal constant F_WITNESS_SLOT = 7; // index: the witness position of a non-zero slot ≥ slotCount
    uint8 internal constant F_TX_TYPE = 8; // index: the value
    uint8 internal constant F_UNUSED_FIELD = 9; // index: slot 0–3, amount 4–6, toOwner 7, feeBps 8
    uint8 internal constant F_MESSAGE = 10; // index: the message's length (an unknown kind or a wrong size)

    error FieldOutOfRange(uint8 field, uint256 index);
    error TruncatedProof(uint256 needed, uint256 length);
    error TrailingBytes();
    error PreCommitmentMismatch(bytes32 expected, bytes32 actual);
    error WitnessMissing(uint32 slot);
    error WitnessUnused(uint32 slot);
    error WitnessRootMismatch(bytes32 expected, bytes32 actual);
    error WithdrawalIndexMismatch(uint256 named, uint256 expected);
    error WithdrawalRootMismatch(bytes32 expected, bytes32 actual);
    error InboxRecordMismatch(bytes32 expected, bytes32 actual);

    bytes32 internal constant TRANSFER_TYPEHASH =
        keccak256("Transfer(uint32 from,uint32 to,uint128 amount,uint128 fee,uint64 nonce)");
    bytes32 internal constant TRANSFER_TO_NEW_TYPEHASH =
        keccak256("TransferToNew(uint32 from,address toOwner,uint128 amount,uint128 fee,uint64 nonce)");
    bytes32 internal constant WITHDRAW_TYPEHASH = keccak256("Withdraw(uint32 from,uint128 amount,uint128 fee,uint64 nonce)");
    bytes32 internal constant CREATE_POOL_TYPEHASH = keccak256(
        "CreatePool(uint32 fromA,uint32 fromB,uint128 amountA,uint128 amountB,uint16 feeBps,uint64 nonce)"
    );
    bytes32 internal constant ADD_LIQUIDITY_TYPEHASH = keccak256(
        "AddLiquidity(uint32 pool,uint32 fromA,uint32 fromB,uint32 lpSlot,uint128 amountA,uint128 amountB,uint128 minShares,uint64 nonce)"
    );
    bytes32 internal constant REMOVE_LIQUIDITY_TYPEHASH = keccak256(
        "RemoveLiquidity(uint32 pool,uint32 lpSlot,uint32 toA,uint32 toB,uint128 shares,uint128 minA,uint128 minB,uint64 nonce)"
    );
    bytes32 internal constant SWAP_TYPEHASH =
        keccak256("Swap(uint32 pool,uint32 from,uint32 to,uint128 amountIn,uint128 minOut,uint64 nonce)");

    /// A witness slot as the step sees it (memory; widened to words).
    struct Slot {
        address owner;
        uint256 token;
        uint256 balance;
        uint256 nonce;
    }

    /// The opened pre-state of a step and what the step changed.
    struct Step {
        bytes32 treeRoot;
        uint256 slotCount;
        bytes32 withdrawalsRoot;
        uint256 withdrawalCount;
        uint256 pairCount;
        uint256 pairsAt; // calldata
        uint256 end; // calldata: the proof's end
        uint256 afterWitness; // calldata: where the withdrawal proof starts
        Multiproof.View witnessProof;
        uint256[] index; // witness indices, increasing
        Slot[] slot;
        bytes32[] leaves; // old leaves [0, w), new leaves [w, 2w)
        uint256 used; // bit p: witness position p was needed
        uint256 dirty; // bit p: witness position p changed
        bytes context; // domainSeparator ‖ u32be baseSlotCount ‖ pairs, as hashed into contextHash
        bytes32 contextHash;
        uint256 feePair; // 1 + the pair whose owed grew, 0 for none
        uint256 feeOwed; // its new owed amount
        bool withdraws;
        address withdrawOwner;
        uint256 withdrawToken;
        uint256 withdrawAmount;
    }

    // ================================ the interface (protocol v1 §H) ================================

    /// @notice C_{j+1} for a transaction step: `e` is transaction j − inboxCount of the posted batch.
    /// @dev Reverts with a typed error for a malformed entry or proof, or one that does not open `pre`.
    function verifyTransaction(bytes32 domainSeparator, bytes32 pre, Entry calldata e, bytes calldata proof)
        external
        pure
        returns (bytes32 post)
    {
        (post,) = _transaction(domainSeparator, pre, e, proof);
    }

    /// @notice C_{j+1} for an L1-message step: `messageAndTimestamp` = message ‖ u64be timestamp
    /// (protocol v1 §D), whose keccak256 must be `inboxRecord` (read by the caller from the inbox).
    function verifyMessage(
        bytes32 domainSeparator,
        bytes32 pre,
        bytes calldata messageAndTimestamp,
        bytes32 inboxRecord,
        bytes calldata proof
    ) external pure returns (bytes32 post) {
        (post,) = _message(domainSeparator, pre, messageAndTimestamp, inboxRecord, proof);
    }

    /// @notice C_{E+1}: fee settlement, the batch's last step (protocol v1 §A).
    function verifySettlement(bytes32 domainSeparator, bytes32 pre, bytes calldata proof)
        external
        pure
        returns (bytes32 post)
    {
        Step memory st = _open(domainSeparator, pre, proof, MAX_SETTLEMENT_WITNESS);
        for (uint256 k = 0; k < st.pairCount; k++) {
            uint256 off = st.pairsAt + k * PAIR_BYTES;
            uint256 owed = _be(off + 8, 16);
            if (owed == 0) continue;
            uint256 i = _be(off + 4, 4);
            // a pair whose slot cannot take its fees burns them: only the sequencer loses
            if (i >= st.slotCount) continue;
            Slot memory s = st.slot[_need(st, i)];
            if (s.token != _be(off, 4) || _reserved(s.owner) || s.balance + owed > MAX_U128) continue;
            s.balance += owed;
            _touch(st, i);
        }
        post = _close(st);
    }

    // ================================ steps ================================

    function _transaction(bytes32 domainSeparator, bytes32 pre, Entry calldata e, bytes calldata proof)
        internal
        pure
        returns (bytes32 post, uint8 reason)
    {
        _checkEntry(e);
        Step memory st = _open(domainSeparator, pre, proof, MAX_ENTRY_WITNESS);
        uint256 t = e.txType;
        if (t == TxType.TRANSFER) reason = _transfer(st, domainSeparator, e);
        else if (t == TxType.TRANSFER_TO_NEW) reason = _transferToNew(st, domainSeparator, e);
        else if (t == TxType.WITHDRAW) reason = _withdraw(st, domainSeparator, e);
        else if (t == TxType.CREATE_POOL) reason = _createPool(st, domainSeparator, e);
        else if (t == TxType.ADD_LIQUIDITY) reason = _addLiquidity(st, domainSeparator, e);
        else if (t == TxType.REMOVE_LIQUIDITY) reason = _removeLiquidity(st, domainSeparator, e);
        else reason = _swap(st, domainSeparator, e);
        post = _close(st);
    }

    function _message(
        bytes32 domainSeparator,
        bytes32 pre,
        bytes calldata messageAndTimestamp,
        bytes32 inboxRecord,
        bytes calldata proof
    ) internal pure returns (bytes32 post, uint8 reason) {
        bytes32 record = keccak256(messageAndTimestamp);
        if (record != inboxRecord) revert InboxRecordMismatch(inboxRecord, record);
        uint256 m;
        assembly ("memory-safe") {
            m := messageAndTimestamp.offset
        }
        uint256 length = messageAndTimestamp.length;
        uint256 kind = length == 0 ? 0xff : _be(m, 1);
        if (!(kind == L1Kind.DEPOSIT && length == DEPOSIT_BYTES + TIMESTAMP_BYTES)
            && !(kind == L1Kind.FORCED_EXIT && length == FORCED_EXIT_BYTES + TIMESTAMP_BYTES)) revert FieldOutOfRange(F_MESSAGE, length);
        Step memory st = _open(domainSeparator, pre, proof, MAX_ENTRY_WITNESS);
        address owner = address(uint160(_be(m + 1, 20)));
        reason = kind == 0
            ? _deposit(st, owner, _be(m + 21, 4), _be(m + 25, 16), _be(m + 41, 4))
            : _forcedExit(st, owner, _be(m + 21, 4));
        post = _close(st);
    }

    /// SPEC §6.1 deposit; a refund appends the withdrawal (owner, token, amount).
    function _deposit(Step memory st, address owner, uint256 token, uint256 amount, uint256 i)
        internal
        pure
        returns (uint8 reason)
    {
        bool named = i != NEW_SLOT;
        uint256 p = named ? _need(st, i) : 0;
        if (token >= LP_FLAG) reason = Reason.INVALID_TOKEN;
        else if (_reserved(owner)) reason = Reason.RESERVED_OWNER;
        if (reason == Reason.OK) {
            if (named && i < st.slotCount) {
                Slot memory s = st.slot[p];
                if (s.owner == owner && s.token == token && s.balance + amount <= MAX_U128) {
                    s.balance += amount;
                    _touch(st, i);
                    return Reason.OK;
                }
            }
            if (st.slotCount + 1 > MAX_SLOTS) reason = Reason.CAPACITY;
        }
        if (reason != Reason.OK) {
            _appendWithdrawal(st, owner, token, amount);
            return reason;
        }
        _create(st, owner, token, amount, 0);
    }

    /// SPEC §6.1 forced exit: the whole balance leaves as a withdrawal.
    function _forcedExit(Step memory st, address owner, uint256 i) internal pure returns (uint8) {
        uint256 p = _need(st, i);
        if (_reserved(owner)) return Reason.RESERVED_OWNER;
        if (i >= st.slotCount) return Reason.UNKNOWN_SLOT;
        Slot memory s = st.slot[p];
        if (s.owner != owner) return Reason.OWNER_MISMATCH;
        if (s.token >= LP_FLAG) return Reason.INVALID_TOKEN;
        _appendWithdrawal(st, owner, s.token, s.balance);
        s.balance = 0;
        _touch(st, i);
        return Reason.OK;
    }

    /// SPEC §6.2 with protocol v1 §A fees.
    function _transfer(Step memory st, bytes32 ds, Entry calldata e) internal pure returns (uint8) {
        uint256 from = e.slot[0];
        uint256 to = e.slot[1];
        Slot memory a = st.slot[_need(st, from)];
        Slot memory b = st.slot[_need(st, to)];
        if (from >= st.slotCount || to >= st.slotCount) return Reason.UNKNOWN_SLOT;
        if (!_signedBy(ds, e, a.owner)) return Reason.BAD_SIGNATURE;
        if (!_nonceOk(a, e.nonce)) return Reason.BAD_NONCE;
        _consumeNonce(st, a, from);
        uint256 amount = e.amount[0];
        uint256 fee = e.amount[1];
        if (a.token != b.token) return Reason.TOKEN_MISMATCH;
        if (_reserved(b.owner)) return Reason.RESERVED_OWNER;
        (bool paid, uint256 pair, uint256 owed) = _feePair(st, a.token, fee);
        if (!paid) return Reason.NO_FEE_SLOT;
        if (amount + fee > a.balance) return Reason.INSUFFICIENT_BALANCE;
        if (to != from && b.balance + amount > MAX_U128) return Reason.OVERFLOW;
        if (owed + fee > MAX_U128) return Reason.OVERFLOW;
        a.balance -= amount + fee;
        b.balance += amount; // the same memory slot when to = from: a net debit of the fee
        _touch(st, to);
        _owe(st, pair, owed, fee);
        return Reason.OK;
    }

    /// SPEC §6.3 transferToNew.
    function _transferToNew(Step memory st, bytes32 ds, Entry calldata e) internal pure returns (uint8) {
        uint256 from = e.slot[0];
        Slot memory a = st.slot[_need(st, from)];
        if (from >= st.slotCount) return Reason.UNKNOWN_SLOT;
        if (!_signedBy(ds, e, a.owner)) return Reason.BAD_SIGNATURE;
        if (!_nonceOk(a, e.nonce)) return Reason.BAD_NONCE;
        _consumeNonce(st, a, from);
        uint256 amount = e.amount[0];
        uint256 fee = e.amount[1];
        if (_reserved(e.toOwner)) return Reason.RESERVED_OWNER;
        (bool paid, uint256 pair, uint256 owed) = _feePair(st, a.token, fee);
        if (!paid) return Reason.NO_FEE_SLOT;
        if (amount + fee > a.balance) return Reason.INSUFFICIENT_BALANCE;
        if (owed + fee > MAX_U128) return Reason.OVERFLOW;
        if (st.slotCount + 1 > MAX_SLOTS) return Reason.CAPACITY;
        a.balance -= amount + fee;
        _owe(st, pair, owed, fee);
        _create(st, e.toOwner, a.token, amount, 0);
        return Reason.OK;
    }

    /// SPEC §6.3 withdraw.
    function _withdraw(Step memory st, bytes32 ds, Entry calldata e) internal pure returns (uint8) {
        uint256 from = e.slot[0];
        Slot memory a = st.slot[_need(st, from)];
        if (from >= st.slotCount) return Reason.UNKNOWN_SLOT;
        if (!_signedBy(ds, e, a.owner)) return Reason.BAD_SIGNATURE;
        if (!_nonceOk(a, e.nonce)) return Reason.BAD_NONCE;
        _consumeNonce(st, a, from);
        uint256 amount = e.amount[0];
        uint256 fee = e.amount[1];
        if (a.token >= LP_FLAG) return Reason.INVALID_TOKEN;
        (bool paid, uint256 pair, uint256 owed) = _feePair(st, a.token, fee);
        if (!paid) return Reason.NO_FEE_SLOT;
        if (amount + fee > a.balance) return Reason.INSUFFICIENT_BALANCE;
        if (owed + fee > MAX_U128) return Reason.OVERFLOW;
        a.balance -= amount + fee;
        _owe(st, pair, owed, fee);
        _appendWithdrawal(st, a.owner, a.token, amount);
        return Reason.OK;
    }

    /// SPEC §6.4 createPool: pool p = slotCount gets slots p … p + 3 (§4.2).
    function _createPool(Step memory st, bytes32 ds, Entry calldata e) internal pure returns (uint8) {
        uint256 fromA = e.slot[0];
        uint256 fromB = e.slot[1];
        Slot memory a = st.slot[_need(st, fromA)];
        Slot memory b = st.slot[_need(st, fromB)];
        if (fromA >= st.slotCount || fromB >= st.slotCount) return Reason.UNKNOWN_SLOT;
        if (!_signedBy(ds, e, a.owner)) return Reason.BAD_SIGNATURE;
        if (b.owner != a.owner) return Reason.OWNER_MISMATCH;
        if (!_nonceOk(a, e.nonce)) return Reason.BAD_NONCE;
        _consumeNonce(st, a, fromA);
        uint256 amountA = e.amount[0];
        uint256 amountB = e.amount[1];
        uint256 feeBps = e.feeBps;
        if (a.token >= LP_FLAG || b.token >= LP_FLAG) return Reason.INVALID_TOKEN;
        if (a.token == b.token || feeBps > MAX_FEE_BPS || amountA == 0 || amountB == 0) return Reason.INVALID_POOL_PARAMS;
        if (amountA > a.balance || amountB > b.balance) return Reason.INSUFFICIENT_BALANCE;
        if (amountA > MAX_RESERVE || amountB > MAX_RESERVE) return Reason.OVERFLOW;
        uint256 shares = _sqrt(amountA * amountB);
        if (shares <= MINIMUM_LIQUIDITY) return Reason.INSUFFICIENT_OUTPUT;
        if (st.slotCount + 4 > MAX_SLOTS) return Reason.CAPACITY;
        a.balance -= amountA;
        b.balance -= amountB;
        _touch(st, fromB);
        uint256 p = st.slotCount;
        address pool = address(uint160(p));
        _create(st, pool, a.token, amountA, feeBps);
        _create(st, pool, b.token, amountB, 0);
        _create(st, pool, LP_FLAG + p, shares, 0);
        _create(st, a.owner, LP_FLAG + p, shares - MINIMUM_LIQUIDITY, 0);
        return Reason.OK;
    }

    /// SPEC §6.5 addLiquidity (pool, fromA, fromB, lpSlot; amountA, amountB, minShares).
    function _addLiquidity(Step memory st, bytes32 ds, Entry calldata e) internal pure returns (uint8) {
        uint256 p = e.slot[0];
        bool newLp = e.slot[3] == NEW_SLOT;
        (Slot memory rA, Slot memory rB, Slot memory sup, bool live) = _pool(st, p);
        Slot memory a = st.slot[_need(st, e.slot[1])];
        Slot memory b = st.slot[_need(st, e.slot[2])];
        Slot memory lp = newLp ? a : st.slot[_need(st, e.slot[3])];
        if (!live || e.slot[1] >= st.slotCount || e.slot[2] >= st.slotCount || (!newLp && e.slot[3] >= st.slotCount)) {
            return Reason.UNKNOWN_SLOT;
        }
        if (!_signedBy(ds, e, a.owner)) return Reason.BAD_SIGNATURE;
        if (b.owner != a.owner || lp.owner != a.owner) return Reason.OWNER_MISMATCH;
        if (!_nonceOk(a, e.nonce)) return Reason.BAD_NONCE;
        _consumeNonce(st, a, e.slot[1]);
        if (rA.owner != address(uint160(p))) return Reason.NOT_A_POOL;
        if (a.token != rA.token || b.token != rB.token || (!newLp && lp.token != LP_FLAG + p)) return Reason.TOKEN_MISMATCH;
        uint256 x = e.amount[0];
        uint256 y = e.amount[1];
        {
            uint256 yStar = x * rB.balance / rA.balance;
            if (yStar <= y) y = yStar;
            else x = y * rA.balance / rB.balance;
        }
        uint256 shares = _min(x * sup.balance / rA.balance, y * sup.balance / rB.balance);
        if (x > a.balance || y > b.balance) return Reason.INSUFFICIENT_BALANCE;
        if (
            rA.balance + x > MAX_RESERVE || rB.balance + y > MAX_RESERVE || sup.balance + shares > MAX_U128
                || (!newLp && lp.balance + shares > MAX_U128)
        ) return Reason.OVERFLOW;
        if (shares < e.amount[2]) return Reason.SLIPPAGE;
        if (shares == 0) return Reason.INSUFFICIENT_OUTPUT;
        if (newLp && st.slotCount + 1 > MAX_SLOTS) return Reason.CAPACITY;
        a.balance -= x;
        b.balance -= y;
        rA.balance += x;
        rB.balance += y;
        sup.balance += shares;
        _touch(st, e.slot[2]);
        _touch(st, p);
        _touch(st, p + 1);
        _touch(st, p + 2);
        if (newLp) {
            _create(st, a.owner, LP_FLAG + p, shares, 0);
        } else {
            lp.balance += shares;
            _touch(st, e.slot[3]);
        }
        return Reason.OK;
    }

    /// SPEC §6.5 removeLiquidity (pool, lpSlot, toA, toB; shares, minA, minB).
    function _removeLiquidity(Step memory st, bytes32 ds, Entry calldata e) internal pure returns (uint8) {
        uint256 p = e.slot[0];
        (Slot memory rA, Slot memory rB, Slot memory sup, bool live) = _pool(st, p);
        Slot memory lp = st.slot[_need(st, e.slot[1])];
        Slot memory a = st.slot[_need(st, e.slot[2])];
        Slot memory b = st.slot[_need(st, e.slot[3])];
        if (!live || e.slot[1] >= st.slotCount || e.slot[2] >= st.slotCount || e.slot[3] >= st.slotCount) {
            return Reason.UNKNOWN_SLOT;
        }
        if (!_signedBy(ds, e, lp.owner)) return Reason.BAD_SIGNATURE;
        if (a.owner != lp.owner || b.owner != lp.owner) return Reason.OWNER_MISMATCH;
        if (!_nonceOk(lp, e.nonce)) return Reason.BAD_NONCE;
        _consumeNonce(st, lp, e.slot[1]);
        if (rA.owner != address(uint160(p))) return Reason.NOT_A_POOL;
        if (lp.token != LP_FLAG + p || a.token != rA.token || b.token != rB.token) return Reason.TOKEN_MISMATCH;
        uint256 shares = e.amount[0];
        if (shares > lp.balance) return Reason.INSUFFICIENT_BALANCE;
        uint256 x = shares * rA.balance / sup.balance;
        uint256 y = shares * rB.balance / sup.balance;
        if (a.balance + x > MAX_U128 || b.balance + y > MAX_U128) return Reason.OVERFLOW;
        if (x < e.amount[1] || y < e.amount[2]) return Reason.SLIPPAGE;
        lp.balance -= shares;
        sup.balance -= shares;
        rA.balance -= x;
        rB.balance -= y;
        a.balance += x;
        b.balance += y;
        _touch(st, e.slot[2]);
        _touch(st, e.slot[3]);
        _touch(st, p);
        _touch(st, p + 1);
        _touch(st, p + 2);
        return Reason.OK;
    }

    /// SPEC §6.5 swap (pool, from, to; amountIn, minOut).
    function _swap(Step memory st, bytes32 ds, Entry calldata e) internal pure returns (uint8) {
        uint256 p = e.slot[0];
        (Slot memory rA, Slot memory rB, , bool live) = _pool(st, p);
        Slot memory a = st.slot[_need(st, e.slot[1])];
        Slot memory b = st.slot[_need(st, e.slot[2])];
        if (!live || e.slot[1] >= st.slotCount || e.slot[2] >= st.slotCount) return Reason.UNKNOWN_SLOT;
        if (!_signedBy(ds, e, a.owner)) return Reason.BAD_SIGNATURE;
        if (b.owner != a.owner) return Reason.OWNER_MISMATCH;
        if (!_nonceOk(a, e.nonce)) return Reason.BAD_NONCE;
        _consumeNonce(st, a, e.slot[1]);
        if (rA.owner != address(uint160(p))) return Reason.NOT_A_POOL;
        Slot memory rIn;
        Slot memory rOut;
        if (a.token == rA.token && b.token == rB.token) (rIn, rOut) = (rA, rB);
        else if (a.token == rB.token && b.token == rA.token) (rIn, rOut) = (rB, rA);
        else return Reason.TOKEN_MISMATCH;
        uint256 amountIn = e.amount[0];
        if (amountIn > a.balance) return Reason.INSUFFICIENT_BALANCE;
        if (rIn.balance + amountIn > MAX_RESERVE) return Reason.OVERFLOW;
        uint256 inAfterFee = amountIn * (Limits.BPS_DENOMINATOR - rA.nonce); // the pool's fee is slot p's nonce (§4.2)
        uint256 out = inAfterFee * rOut.balance / (rIn.balance * Limits.BPS_DENOMINATOR + inAfterFee);
        if (out < e.amount[1]) return Reason.SLIPPAGE;
        if (out == 0) return Reason.INSUFFICIENT_OUTPUT;
        if (b.balance + out > MAX_U128) return Reason.OVERFLOW;
        a.balance -= amountIn;
        rIn.balance += amountIn;
        rOut.balance -= out;
        b.balance += out;
        _touch(st, e.slot[2]);
        _touch(st, p);
        _touch(st, p + 1);
        return Reason.OK;
    }

    /// The pool's three slots p, p + 1, p + 2 when p + 2 exists (`live`), else only p is needed
    /// (SPEC §6 touched list) and the three returned slots are all slot p's.
    function _pool(Step memory st, uint256 p)
        internal
        pure
        returns (Slot memory rA, Slot memory rB, Slot memory supply, bool live)
    {
        rA = st.slot[_need(st, p)];
        live = p + 2 < st.slotCount;
        if (!live) return (rA, rA, rA, false);
        rB = st.slot[_need(st, p + 1)];
        supply = st.slot[_need(st, p + 2)];
    }

    // ================================ opening and closing a step ================================

    /// Parses and bounds the proof (protocol v1 §G), checks that its parts hash to `pre` (§B), and
    /// reads the witness. The witness multiproof is climbed in {_close}, once, for both roots.
    function _open(bytes32 ds, bytes32 pre, bytes calldata proof, uint256 maxWitness)
        internal
        pure
        returns (Step memory st)
    {
        uint256 off;
        assembly ("memory-safe") {
            off := proof.offset
        }
        uint256 length = proof.length;
        st.end = off + length;
        if (length < FIXED_BYTES) revert TruncatedProof(FIXED_BYTES, length);
        if (_be(off, 1) != 1) revert FieldOutOfRange(F_VERSION, _be(off, 1));
        st.treeRoot = bytes32(_be(off + 1, 32));
        st.slotCount = _be(off + 33, 4);
        if (st.slotCount > MAX_SLOTS) revert FieldOutOfRange(F_SLOT_COUNT, st.slotCount);
        st.withdrawalsRoot = bytes32(_be(off + 37, 32));
        st.withdrawalCount = _be(off + 69, 4);
        if (st.withdrawalCount >= MAX_WITHDRAWALS) revert FieldOutOfRange(F_WITHDRAWAL_COUNT, st.withdrawalCount);
        uint256 base = _be(off + 73, 4);
        if (base > st.slotCount) revert FieldOutOfRange(F_BASE_SLOT_COUNT, base);
        uint256 f = _be(off + 77, 1);
        if (f > MAX_PAIRS) revert FieldOutOfRange(F_PAIR_COUNT, f);
        st.pairCount = f;
        st.pairsAt = off + FIXED_BYTES;
        uint256 witnessCountAt = FIXED_BYTES + f * PAIR_BYTES;
        if (length < witnessCountAt + 1) revert TruncatedProof(witnessCountAt + 1, length);
        for (uint256 k = 1; k < f; k++) {
            if (_be(st.pairsAt + k * PAIR_BYTES, 4) <= _be(st.pairsAt + (k - 1) * PAIR_BYTES, 4)) {
                revert FieldOutOfRange(F_PAIR_ORDER, k);
            }
        }
        uint256 w = _be(off + witnessCountAt, 1);
        if (w > maxWitness) revert FieldOutOfRange(F_WITNESS_COUNT, w);
        uint256 witnessAt = off + witnessCountAt + 1;
        if (length < witnessCountAt + 1 + w * SLOT_BYTES) revert TruncatedProof(witnessCountAt + 1 + w * SLOT_BYTES, length);

        // contextHash = keccak256(domainSeparator ‖ u32be baseSlotCount ‖ pairs): the pairs are
        // already laid out in the proof exactly as hashed (u32 token ‖ u32 slot ‖ u128 owed)
        bytes memory context = new bytes(36 + f * PAIR_BYTES);
        bytes32 contextHash;
        assembly ("memory-safe") {
            let c := add(context, 32)
            mstore(c, ds)
            mstore(add(c, 32), shl(224, base))
            calldatacopy(add(c, 36), add(off, FIXED_BYTES), mul(f, PAIR_BYTES))
            contextHash := keccak256(c, add(36, mul(f, PAIR_BYTES)))
        }
        st.context = context;
        st.contextHash = contextHash;
        bytes32 actual = _commitment(st.treeRoot, st.slotCount, st.withdrawalsRoot, st.withdrawalCount, contextHash);
        if (actual != pre) revert PreCommitmentMismatch(pre, actual);

        uint256 proofAt = witnessAt + w * SLOT_BYTES;
        st.index = new uint256[](w);
        st.slot = new Slot[](w);
        st.leaves = new bytes32[](2 * w);
        if (w == 0) {
            st.afterWitness = proofAt;
            return st;
        }
        st.witnessProof = Multiproof.parse(proofAt, st.end - proofAt, w, maxWitness);
        st.afterWitness = st.witnessProof.end;
        uint256 indicesAt = st.witnessProof.indicesAt;
        for (uint256 p = 0; p < w; p++) {
            uint256 i = _u32le(indicesAt + 4 * p);
            uint256 s = witnessAt + p * SLOT_BYTES;
            st.index[p] = i;
            Slot memory slot = st.slot[p];
            if (i >= st.slotCount) {
                // not created yet: its leaf is zero and its bytes must be too (canonical)
                if (_be(s, 32) != 0 || _be(s + 16, 32) != 0) revert FieldOutOfRange(F_WITNESS_SLOT, p);
                continue;
            }
            slot.owner = address(uint160(_be(s, 20)));
            slot.token = _be(s + 20, 4);
            slot.balance = _be(s + 24, 16);
            slot.nonce = _be(s + 40, 8);
            bytes32 leaf;
            assembly ("memory-safe") {
                let m := mload(0x40)
                calldatacopy(m, s, 48)
                leaf := keccak256(m, 48)
            }
            st.leaves[p] = leaf;
        }
    }

    /// Checks the witness was exactly what the step needed and the proofs open the agreed roots,
    /// then hashes the post-state (§B): new leaves through the same multiproof, the new withdrawal
    /// through the withdrawal proof, the new owed amount into the context.
    function _close(Step memory st) internal pure returns (bytes32) {
        uint256 w = st.index.length;
        if (st.used != (1 << w) - 1) {
            for (uint256 p = 0; p < w; p++) {
                if (st.used & (1 << p) == 0) revert WitnessUnused(uint32(st.index[p]));
            }
        }
        bytes32 withdrawalsRoot = st.withdrawalsRoot;
        uint256 withdrawalCount = st.withdrawalCount;
        if (st.withdraws) {
            Multiproof.View memory v = Multiproof.parse(st.afterWitness, st.end - st.afterWitness, 1, 1);
            if (v.end != st.end) revert TrailingBytes();
            uint256 named = _u32le(v.indicesAt);
            if (named != withdrawalCount) revert WithdrawalIndexMismatch(named, withdrawalCount);
            bytes32[] memory leaves = new bytes32[](2);
            leaves[1] = keccak256(abi.encodePacked(st.withdrawOwner, uint32(st.withdrawToken), uint128(st.withdrawAmount)));
            uint256 values;
            assembly ("memory-safe") {
                values := add(leaves, 32)
            }
            (bytes32 oldRoot, bytes32 newRoot) = Multiproof.roots(v, values, true);
            if (oldRoot != withdrawalsRoot) revert WithdrawalRootMismatch(withdrawalsRoot, oldRoot);
            withdrawalsRoot = newRoot;
            withdrawalCount += 1;
        } else if (st.afterWitness != st.end) {
            revert TrailingBytes();
        }
        bytes32 treeRoot = st.treeRoot;
        if (w > 0) {
            bytes32[] memory leaves = st.leaves;
            for (uint256 p = 0; p < w; p++) {
                if (st.dirty & (1 << p) == 0) {
                    leaves[w + p] = leaves[p];
                    continue;
                }
                Slot memory s = st.slot[p];
                leaves[w + p] = keccak256(abi.encodePacked(s.owner, uint32(s.token), uint128(s.balance), uint64(s.nonce)));
            }
            uint256 values;
            assembly ("memory-safe") {
                values := add(leaves, 32)
            }
            (bytes32 oldRoot, bytes32 newRoot) = Multiproof.roots(st.witnessProof, values, true);
            if (oldRoot != treeRoot) revert WitnessRootMismatch(treeRoot, oldRoot);
            treeRoot = newRoot;
        }
        bytes32 contextHash = st.contextHash;
        if (st.feePair != 0) {
            bytes memory context = st.context;
            uint256 owedEnd = 36 + st.feePair * PAIR_BYTES; // the pair's owed is its last 16 bytes
            uint256 owed = st.feeOwed;
            assembly ("memory-safe") {
                let word := add(add(context, 32), sub(owedEnd, 32))
                mstore(word, or(and(mload(word), not(0xffffffffffffffffffffffffffffffff)), owed))
                contextHash := keccak256(add(context, 32), mload(context))
            }
        }
        return _commitment(treeRoot, st.slotCount, withdrawalsRoot, withdrawalCount, contextHash);
    }

    // ================================ helpers ================================

    /// The witness position of slot `i`, which the step needs: WitnessMissing if the proof left it out.
    function _need(Step memory st, uint256 i) internal pure returns (uint256 p) {
        uint256[] memory index = st.index;
        uint256 w = index.length;
        for (p = 0; p < w; p++) {
            if (index[p] == i) {
                st.used |= 1 << p;
                return p;
            }
        }
        revert WitnessMissing(uint32(i));
    }

    /// Marks slot `i` (already needed) as changed.
    function _touch(Step memory st, uint256 i) internal pure {
        st.dirty |= 1 << _need(st, i);
    }

    /// Appends slot `slotCount` (SPEC §4.1): it must be in the witness as not yet created.
    function _create(Step memory st, address owner, uint256 token, uint256 balance, uint256 nonce) internal pure {
        uint256 i = st.slotCount;
        Slot memory s = st.slot[_need(st, i)];
        (s.owner, s.token, s.balance, s.nonce) = (owner, token, balance, nonce);
        _touch(st, i);
        st.slotCount = i + 1;
    }

    function _appendWithdrawal(Step memory st, address owner, uint256 token, uint256 amount) internal pure {
        (st.withdraws, st.withdrawOwner, st.withdrawToken, st.withdrawAmount) = (true, owner, token, amount);
    }

    function _consumeNonce(Step memory st, Slot memory s, uint256 i) internal pure {
        s.nonce += 1;
        _touch(st, i);
    }

    function _nonceOk(Slot memory s, uint256 nonce) internal pure returns (bool) {
        return s.nonce == nonce && s.nonce != MAX_U64;
    }

    /// The fee pair for `token` (protocol v1 §A): `paid` is false for a non-zero fee with no pair.
    function _feePair(Step memory st, uint256 token, uint256 fee)
        internal
        pure
        returns (bool paid, uint256 pair, uint256 owed)
    {
        if (fee == 0) return (true, 0, 0);
        for (uint256 k = 0; k < st.pairCount; k++) {
            uint256 off = st.pairsAt + k * PAIR_BYTES;
            if (_be(off, 4) == token) return (true, k + 1, _be(off + 8, 16));
        }
        return (false, 0, 0);
    }

    function _owe(Step memory st, uint256 pair, uint256 owed, uint256 fee) internal pure {
        if (fee == 0) return;
        st.feePair = pair;
        st.feeOwed = owed + fee;
    }

    /// SPEC §4.1: an address whose first 16 bytes are zero (pool owners P(p)) never signs or receives.
    function _reserved(address a) internal pure returns (bool) {
        return uint160(a) >> 32 == 0;
    }

    /// SPEC §6.6: the EIP-712 signer of `e` is `owner`, a non-reserved address; low-s, 1 ≤ r < n.
    function _signedBy(bytes32 ds, Entry calldata e, address owner) internal pure returns (bool) {
        if (_reserved(owner)) return false;
        uint256 r = uint256(e.r);
        uint256 s = uint256(e.yParityAndS) & ((1 << 255) - 1);
        if (r == 0 || r >= SECP256K1_N || s == 0 || s > SECP256K1_HALF_N) return false;
        uint8 v = uint8(27 + (uint256(e.yParityAndS) >> 255));
        bytes32 digest = keccak256(abi.encodePacked(hex"1901", ds, _hashStruct(e)));
        return ecrecover(digest, v, bytes32(r), bytes32(s)) == owner;
    }

    /// hashStruct(tx) with the SPEC §6.6 type strings.
    function _hashStruct(Entry calldata e) internal pure returns (bytes32) {
        uint256 t = e.txType;
        if (t == TxType.TRANSFER) {
            return keccak256(abi.encode(TRANSFER_TYPEHASH, e.slot[0], e.slot[1], e.amount[0], e.amount[1], e.nonce));
        }
        if (t == TxType.TRANSFER_TO_NEW) {
            return keccak256(abi.encode(TRANSFER_TO_NEW_TYPEHASH, e.slot[0], e.toOwner, e.amount[0], e.amount[1], e.nonce));
        }
        if (t == TxType.WITHDRAW) return keccak256(abi.encode(WITHDRAW_TYPEHASH, e.slot[0], e.amount[0], e.amount[1], e.nonce));
        if (t == TxType.CREATE_POOL) {
            return keccak256(
                abi.encode(CREATE_POOL_TYPEHASH, e.slot[0], e.slot[1], e.amount[0], e.amount[1], e.feeBps, e.nonce)
            );
        }
        if (t == TxType.SWAP) {
            return keccak256(abi.encode(SWAP_TYPEHASH, e.slot[0], e.slot[1], e.slot[2], e.amount[0], e.amount[1], e.nonce));
        }
        // addLiquidity and removeLiquidity share a shape: four slots, three amounts, the nonce
        return keccak256(
            abi.encode(
                t == TxType.ADD_LIQUIDITY ? ADD_LIQUIDITY_TYPEHASH : REMOVE_LIQUIDITY_TYPEHASH,
                e.slot[0],
                e.slot[1],
                e.slot[2],
                e.slot[3],
                e.amount[0],
                e.amount[1],
                e.amount[2],
                e.nonce
            )
        );
    }

    /// An entry names a known type and leaves the fields its type does not use at zero (§H).
    function _checkEntry(Entry calldata e) internal pure {
        uint256 t = e.txType;
        if (t >= TxType.COUNT) revert FieldOutOfRange(F_TX_TYPE, t);
        // per type: slots used, amounts used (nibbles, type 0 lowest)
        uint256 slots = (0x3442112 >> (4 * t)) & 0xf;
        uint256 amounts = (0x2332222 >> (4 * t)) & 0xf;
        for (uint256 k = slots; k < 4; k++) if (e.slot[k] != 0) revert FieldOutOfRange(F_UNUSED_FIELD, k);
        for (uint256 k = amounts; k < 3; k++) if (e.amount[k] != 0) revert FieldOutOfRange(F_UNUSED_FIELD, 4 + k);
        if (t != TxType.TRANSFER_TO_NEW && e.toOwner != address(0)) revert FieldOutOfRange(F_UNUSED_FIELD, 7);
        if (t != TxType.CREATE_POOL && e.feeBps != 0) revert FieldOutOfRange(F_UNUSED_FIELD, 8);
    }

    /// C = keccak256(keccak256(treeRoot ‖ u32be slotCount) ‖ withdrawalsRoot ‖ u32be withdrawalCount ‖ contextHash).
    function _commitment(bytes32 treeRoot, uint256 slotCount, bytes32 withdrawalsRoot, uint256 withdrawalCount, bytes32 contextHash)
        internal
        pure
        returns (bytes32 c)
    {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, treeRoot)
            mstore(add(m, 32), shl(224, slotCount))
            mstore(m, keccak256(m, 36))
            mstore(add(m, 32), withdrawalsRoot)
            mstore(add(m, 64), shl(224, withdrawalCount))
            mstore(add(m, 68), contextHash)
            c := keccak256(m, 100)
        }
    }

    /// The `bytes`-long big-endian integer at calldata offset `off` (1 ≤ bytes ≤ 32).
    function _be(uint256 off, uint256 bytes_) internal pure returns (uint256 x) {
        assembly ("memory-safe") {
            x := shr(sub(256, shl(3, bytes_)), calldataload(off))
        }
    }

    function _u32le(uint256 off) internal pure returns (uint256 x) {
        assembly ("memory-safe") {
            let w := calldataload(off)
            x := or(or(byte(0, w), shl(8, byte(1, w))), or(shl(16, byte(2, w)), shl(24, byte(3, w))))
        }
    }

    function _min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }

    /// ⌊√x⌋ (SPEC §6.4): Newton's iteration from a power of two above the root.
    function _sqrt(uint256 x) internal pure returns (uint256 y) {
        if (x == 0) return 0;
        uint256 bits = 0;
        for (uint256 t = x; t > 1; t >>= 1) bits++;
        y = 1 << ((bits >> 1) + 1);
        while (true) {
            uint256 z = (y + x / y) >> 1;
            if (z >= y) return y;
            y = z;
        }
    }
}
