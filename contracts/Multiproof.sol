// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title The canonical 4-ary depth-16 keccak multiproof of docs/SPEC.md §3.3–3.4, checked on L1.
/// @notice Written from the spec, not from the AssemblyScript: a second, independent verifier.
/// The proof is read in place from calldata (absolute offsets), and one climb computes the root of
/// the old leaf values and the root of the new ones together from the same siblings, which is what
/// a one-step proof needs (DECISIONS D32). The hot loops are in assembly: a 4-ary level costs two
/// keccaks over 128 bytes of scratch memory and no allocation.
library Multiproof {
    uint256 internal constant ARITY = 4;
    uint256 internal constant DEPTH = 16;
    /// Most leaves one proof may name through {computeRoot} (a step witness holds at most 16).
    uint256 internal constant MAX_LEAVES = 32;

    /// Z_0 … Z_15 (SPEC §3.2), the sibling a bitmap bit stands for, per level
    /// (written into scratch memory by {roots}: a `bytes` constant would be copied byte by byte)
    uint256 private constant ZERO_HASH_COUNT = 16;

    error ProofTooShort();
    error EmptyProof();
    error LeafCountMismatch(uint256 named, uint256 given);
    error IndicesNotIncreasing(uint256 position);
    error NonCanonical();
    error LengthMismatch(uint256 expected, uint256 actual);

    /// Where the parts of a parsed proof are (absolute calldata offsets) and where it ends.
    struct View {
        uint256 k;
        uint256 indicesAt;
        uint256 bitmapAt;
        uint256 siblingsAt;
        uint256 end;
    }

    /// @notice The root `proof` commits to, given the values of the leaves it names, in index order.
    /// @dev Every length is checked before anything is hashed; work is bounded by leaves × 4 × 16.
    function computeRoot(bytes calldata proof, bytes32[] memory leaves) internal pure returns (bytes32 root) {
        uint256 start;
        uint256 values;
        assembly ("memory-safe") {
            start := proof.offset
            values := add(leaves, 32)
        }
        View memory v = parse(start, proof.length, leaves.length, MAX_LEAVES);
        if (v.end != start + proof.length) revert LengthMismatch(v.end - start, proof.length);
        (root,) = roots(v, values, false);
    }

    /// @notice Checks the §3.3 proof starting at calldata offset `start` with `available` bytes after
    /// it, in the order of SPEC §3.4 (steps 1–7), and returns where its parts are. The proof is
    /// self-delimiting: `v.end` may be before `start + available` (the caller decides what follows).
    /// @param expectedK the number of leaves the caller holds values for.
    /// @param maxLeaves the most leaves the caller accepts (bounds the scratch memory).
    function parse(uint256 start, uint256 available, uint256 expectedK, uint256 maxLeaves)
        internal
        pure
        returns (View memory v)
    {
        if (available < 4) revert ProofTooShort();
        uint256 k = _u32le(start);
        if (k == 0) revert EmptyProof();
        if (k > (available - 4) / 4 || k != expectedK || k > maxLeaves) revert LeafCountMismatch(k, expectedK);
        uint256 bad;
        uint256 positions;
        assembly ("memory-safe") {
            function u32le(p) -> x {
                let w := calldataload(p)
                x := or(or(byte(0, w), shl(8, byte(1, w))), or(shl(16, byte(2, w)), shl(24, byte(3, w))))
            }
            // P = Σ_l (4·|P_l| − |K_l|) = 49 − k + 3·Σ_i ⌊msb(K_i xor K_{i−1}) / 2⌋ for 16 levels:
            // two sorted neighbours have distinct ancestors at level l exactly when 2l ≤ msb.
            let prev := u32le(add(start, 4))
            let sum := 0
            for { let i := 1 } lt(i, k) { i := add(i, 1) } {
                let ix := u32le(add(start, add(4, shl(2, i))))
                if iszero(gt(ix, prev)) {
                    bad := i
                    break
                }
                let x := xor(ix, prev)
                let m := 0
                if gt(x, 0xffff) {
                    x := shr(16, x)
                    m := 16
                }
                if gt(x, 0xff) {
                    x := shr(8, x)
                    m := add(m, 8)
                }
                if gt(x, 0xf) {
                    x := shr(4, x)
                    m := add(m, 4)
                }
                if gt(x, 3) {
                    x := shr(2, x)
                    m := add(m, 2)
                }
                if gt(x, 1) { m := add(m, 1) }
                sum := add(sum, shr(1, m))
                prev := ix
            }
            positions := sub(add(49, mul(3, sum)), k)
        }
        if (bad != 0) revert IndicesNotIncreasing(bad);
        uint256 bitmapAt = start + 4 + 4 * k;
        uint256 bitmapBytes = (positions + 7) / 8;
        if (4 + 4 * k + bitmapBytes > available) revert LengthMismatch(4 + 4 * k + bitmapBytes, available);
        uint256 zeros;
        assembly ("memory-safe") {
            let tail := and(positions, 7)
            if tail { bad := shr(tail, byte(0, calldataload(add(bitmapAt, sub(bitmapBytes, 1))))) }
            for { let o := 0 } lt(o, bitmapBytes) { o := add(o, 32) } {
                let w := calldataload(add(bitmapAt, o))
                let left := sub(bitmapBytes, o)
                if lt(left, 32) { w := and(w, not(sub(shl(sub(256, shl(3, left)), 1), 1))) }
                // SWAR popcount of 256 bits, summed in 16-bit lanes (≤ 256 fits)
                w := sub(w, and(shr(1, w), 0x5555555555555555555555555555555555555555555555555555555555555555))
                w := add(
                    and(w, 0x3333333333333333333333333333333333333333333333333333333333333333),
                    and(shr(2, w), 0x3333333333333333333333333333333333333333333333333333333333333333)
                )
                w := and(add(w, shr(4, w)), 0x0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f)
                w := add(
                    and(w, 0x00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff),
                    and(shr(8, w), 0x00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff)
                )
                zeros := add(zeros, shr(240, mul(w, 0x0001000100010001000100010001000100010001000100010001000100010001)))
            }
        }
        if (bad != 0) revert NonCanonical();
        uint256 length = 4 + 4 * k + bitmapBytes + 32 * (positions - zeros);
        if (length > available) revert LengthMismatch(length, available);
        v = View(k, start + 4, bitmapAt, bitmapAt + bitmapBytes, start + length);
    }

    /// @notice Climbs a parsed proof (SPEC §3.4 step 8) with the k old leaf values at memory
    /// `leaves` and, when `dual`, the k new values right after them; returns both roots (the old
    /// one twice when not `dual`). Reverts NonCanonical for an explicit zero-hash sibling.
    /// @dev Uses memory past the free pointer as scratch and allocates nothing. Layout from m:
    /// 2 × 128 bytes of children (old, new), Z_0 … Z_15, then one 96-byte record (index, old, new)
    /// per node of the level being climbed and a sentinel record; the four children of a node are
    /// unrolled, so the loop state stays on the stack (a 4-ary level of one path: ~300 gas).
    function roots(View memory v, uint256 leaves, bool dual) internal pure returns (bytes32 oldRoot, bytes32 newRoot) {
        assembly ("memory-safe") {
            let k := mload(v)
            let indicesAt := mload(add(v, 32))
            let bitmapAt := mload(add(v, 64))
            let sib := mload(add(v, 96))
            let m := mload(0x40)
            mstore(add(m, 256), 0x0000000000000000000000000000000000000000000000000000000000000000)
            mstore(add(m, 288), 0x012893657d8eb2efad4de0a91bcd0e39ad9837745dec3ea923737ea803fc8e3d)
            mstore(add(m, 320), 0x6bf8f5aaf730b8154299a437989510cbc3cbc7b9f22cf1f131ba964fe8e3b1b3)
            mstore(add(m, 352), 0xa3e6dd91ba17622b36a56f037b348237418309fcb66bc2f50405e5a1df5fffc4)
            mstore(add(m, 384), 0xa84090a0a0508a4cf1118482d81d4d8483cdec1a96bb70d8f987c4c31d7f812c)
            mstore(add(m, 416), 0x134bf2e5ed73f056f0ce0ab282062feb70e10daacac5635e450ba8facb3514cf)
            mstore(add(m, 448), 0x647332d2816fecf77ddb72bbe5b6bef202de2dff6e8d24d74ba928905872fba3)
            mstore(add(m, 480), 0xc03949ebfba6b0c70ba08c119e1dd383ddec7fe17f459c7c9b87309992c0f5d2)
            mstore(add(m, 512), 0xc4903947b33fa763cd37242a4b5a6ad871401b0adcab11420dd1eac47321d89f)
            mstore(add(m, 544), 0x860b2595badf14a5948d7680e2e0cd57e4dffedb4b3f64dcc405a1619c6ff64d)
            mstore(add(m, 576), 0x9a99780c8d2b0ad5d9dbfd3b93d1a0117ae7c9340e3c686b75160d679ac0adbc)
            mstore(add(m, 608), 0x468efc9ae4b12201c98ab45c855543ce5a154f9ee82e8c234a7d58d65bd53dd3)
            mstore(add(m, 640), 0xe37f14c4c01588dbc6e0a2a70a5f2bae599a62ea1c5dbf11e71c2f447b9b103c)
            mstore(add(m, 672), 0x4b369cf4cc0ed138a6612921487f3aaee761e9c089060e75753e2cf855e9cfd2)
            mstore(add(m, 704), 0x95a3bbf10bcbad34c0197a048d27201ca4e7af9103c49cc31e4a288c939ca8cb)
            mstore(add(m, 736), 0x8c6a1d7bc4e13f43b56cbcbc6536834d404172cc5a807f912a054ce0e18ae166)
            let records := add(m, 768)
            for { let i := 0 } lt(i, k) { i := add(i, 1) } {
                let w := calldataload(add(indicesAt, shl(2, i)))
                let r := add(records, mul(i, 96))
                mstore(r, or(or(byte(0, w), shl(8, byte(1, w))), or(shl(16, byte(2, w)), shl(24, byte(3, w)))))
                let old := mload(add(leaves, shl(5, i)))
                mstore(add(r, 32), old)
                switch dual
                case 0 { mstore(add(r, 64), old) }
                default { mstore(add(r, 64), mload(add(leaves, shl(5, add(k, i))))) }
            }
            let pos := 0
            let n := k
            for { let l := 0 } lt(l, 16) { l := add(l, 1) } {
                let zl := mload(add(m, add(256, shl(5, l))))
                mstore(add(records, mul(n, 96)), not(0)) // sentinel: matches no child
                let parents := 0
                let cur := mload(records)
                for { let i := 0 } lt(i, n) {} {
                    let first := and(cur, not(3))
                    {
                        let dst := add(m, 0)
                        switch eq(cur, add(first, 0))
                        case 1 {
                            let r := add(records, mul(i, 96))
                            mstore(dst, mload(add(r, 32)))
                            mstore(add(dst, 128), mload(add(r, 64)))
                            i := add(i, 1)
                            cur := mload(add(r, 96))
                        }
                        default {
                            let s := zl
                            if iszero(and(shr(and(pos, 7), byte(0, calldataload(add(bitmapAt, shr(3, pos))))), 1)) {
                                s := calldataload(sib)
                                if eq(s, zl) {
                                    mstore(0, shl(224, 0x7ba9e47a)) // NonCanonical()
                                    revert(0, 4)
                                }
                                sib := add(sib, 32)
                            }
                            mstore(dst, s)
                            mstore(add(dst, 128), s)
                            pos := add(pos, 1)
                        }
                    }
                    {
                        let dst := add(m, 32)
                        switch eq(cur, add(first, 1))
                        case 1 {
                            let r := add(records, mul(i, 96))
                            mstore(dst, mload(add(r, 32)))
                            mstore(add(dst, 128), mload(add(r, 64)))
                            i := add(i, 1)
                            cur := mload(add(r, 96))
                        }
                        default {
                            let s := zl
                            if iszero(and(shr(and(pos, 7), byte(0, calldataload(add(bitmapAt, shr(3, pos))))), 1)) {
                                s := calldataload(sib)
                                if eq(s, zl) {
                                    mstore(0, shl(224, 0x7ba9e47a)) // NonCanonical()
                                    revert(0, 4)
                                }
                                sib := add(sib, 32)
                            }
                            mstore(dst, s)
                            mstore(add(dst, 128), s)
                            pos := add(pos, 1)
                        }
                    }
                    {
                        let dst := add(m, 64)
                        switch eq(cur, add(first, 2))
                        case 1 {
                            let r := add(records, mul(i, 96))
                            mstore(dst, mload(add(r, 32)))
                            mstore(add(dst, 128), mload(add(r, 64)))
                            i := add(i, 1)
                            cur := mload(add(r, 96))
                        }
                        default {
                            let s := zl
                            if iszero(and(shr(and(pos, 7), byte(0, calldataload(add(bitmapAt, shr(3, pos))))), 1)) {
                                s := calldataload(sib)
                                if eq(s, zl) {
                                    mstore(0, shl(224, 0x7ba9e47a)) // NonCanonical()
                                    revert(0, 4)
                                }
                                sib := add(sib, 32)
                            }
                            mstore(dst, s)
                            mstore(add(dst, 128), s)
                            pos := add(pos, 1)
                        }
                    }
                    {
                        let dst := add(m, 96)
                        switch eq(cur, add(first, 3))
                        case 1 {
                            let r := add(records, mul(i, 96))
                            mstore(dst, mload(add(r, 32)))
                            mstore(add(dst, 128), mload(add(r, 64)))
                            i := add(i, 1)
                            cur := mload(add(r, 96))
                        }
                        default {
                            let s := zl
                            if iszero(and(shr(and(pos, 7), byte(0, calldataload(add(bitmapAt, shr(3, pos))))), 1)) {
                                s := calldataload(sib)
                                if eq(s, zl) {
                                    mstore(0, shl(224, 0x7ba9e47a)) // NonCanonical()
                                    revert(0, 4)
                                }
                                sib := add(sib, 32)
                            }
                            mstore(dst, s)
                            mstore(add(dst, 128), s)
                            pos := add(pos, 1)
                        }
                    }
                    let r := add(records, mul(parents, 96))
                    mstore(r, shr(2, first))
                    mstore(add(r, 32), keccak256(m, 128))
                    mstore(add(r, 64), keccak256(add(m, 128), 128))
                    parents := add(parents, 1)
                }
                n := parents
            }
            oldRoot := mload(add(records, 32))
            newRoot := mload(add(records, 64))
        }
    }

    function _u32le(uint256 start) private pure returns (uint256 x) {
        assembly ("memory-safe") {
            let w := calldataload(start)
            x := or(or(byte(0, w), shl(8, byte(1, w))), or(shl(16, byte(2, w)), shl(24, byte(3, w))))
        }
    }
}
