// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// Gas bench for the EIP-4844 plan (DECISIONS D31): evaluate the blob polynomial given by its 4096
/// evaluations (EIP-4844 order: the domain ω^brp(i)) at a point z outside the domain, by the
/// barycentric formula p(z) = (z^N − 1)/N · Σ f_i·ω_i/(z − ω_i), with one modular inversion for
/// all 4096 denominators (Montgomery's trick). Not a protocol contract.
contract BlobEvalBench {
    uint256 internal constant R = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001;

    /// @param evals 4096 × 32-byte field elements, each < R; omega a primitive 4096th root of unity.
    function evaluate(bytes calldata evals, uint256 z, uint256 omega) external view returns (uint256 y) {
        require(evals.length == 4096 * 32);
        uint256 omegaInv = _pow(omega, R - 2);
        assembly ("memory-safe") {
            let base := evals.offset
            let prefix := mload(0x40) // 4096 words of prefix products Π_{k≤i}(z − ω^k)
            let w := 1
            let acc := 1
            for { let i := 0 } lt(i, 4096) { i := add(i, 1) } {
                acc := mulmod(acc, addmod(z, sub(R, w), R), R)
                mstore(add(prefix, shl(5, i)), acc)
                w := mulmod(w, omega, R)
            }
            // 1 / Π (z − ω^k) by the modexp precompile
            let m := add(prefix, shl(5, 4096))
            mstore(m, 32) mstore(add(m, 32), 32) mstore(add(m, 64), 32)
            mstore(add(m, 96), acc) mstore(add(m, 128), sub(R, 2)) mstore(add(m, 160), R)
            if iszero(staticcall(gas(), 5, m, 192, m, 32)) { revert(0, 0) }
            let inv := mload(m)
            // walk back: ω^i from ω^4095 down, 1/(z − ω^i) = inv · prefix_{i−1}
            w := mulmod(w, omegaInv, R)
            let sum := 0
            for { let i := 4095 } 1 { i := sub(i, 1) } {
                let d := addmod(z, sub(R, w), R)
                let invI := inv
                if i { invI := mulmod(inv, mload(add(prefix, shl(5, sub(i, 1)))), R) }
                // the evaluation at ω^i sits at index brp(i) (12-bit bit reversal)
                let j := 0
                {
                    let x := i
                    x := or(shr(1, and(x, 0xaaa)), shl(1, and(x, 0x555)))
                    x := or(shr(2, and(x, 0xccc)), shl(2, and(x, 0x333)))
                    x := or(shr(4, and(x, 0xf0f0)), shl(4, and(x, 0x0f0f)))
                    // 16-bit reversal of a 12-bit value, shifted back: bytes swap then >> 4
                    j := shr(4, or(shr(8, and(x, 0xff00)), shl(8, and(x, 0x00ff))))
                }
                sum := addmod(sum, mulmod(mulmod(calldataload(add(base, shl(5, j))), w, R), invI, R), R)
                inv := mulmod(inv, d, R)
                if iszero(i) { break }
                w := mulmod(w, omegaInv, R)
            }
            // (z^N − 1)/N
            let zn := z
            for { let k := 0 } lt(k, 12) { k := add(k, 1) } { zn := mulmod(zn, zn, R) }
            mstore(m, 32) // the first call's output overwrote the length word
            mstore(add(m, 96), 4096)
            if iszero(staticcall(gas(), 5, m, 192, m, 32)) { revert(0, 0) }
            y := mulmod(mulmod(addmod(zn, sub(R, 1), R), mload(m), R), sum, R)
        }
    }

    function _pow(uint256 b, uint256 e) private view returns (uint256 r) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, 32) mstore(add(m, 32), 32) mstore(add(m, 64), 32)
            mstore(add(m, 96), b) mstore(add(m, 128), e) mstore(add(m, 160), R)
            if iszero(staticcall(gas(), 5, m, 192, m, 32)) { revert(0, 0) }
            r := mload(m)
        }
    }
}
