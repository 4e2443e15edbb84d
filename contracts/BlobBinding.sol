// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title The DA bytes of a blob batch are its blobs' contents (docs/SPEC.md §13.7, DECISIONS D46/D47).
/// @notice A blob batch's header stores daHash = keccak256 of its blobs' versioned hashes. A step of
/// that batch re-supplies `binding = daBytes ‖ per blob: commitment (48) ‖ proof (48)`; this library
/// packs the bytes into blobs itself (31 bytes per field element, the element's first byte zero,
/// 4096 elements per blob, unused elements zero), derives the versioned hashes from the commitments
/// and checks them against daHash, then per blob computes EIP-4844's Fiat-Shamir challenge z
/// (c-kzg's compute_challenge) with the sha256 precompile, evaluates the blob polynomial at z
/// (barycentric form) and has the point-evaluation precompile check `p(z) = y` against the
/// commitment with the proof. The proof is exactly what `computeBlobKZGProof` makes (the proof at
/// that z), so the poster's tooling needs no other KZG function.
/// @dev Everything runs in scratch memory past the free pointer (one blob buffer of 131,152 bytes,
/// reused per blob) and nothing is kept, so the library allocates only its 4 KB root tables.
library BlobBinding {
    uint256 internal constant BLS_MODULUS = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001;
    /// ω = 7^((r − 1)/4096), EIP-4844's primitive 4096th root of unity, and its inverse.
    uint256 internal constant ROOT_OF_UNITY = 0x564c0a11a0f704f4fc3e8acfe0f8245f0ad1347b378fbf96e206da11a5d36306;
    uint256 internal constant ROOT_OF_UNITY_INV = 0x391b2856c609b4784ae25ffab9dc59865046d17864183203961a252dd8543362;
    uint256 internal constant ELEMENTS_PER_BLOB = 4096;
    /// DA bytes one blob holds: 31 per element.
    uint256 internal constant DATA_BYTES_PER_BLOB = 126_976;
    /// commitment ‖ proof, per blob, after the DA bytes.
    uint256 internal constant PROOF_BYTES_PER_BLOB = 96;
    /// "FSBLOBVERIFY_V1_" ‖ u128be 4096: the first 32 bytes of c-kzg's challenge preimage.
    uint256 internal constant CHALLENGE_PREFIX = 0x4653424c4f425645524946595f56315f00000000000000000000000000001000;
    /// The challenge preimage: prefix 32 ‖ blob 131,072 ‖ commitment 48.
    uint256 internal constant CHALLENGE_BYTES = 131_152;

    /// The binding is not the header's `daLength` DA bytes followed by whole 96-byte blob
    /// suffixes that can hold them (`blobs` = the suffixes it has).
    error BlobBindingLength(uint256 daLength, uint256 bindingLength);
    /// keccak256 of the versioned hashes of the supplied commitments is not the header's daHash.
    error BlobHashMismatch(bytes32 expected, bytes32 actual);
    /// The point-evaluation precompile refused blob `blobIndex`'s (commitment, z, y, proof): the
    /// DA bytes packed into that blob are not its contents, or the proof is not its proof.
    error BlobProofRejected(uint256 blobIndex);

    /// @notice Checks `binding` against a blob header's daHash and daLength and returns its DA bytes.
    /// @custom:throws BlobBindingLength, BlobHashMismatch, BlobProofRejected
    function bind(bytes calldata binding, uint256 daLength, bytes32 daHash) internal view returns (bytes calldata da) {
        if (binding.length < daLength) revert BlobBindingLength(daLength, binding.length);
        uint256 tail = binding.length - daLength;
        uint256 blobs = tail / PROOF_BYTES_PER_BLOB;
        // blobs beyond those the bytes need are allowed (all zero), too few are not
        if (tail % PROOF_BYTES_PER_BLOB != 0 || daLength > blobs * DATA_BYTES_PER_BLOB) {
            revert BlobBindingLength(daLength, binding.length);
        }
        da = binding[:daLength];
        bytes calldata suffixes = binding[daLength:];
        bytes32 actual = _versionedHashesHash(suffixes, blobs);
        if (actual != daHash) revert BlobHashMismatch(daHash, actual);
        uint256 tables = rootTables();
        for (uint256 b = 0; b < blobs; b++) {
            if (!_checkBlob(da, b, suffixes[b * PROOF_BYTES_PER_BLOB:(b + 1) * PROOF_BYTES_PER_BLOB], tables)) {
                revert BlobProofRejected(b);
            }
        }
    }

    /// keccak256(versionedHash_0 ‖ … ‖ versionedHash_{k−1}), each 0x01 ‖ sha256(commitment)[1:].
    function _versionedHashesHash(bytes calldata suffixes, uint256 blobs) private view returns (bytes32 h) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            let out := add(m, 64)
            for { let b := 0 } lt(b, blobs) { b := add(b, 1) } {
                calldatacopy(m, add(suffixes.offset, mul(b, 96)), 48)
                if iszero(staticcall(gas(), 2, m, 48, add(out, shl(5, b)), 32)) { revert(0, 0) }
                let w := add(out, shl(5, b))
                mstore8(w, 1)
            }
            h := keccak256(out, shl(5, blobs))
        }
    }

    /// The versioned hash of one commitment (48 bytes at `c`).
    function _versionedHash(bytes calldata c) private view returns (bytes32 vh) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            calldatacopy(m, c.offset, 48)
            if iszero(staticcall(gas(), 2, m, 48, m, 32)) { revert(0, 0) }
            mstore8(m, 1)
            vh := mload(m)
        }
    }

    /// Blob `b` of the batch holds its share of `da` (commitment and proof in `cp`).
    function _checkBlob(bytes calldata da, uint256 b, bytes calldata cp, uint256 tables) private view returns (bool ok) {
        bytes32 vh = _versionedHash(cp);
        uint256 m;
        assembly ("memory-safe") {
            m := mload(0x40)
        }
        uint256 used = _pack(da, b, m + 32);
        uint256 z;
        assembly ("memory-safe") {
            mstore(m, CHALLENGE_PREFIX)
            calldatacopy(add(m, 131104), cp.offset, 48) // after the prefix and the blob
            if iszero(staticcall(gas(), 2, m, CHALLENGE_BYTES, m, 32)) { revert(0, 0) }
            z := mod(mload(m), BLS_MODULUS)
        }
        uint256 y = evaluate(m + 32, used, z, tables);
        assembly ("memory-safe") {
            // versioned hash ‖ z ‖ y ‖ commitment ‖ proof; the precompile returns 4096 ‖ r on success.
            // An address without code also "succeeds" (no output), hence the output checks.
            mstore(m, vh)
            mstore(add(m, 32), z)
            mstore(add(m, 64), y)
            calldatacopy(add(m, 96), cp.offset, 96)
            // (Yul evaluates arguments right to left: the call first, then what it returned)
            ok := staticcall(gas(), 0x0a, m, 192, m, 64)
            ok := and(ok, and(eq(returndatasize(), 64), eq(mload(add(m, 32)), BLS_MODULUS)))
        }
    }

    /// Writes blob `b`'s 4096 elements, as 32-byte words, to memory at `out`: element e holds DA
    /// bytes [31g, 31g + 31) for g = 4096b + e, right-aligned (first byte zero), the bytes past the
    /// end zero.
    /// @return used the elements that hold DA bytes (the rest are zero)
    function _pack(bytes calldata da, uint256 b, uint256 out) private pure returns (uint256 used) {
        assembly ("memory-safe") {
            let len := da.length
            let first := mul(b, DATA_BYTES_PER_BLOB) // first DA byte of this blob
            let end := add(out, 131072)
            let p := out
            if lt(first, len) {
                let left := sub(len, first)
                if gt(left, DATA_BYTES_PER_BLOB) { left := DATA_BYTES_PER_BLOB }
                let src := add(da.offset, first)
                let fullEnd := add(out, shl(5, div(left, 31)))
                // 8 elements an iteration, then one at a time
                for {} lt(add(p, 224), fullEnd) {
                    p := add(p, 256)
                    src := add(src, 248)
                } {
                    mstore(p, shr(8, calldataload(src)))
                    mstore(add(p, 32), shr(8, calldataload(add(src, 31))))
                    mstore(add(p, 64), shr(8, calldataload(add(src, 62))))
                    mstore(add(p, 96), shr(8, calldataload(add(src, 93))))
                    mstore(add(p, 128), shr(8, calldataload(add(src, 124))))
                    mstore(add(p, 160), shr(8, calldataload(add(src, 155))))
                    mstore(add(p, 192), shr(8, calldataload(add(src, 186))))
                    mstore(add(p, 224), shr(8, calldataload(add(src, 217))))
                }
                for {} lt(p, fullEnd) { p := add(p, 32) } {
                    mstore(p, shr(8, calldataload(src)))
                    src := add(src, 31)
                }
                let rest := mod(left, 31)
                if rest {
                    // the last bytes are followed by the commitments in calldata: keep only `rest`
                    let drop := shl(3, sub(31, rest))
                    mstore(p, shl(drop, shr(add(8, drop), calldataload(src))))
                    p := add(p, 32)
                }
            }
            used := shr(5, sub(p, out))
            // unused elements: zero (copied from past the end of calldata)
            calldatacopy(p, calldatasize(), sub(end, p))
        }
    }

    /// @notice 64 words R − ω^(64·brp6(B)) (B = 0…63), then 64 words ω^(−brp6(A)) (A = 0…63): element e =
    /// 64A + B sits at ω^brp12(e) = ω^(64·brp6(B)) · ω^brp6(A) (EIP-4844's bit-reversed domain).
    function rootTables() internal pure returns (uint256 t) {
        assembly ("memory-safe") {
            t := mload(0x40)
            mstore(0x40, add(t, 4096))
            let u := 1
            let v := 1
            let u64 := 1
            {
                // ω^64, a primitive 64th root
                let x := ROOT_OF_UNITY
                for { let k := 0 } lt(k, 6) { k := add(k, 1) } { x := mulmod(x, x, BLS_MODULUS) }
                u64 := x
            }
            for { let k := 0 } lt(k, 64) { k := add(k, 1) } {
                // 6-bit reversal of k
                let r := or(or(or(shl(5, and(k, 1)), shl(3, and(k, 2))), or(shl(1, and(k, 4)), shr(1, and(k, 8)))), or(shr(3, and(k, 16)), shr(5, and(k, 32))))
                mstore(add(t, shl(5, r)), sub(BLS_MODULUS, u))
                mstore(add(add(t, 2048), shl(5, r)), v)
                u := mulmod(u, u64, BLS_MODULUS)
                v := mulmod(v, ROOT_OF_UNITY_INV, BLS_MODULUS)
            }
        }
    }

    /// @notice p(z) for the blob polynomial whose 4096 evaluations (each < 2^248, EIP-4844 order)
    /// are the words at `elements`, all zero from element `used` on: (z^4096 − 1)/4096 ·
    /// Σ f_e·ω_e/(z − ω_e), with ω_e/(z − ω_e) = z/(z − ω_e) − 1 and the sum kept as one fraction
    /// (no inversion per element). Rows of 64 elements past `used` are skipped (their terms are
    /// zero); a zero element inside is just a zero term. For z in the domain, p(z) is that element.
    /// @param tables from rootTables
    function evaluate(uint256 elements, uint256 used, uint256 z, uint256 tables) internal view returns (uint256 y) {
        // called through a pointer so that the optimizer keeps it a function of its own: inlined,
        // the caller's variables pushed the loop's onto memory (stack too deep) and the optimizer
        // re-computed z·V⁻¹ per element
        function(uint256, uint256, uint256, uint256) internal pure returns (uint256, uint256, uint256) sums = _rowSums;
        (uint256 ga, uint256 gb, uint256 sf) = sums(elements, shr6ceil(used), z, tables);
        assembly ("memory-safe") {
            let R := BLS_MODULUS
            let negU := tables
            let vInv := add(tables, 2048)
            switch gb
            case 0 {
                // z is the domain point of a non-zero element (a 2^-240 chance for a hash): p(z) is it
                for { let A := 0 } lt(A, 64) { A := add(A, 1) } {
                    let zA := mulmod(z, mload(add(vInv, shl(5, A))), R)
                    for { let B := 0 } lt(B, 64) { B := add(B, 1) } {
                        if iszero(addmod(zA, mload(add(negU, shl(5, B))), R)) {
                            y := mload(add(elements, shl(5, add(shl(6, A), B))))
                        }
                    }
                }
            }
            default {
                let zn := z
                for { let k := 0 } lt(k, 12) { k := add(k, 1) } { zn := mulmod(zn, zn, R) }
                // y = (z^N − 1)·(z·ga − sf·gb) / (N·gb)
                let num := mulmod(addmod(zn, sub(R, 1), R), addmod(mulmod(z, ga, R), sub(R, mulmod(sf, gb, R)), R), R)
                let m := mload(0x40)
                mstore(m, 32)
                mstore(add(m, 32), 32)
                mstore(add(m, 64), 32)
                mstore(add(m, 96), mulmod(4096, gb, R))
                mstore(add(m, 128), sub(R, 2))
                mstore(add(m, 160), R)
                if iszero(staticcall(gas(), 5, m, 192, m, 32)) { revert(0, 0) }
                y := mulmod(num, mload(m), R)
            }
        }
    }

    function shr6ceil(uint256 used) private pure returns (uint256) {
        return (used + 63) >> 6;
    }

    /// Σ_e f_e/(z − ω_e) over the first `rows` rows of 64 elements, as the fraction ga/gb, and
    /// sf = Σ_e f_e. Element e = 64A + B sits at ω^brp12(e) = U_B·V_A (rootTables), and
    /// z − U_B·V_A = V_A·(z·V_A⁻¹ − U_B): per row, Σ_B f/(zA − U_B) as a fraction a/bb, then × V_A⁻¹.
    function _rowSums(uint256 elements, uint256 rows, uint256 z, uint256 tables) private pure returns (uint256 ga, uint256 gb, uint256 sf) {
        assembly ("memory-safe") {
            gb := 1
            let vp := add(tables, 2048)
            let vEnd := add(vp, shl(5, rows))
            let p := elements
            for {} lt(vp, vEnd) { vp := add(vp, 32) } {
                let vi := mload(vp)
                let zA := mulmod(z, vi, BLS_MODULUS)
                let a := 0
                let bb := 1
                let s := 0
                let rowEnd := add(p, 2048)
                let delta := sub(tables, p) // element p's −U_B sits at p + delta
                for {} lt(p, rowEnd) { p := add(p, 64) } {
                    let f := mload(p)
                    let d := addmod(zA, mload(add(p, delta)), BLS_MODULUS)
                    a := addmod(mulmod(a, d, BLS_MODULUS), mulmod(f, bb, BLS_MODULUS), BLS_MODULUS)
                    bb := mulmod(bb, d, BLS_MODULUS)
                    s := add(s, f) // 64 elements < 2^248 each: no overflow
                    f := mload(add(p, 32))
                    d := addmod(zA, mload(add(add(p, delta), 32)), BLS_MODULUS)
                    a := addmod(mulmod(a, d, BLS_MODULUS), mulmod(f, bb, BLS_MODULUS), BLS_MODULUS)
                    bb := mulmod(bb, d, BLS_MODULUS)
                    s := add(s, f)
                }
                ga := addmod(mulmod(ga, bb, BLS_MODULUS), mulmod(mulmod(vi, a, BLS_MODULUS), gb, BLS_MODULUS), BLS_MODULUS)
                gb := mulmod(gb, bb, BLS_MODULUS)
                sf := addmod(sf, s, BLS_MODULUS)
            }
        }
    }
}
