// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Entry, Header} from "./L2Types.sol";
import {Limits, TxType} from "./generated/Constants.sol";

/// @title The DA bytes of a batch (docs/SPEC.md §9, protocol v1 §C), decoded canonically on L1.
/// @notice Written from the spec, not from src/codec.ts. Bytes that are not exactly one canonical
/// encoding are undecodable: `ok = false`, never a revert, because an undecodable batch is a valid
/// outcome (no fee pairs, no transactions; the header's inbox range is still consumed).
/// @dev The walk checks every rule over the whole batch (one bad byte anywhere empties it, and
/// `n` decides which step is settlement), so it is O(bytes): slot and nonce columns are checked
/// 23–28 bytes per word (terminator counting and per-byte masks), amounts one varint at a time.
library BatchData {
    /// Largest DA a batch posted on L1 may have; longer bytes are undecodable (protocol v1 §C).
    uint256 internal constant MAX_L1_DA_BYTES = Limits.MAX_L1_DA_BYTES;
    /// Most entries (inbox messages + transactions) one batch may hold (SPEC §9.4, `LIMIT`).
    uint256 internal constant MAX_ENTRIES = Limits.MAX_BATCH_ENTRIES;
    uint256 internal constant MAX_FEE_PAIRS = Limits.MAX_FEE_PAIRS;

    /// Transaction `i` was asked of a decodable batch of `n` transactions.
    error EntryOutOfRange(uint256 i, uint256 n);

    // Per type code (0 transfer … 6 swap), one nibble each: slot fields and u128 fields (SPEC §9.1).
    uint256 private constant SLOT_FIELDS = 0x3442112;
    uint256 private constant AMOUNT_FIELDS = 0x2332222;
    uint256 private constant NONE = type(uint256).max;

    /// Where transaction i's fields sit (byte offsets into the DA bytes), found by the walk.
    struct Cursor {
        uint256 txType;
        uint256 slotAt;
        uint256 amountAt;
        uint256 nonceAt;
        uint256 extraAt;
        uint256 sigAt;
    }

    /// @notice Transaction `i` of the batch whose DA bytes are `da`, for a header consuming
    /// `inboxCount` inbox messages.
    /// @return ok false when `da` is not exactly one canonical v1 encoding with
    /// `inboxCount + n ≤ 2^20` and at most 120,000 bytes (then `n = 0` and `e` is empty)
    /// @return n the number of transactions
    /// @return e transaction `i` (SPEC §6 field order; addLiquidity's new LP slot is 0xffffffff)
    /// @custom:throws EntryOutOfRange when the bytes decode and `i ≥ n`
    function decode(bytes calldata da, uint256 inboxCount, uint256 i)
        internal
        pure
        returns (bool ok, uint256 n, Entry memory e)
    {
        bool found;
        (ok, n, found, e) = tryDecode(da, inboxCount, i);
        if (ok && !found) revert EntryOutOfRange(i, n);
    }

    /// @notice Like `decode`, but for any `i`: `found` is false (and `e` empty) when the bytes do
    /// not decode or `i ≥ n`. One walk serves a step that does not yet know whether it is a
    /// transaction (i < n), settlement (i = n) or out of range (OneStepProver.verifyStep).
    function tryDecode(bytes calldata da, uint256 inboxCount, uint256 i)
        internal
        pure
        returns (bool ok, uint256 n, bool found, Entry memory e)
    {
        Cursor memory c;
        (ok, n) = _walk(da, inboxCount, i, c);
        if (ok && i < n) {
            found = true;
            e = _entry(da, c);
        }
    }

    /// @notice Whether `da` decodes (see `decode`) and how many transactions it holds.
    function check(bytes calldata da, uint256 inboxCount) internal pure returns (bool ok, uint256 n) {
        Cursor memory c;
        (ok, n) = _walk(da, inboxCount, NONE, c);
    }

    /// @notice The batch's fee pairs `(token, slot)` in list order, for C_0's context (protocol v1
    /// §B); none when the bytes do not decode.
    function pairsOf(bytes calldata da, uint256 inboxCount)
        internal
        pure
        returns (bool ok, uint32[] memory tokens, uint32[] memory slots)
    {
        (ok,) = check(da, inboxCount);
        uint256 f = ok ? uint8(da[1]) : 0;
        tokens = new uint32[](f);
        slots = new uint32[](f);
        uint256 p = 2;
        for (uint256 k = 0; k < f; k++) {
            uint256 v;
            (v, p) = _varint(da, p);
            tokens[k] = uint32(v);
            (v, p) = _varint(da, p);
            slots[k] = uint32(v);
        }
    }

    /// @notice keccak256 of the 105-byte big-endian header of protocol v1 §E.
    function headerHash(Header memory h) internal pure returns (bytes32) {
        return keccak256(
            abi.encodePacked(
                h.index, h.prevHeaderHash, h.daKind, h.daHash, h.daLength, h.inboxStart, h.inboxCount, h.l1Block,
                h.l1Timestamp
            )
        );
    }

    /// @notice keccak256 of the 240-byte big-endian claim of protocol v1 §E.
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
    ) internal pure returns (bytes32) {
        return keccak256(
            abi.encodePacked(
                batchIndex, headerHash_, parentClaimHash, stepCount, traceRoot, finalCommitment, postStateRoot,
                withdrawalsRoot, withdrawalCount, contextHash
            )
        );
    }

    /// @notice The step commitment of protocol v1 §B: keccak256(stateRoot ‖ withdrawalsRoot ‖
    /// u32be(withdrawalCount) ‖ contextHash). A claim is valid on its face only when its
    /// finalCommitment is this of its own roots.
    function commitment(bytes32 stateRoot, bytes32 withdrawalsRoot, uint32 withdrawalCount, bytes32 contextHash)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encodePacked(stateRoot, withdrawalsRoot, withdrawalCount, contextHash));
    }

    /// @notice The inbox record of protocol v1 §D: keccak256(message ‖ u64be l1Timestamp).
    function inboxRecord(bytes memory message, uint64 timestamp) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(message, timestamp));
    }

    // ---------------------------------------------------------------------------------------
    // The walk. Positions are byte offsets into `da`; every read is bounded by `limit`, the
    // start of the signature column (len − 64n), except the signatures themselves.

    function _walk(bytes calldata da, uint256 inboxCount, uint256 i, Cursor memory cur)
        private
        pure
        returns (bool ok, uint256 n)
    {
        assembly ("memory-safe") {
            let H80 := 0x8080808080808080808080808080808080808080808080808080808080808080
            let L7F := 0x7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f
            let ONES := 0x0101010101010101010101010101010101010101010101010101010101010101

            // One LEB128 varint pos p of pos most maxLen bytes, shortest form; `dis` are the bits
            // its maxLen-th byte may not have (0x80: no continuation, plus the bits above the
            // field's range). next = 0 when it is not one.
            function vread(base, p, limit, maxLen, dis) -> v, next {
                let w := calldataload(add(base, p))
                for { let k := 0 } 1 {} {
                    if iszero(lt(add(p, k), limit)) { leave }
                    let b := byte(k, w)
                    if eq(add(k, 1), maxLen) { if and(b, dis) { leave } }
                    v := or(v, shl(mul(7, k), and(b, 0x7f)))
                    k := add(k, 1)
                    if lt(b, 0x80) {
                        if and(iszero(b), gt(k, 1)) { leave }
                        next := add(p, k)
                        leave
                    }
                }
            }

            // Skip k varints starting pos p, each shortest and pos most h+1 bytes with `dis` barred
            // from its (h+1)-th byte (h = 4: u32, h = 9: u64). Word-parallel: each load judges
            // 32 − h new bytes, the h before them being the history the length rule needs.
            // end = the offset after the k-th varint, or 0 when the column is not canonical.
            function scan(base, p, limit, k, h, dis, H80_, L7F_, ONES_) -> end {
                if iszero(k) {
                    end := p
                    leave
                }
                let hm := shr(shl(3, h), not(0)) // window bytes h … 31
                let history := hm // the first window's history is not this column's
                let step := sub(32, h)
                for {} 1 {} {
                    if iszero(lt(p, limit)) { leave }
                    let w := calldataload(sub(add(base, p), h))
                    let c := and(and(w, H80_), history)
                    history := not(0)
                    let jm := hm
                    if lt(sub(limit, p), step) { jm := and(hm, not(shr(shl(3, add(h, sub(limit, p))), not(0)))) }
                    let t := and(and(not(w), H80_), jm)
                    let cnt := shr(248, mul(shr(7, t), ONES_))
                    if iszero(lt(cnt, k)) {
                        let j := h
                        for {} 1 { j := add(j, 1) } {
                            if lt(byte(j, w), 0x80) {
                                k := sub(k, 1)
                                if iszero(k) { break }
                            }
                        }
                        jm := and(jm, not(shr(shl(3, add(j, 1)), not(0))))
                        end := add(p, sub(add(j, 1), h))
                    }
                    // a zero byte right after a continuation byte is a non-shortest form
                    let r1 := shr(8, c)
                    let bad := and(and(not(or(add(and(w, L7F_), L7F_), w)), r1), jm)
                    // r: the h bytes before this one all continue, so this is byte h+1
                    let r := and(r1, shr(8, r1))
                    r := and(r, shr(16, r))
                    if eq(h, 9) {
                        r := and(r, shr(32, r))
                        r := and(r, shr(64, r1))
                    }
                    bad := or(bad, and(and(w, mul(shr(7, r), dis)), jm))
                    if bad {
                        end := 0
                        leave
                    }
                    if end { leave }
                    k := sub(k, cnt)
                    p := add(p, step)
                }
            }

            // Skip k amounts (SPEC §9.2): varint(m·64 + e), shortest, e maximal ≤ 38, m·10^e < 2^128.
            // Amounts of up to 4 bytes (m < 2^22: every 4-significant-digit amount) take a
            // branch-free path that only accumulates `bad`; longer ones a byte loop.
            function amounts(base, p, limit, k) -> end {
                let bad := 0
                for {} k { k := sub(k, 1) } {
                    let w := calldataload(add(base, p))
                    let top := shr(224, w)
                    if lt(top, 0x80000000) {
                        // one byte: m ≤ 1, so only the zero-with-e rule and e ≤ 38 apply
                        let e := and(shr(24, top), 63)
                        bad := or(bad, or(gt(e, 38), and(lt(top, 0x40000000), gt(e, 0))))
                        p := add(p, 1)
                        continue
                    }
                    // continuation bits of bytes 0–3 gathered into a nibble, then the length by table
                    let l := and(shr(shl(2, and(shr(28, mul(and(top, 0x80808080), 0x204081)), 0xf)), 0x0433222211111111), 0xf)
                    let v := 0
                    switch l
                    case 0 {
                        v := and(shr(24, top), 0x7f)
                        l := 1
                        let b := 0x80
                        for {} gt(b, 0x7f) {} {
                            if eq(l, 20) { leave }
                            b := byte(l, w)
                            v := or(v, shl(mul(7, l), and(b, 0x7f)))
                            l := add(l, 1)
                        }
                        bad := or(bad, iszero(b))
                        if shr(134, v) { leave }
                        bad := or(bad, shr(128, mul(shr(6, v), exp(10, and(v, 63)))))
                    }
                    default {
                        let y := and(top, and(0x7f7f7f7f, not(shr(shl(3, l), 0xffffffff))))
                        v := or(
                            or(shr(24, y), shl(7, and(shr(16, y), 0xff))),
                            or(shl(14, and(shr(8, y), 0xff)), shl(21, and(y, 0xff)))
                        )
                        // a last byte of zero is a non-shortest form
                        bad := or(bad, and(gt(l, 1), iszero(byte(sub(l, 1), w))))
                        // m < 2^22 here: only e ≥ 32 can reach 2^128
                        bad := or(bad, shr(128, mul(shr(6, v), exp(10, mul(and(v, 63), gt(and(v, 63), 31))))))
                    }
                    p := add(p, l)
                    let e := and(v, 63)
                    let m := shr(6, v)
                    bad := or(bad, gt(e, 38))
                    bad := or(bad, and(iszero(m), gt(e, 0)))
                    bad := or(bad, and(and(gt(m, 0), lt(e, 38)), iszero(mod(m, 10))))
                }
                if or(bad, gt(p, limit)) { leave }
                end := p
            }

            // Σ over type codes of count(code) · fields(code): counts in 16-bit lanes, fields in nibbles.
            function dot(counts, fields) -> s {
                for { let c := 0 } lt(c, 7) { c := add(c, 1) } {
                    s := add(s, mul(and(shr(shl(4, c), counts), 0xffff), and(shr(shl(2, c), fields), 0xf)))
                }
            }

            // The extras column when it holds a createPool (a varint feeBps): walk the types
            // again in order. end = 0 when not canonical; pos = where transaction ti's extras start.
            function extras(base, typesAt, mode, nn, ti, p, limit) -> end, pos {
                switch mode
                case 0 {
                    for { let t := 0 } lt(t, nn) { t := add(t, 1) } {
                        if eq(t, ti) { pos := p }
                        let code := and(shr(shl(2, and(t, 1)), byte(0, calldataload(add(base, add(typesAt, shr(1, t)))))), 0xf)
                        if eq(code, 1) { p := add(p, 20) }
                        if eq(code, 3) {
                            let v, q := vread(base, p, limit, 3, 0xfc)
                            if iszero(q) { leave }
                            p := q
                        }
                    }
                }
                default {
                    let t := 0
                    for { let r := typesAt } lt(t, nn) { r := add(r, 1) } {
                        let b := byte(0, calldataload(add(base, r)))
                        let code := and(b, 7)
                        let rl := add(shr(3, b), 1)
                        switch code
                        case 3 {
                            for { let k := 0 } lt(k, rl) { k := add(k, 1) } {
                                if eq(add(t, k), ti) { pos := p }
                                let v, q := vread(base, p, limit, 3, 0xfc)
                                if iszero(q) { leave }
                                p := q
                            }
                        }
                        default {
                            if and(iszero(lt(ti, t)), lt(ti, add(t, rl))) { pos := add(p, mul(20, mul(eq(code, 1), sub(ti, t)))) }
                            if eq(code, 1) { p := add(p, mul(20, rl)) }
                        }
                        t := add(t, rl)
                    }
                }
                if gt(p, limit) { leave }
                end := p
            }

            function walk(base, len, inbox, ti, cp, H80_, L7F_, ONES_) -> ok_, nn {
                if or(iszero(len), gt(len, 120000)) { leave }
                if gt(inbox, 0x100000) { leave }
                if iszero(eq(shr(248, calldataload(base)), 1)) { leave }
                // fee pairs: count ≤ 16 (one byte: every longer form is > 16 or not shortest)
                if lt(len, 2) { leave }
                let f := byte(0, calldataload(add(base, 1)))
                if gt(f, 16) { leave }
                let p := 2
                let minToken := 0
                for { let k := 0 } lt(k, f) { k := add(k, 1) } {
                    let token, q := vread(base, p, len, 5, 0xf0)
                    if iszero(q) { leave }
                    if lt(token, minToken) { leave }
                    minToken := add(token, 1)
                    let slot, q2 := vread(base, q, len, 5, 0xf0)
                    if iszero(q2) { leave }
                    p := q2
                }
                {
                    let v, q := vread(base, p, len, 3, 0x80)
                    if iszero(q) { leave }
                    if gt(add(inbox, v), 0x100000) { leave }
                    nn := v
                    p := q
                }
                // the signatures take exactly 64n bytes pos the end, and the types column's mode byte comes first
                if iszero(lt(add(p, mul(64, nn)), len)) { leave }
                let limit := sub(len, mul(64, nn))

                // types: counts per code in 16-bit lanes (n < 1,875 here), and those before ti
                let mode := byte(0, calldataload(add(base, p)))
                p := add(p, 1)
                let typesAt := p
                let counts := 0
                let before := 0
                let ty := 0
                switch mode
                case 0 {
                    let packed := shr(1, add(nn, 1))
                    if gt(add(p, packed), limit) { leave }
                    let runs := 0
                    let prev := 7
                    let runLen := 0
                    for { let t := 0 } lt(t, nn) { t := add(t, 1) } {
                        let code := and(shr(shl(2, and(t, 1)), byte(0, calldataload(add(base, add(p, shr(1, t)))))), 0xf)
                        if gt(code, 6) { leave }
                        if eq(t, ti) {
                            before := counts
                            ty := code
                        }
                        counts := add(counts, shl(shl(4, code), 1))
                        switch and(eq(code, prev), lt(runLen, 32))
                        case 1 { runLen := add(runLen, 1) }
                        default {
                            runs := add(runs, 1)
                            prev := code
                            runLen := 1
                        }
                    }
                    if and(nn, 1) { if shr(4, byte(0, calldataload(add(base, add(p, shr(1, nn)))))) { leave } }
                    // packed is canonical unless runs would be strictly shorter
                    if lt(runs, packed) { leave }
                    p := add(p, packed)
                }
                case 1 {
                    let total := 0
                    let runs := 0
                    let prev := 7
                    let prevLen := 0
                    for {} lt(total, nn) {} {
                        if iszero(lt(p, limit)) { leave }
                        let b := byte(0, calldataload(add(base, p)))
                        p := add(p, 1)
                        let code := and(b, 7)
                        let rl := add(shr(3, b), 1)
                        if eq(code, 7) { leave }
                        // a run continues one of the same code only when that one is full
                        if and(eq(code, prev), iszero(eq(prevLen, 32))) { leave }
                        if gt(add(total, rl), nn) { leave }
                        if and(iszero(lt(ti, total)), lt(ti, add(total, rl))) {
                            before := add(counts, shl(shl(4, code), sub(ti, total)))
                            ty := code
                        }
                        counts := add(counts, shl(shl(4, code), rl))
                        total := add(total, rl)
                        runs := add(runs, 1)
                        prev := code
                        prevLen := rl
                    }
                    // runs are canonical only when strictly shorter than packed (ties: packed)
                    if iszero(lt(runs, shr(1, add(nn, 1)))) { leave }
                }
                default { leave }

                let inRange := lt(ti, nn)
                // slots: type-agnostic once the total is known; u32 each (lpSlot′ too)
                let slotTotal := dot(counts, 0x3442112)
                let slotsBefore := dot(before, 0x3442112)
                let pos := scan(base, p, limit, slotsBefore, 4, 0xf0, H80_, L7F_, ONES_)
                if iszero(pos) { leave }
                mstore(add(cp, 0x20), pos)
                p := scan(base, pos, limit, sub(slotTotal, slotsBefore), 4, 0xf0, H80_, L7F_, ONES_)
                if iszero(p) { leave }
                // amounts
                let amountTotal := dot(counts, 0x2332222)
                let amountsBefore := dot(before, 0x2332222)
                pos := amounts(base, p, limit, amountsBefore)
                if iszero(pos) { leave }
                mstore(add(cp, 0x40), pos)
                p := amounts(base, pos, limit, sub(amountTotal, amountsBefore))
                if iszero(p) { leave }
                // nonces: u64
                let ib := mul(ti, inRange)
                pos := scan(base, p, limit, ib, 9, 0xfe, H80_, L7F_, ONES_)
                if iszero(pos) { leave }
                mstore(add(cp, 0x60), pos)
                p := scan(base, pos, limit, sub(nn, ib), 9, 0xfe, H80_, L7F_, ONES_)
                if iszero(p) { leave }
                // extras: transferToNew toOwner (20 bytes), createPool feeBps (varint < 2^16)
                switch and(shr(48, counts), 0xffff)
                case 0 {
                    mstore(add(cp, 0x80), add(p, mul(20, and(shr(16, before), 0xffff))))
                    p := add(p, mul(20, and(shr(16, counts), 0xffff)))
                }
                default {
                    let end, x := extras(base, typesAt, mode, nn, ti, p, limit)
                    if iszero(end) { leave }
                    mstore(add(cp, 0x80), x)
                    p := end
                }
                // the input ends exactly after the last signature
                if iszero(eq(p, limit)) { leave }
                mstore(cp, ty)
                mstore(add(cp, 0xa0), add(limit, mul(64, ib)))
                ok_ := 1
            }

            ok, n := walk(da.offset, da.length, inboxCount, i, cur, H80, L7F, ONES)
            if iszero(ok) { n := 0 }
        }
    }

    /// Transaction `c.txType`'s fields at the offsets the walk found (all already checked).
    function _entry(bytes calldata da, Cursor memory c) private pure returns (Entry memory e) {
        uint256 ty = c.txType;
        e.txType = uint8(ty);
        uint256 p = c.slotAt;
        uint256 count = (SLOT_FIELDS >> (4 * ty)) & 0xf;
        for (uint256 k = 0; k < count; k++) {
            uint256 v;
            (v, p) = _varint(da, p);
            e.slot[k] = uint32(v);
        }
        // an lpSlot field (addLiquidity's 4th, removeLiquidity's 2nd) is written lpSlot′ = lpSlot + 1,
        // 0 for 0xffffffff (a new LP slot): SPEC §9.1 and its §9.5 vector
        if (ty == TxType.ADD_LIQUIDITY) e.slot[3] = e.slot[3] == 0 ? type(uint32).max : e.slot[3] - 1;
        if (ty == TxType.REMOVE_LIQUIDITY) e.slot[1] = e.slot[1] == 0 ? type(uint32).max : e.slot[1] - 1;
        p = c.amountAt;
        count = (AMOUNT_FIELDS >> (4 * ty)) & 0xf;
        for (uint256 k = 0; k < count; k++) {
            uint256 v;
            (v, p) = _varint(da, p);
            e.amount[k] = uint128((v >> 6) * 10 ** (v & 63));
        }
        (uint256 nonce,) = _varint(da, c.nonceAt);
        e.nonce = uint64(nonce);
        if (ty == TxType.TRANSFER_TO_NEW) e.toOwner = address(bytes20(da[c.extraAt:c.extraAt + 20]));
        if (ty == TxType.CREATE_POOL) {
            (uint256 feeBps,) = _varint(da, c.extraAt);
            e.feeBps = uint16(feeBps);
        }
        e.r = bytes32(da[c.sigAt:c.sigAt + 32]);
        e.yParityAndS = bytes32(da[c.sigAt + 32:c.sigAt + 64]);
    }

    /// A varint the walk has already checked (shortest, in range).
    function _varint(bytes calldata da, uint256 p) private pure returns (uint256 v, uint256 next) {
        assembly ("memory-safe") {
            let w := calldataload(add(da.offset, p))
            for { let k := 0 } 1 {} {
                let b := byte(k, w)
                v := or(v, shl(mul(7, k), and(b, 0x7f)))
                k := add(k, 1)
                if lt(b, 0x80) {
                    next := add(p, k)
                    break
                }
            }
        }
    }
}
