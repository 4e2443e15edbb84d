// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title The canonical 4-ary depth-16 keccak multiproof of docs/SPEC.md §3.3–3.4, checked on L1.
/// @notice Written from the spec, not from the AssemblyScript: a second, independent verifier.
library Multiproof {
    uint256 internal constant ARITY = 4;
    uint256 internal constant DEPTH = 16;
    /// Most leaves one proof may name here (a step witness holds at most 23).
    uint256 internal constant MAX_LEAVES = 32;

    error ProofTooShort();
    error EmptyProof();
    error LeafCountMismatch(uint256 named, uint256 given);
    error IndicesNotIncreasing(uint256 position);
    error IndexOutOfRange(uint256 index);
    error NonCanonical();
    error LengthMismatch(uint256 expected, uint256 actual);

    /// @notice The root `proof` commits to, given the values of the leaves it names, in index order.
    /// @dev Every length is checked before anything is hashed; work is bounded by leaves × 4 × 16.
    function computeRoot(bytes calldata proof, bytes32[] memory leaves) internal pure returns (bytes32) {
        if (proof.length < 4) revert ProofTooShort();
        uint256 k = _u32le(proof, 0);
        if (k == 0) revert EmptyProof();
        if (k > (proof.length - 4) / 4 || k != leaves.length || k > MAX_LEAVES) revert LeafCountMismatch(k, leaves.length);
        uint256[] memory index = new uint256[](k);
        for (uint256 i = 0; i < k; i++) {
            uint256 ix = _u32le(proof, 4 + 4 * i);
            if (i > 0 && ix <= index[i - 1]) revert IndicesNotIncreasing(i);
            // 4^16 = 2^32: every u32 is in range; the check stays for other shapes
            if (ix >= (1 << (2 * DEPTH))) revert IndexOutOfRange(ix);
            index[i] = ix;
        }
        uint256 positions = _positions(index);
        uint256 bitmapAt = 4 + 4 * k;
        uint256 bitmapBytes = (positions + 7) / 8;
        if (bitmapAt + bitmapBytes > proof.length) revert LengthMismatch(bitmapAt + bitmapBytes, proof.length);
        uint256 zeros = 0;
        for (uint256 j = 0; j < bitmapBytes * 8; j++) {
            if (uint8(proof[bitmapAt + j / 8]) & (1 << (j % 8)) != 0) {
                if (j >= positions) revert NonCanonical();
                zeros++;
            }
        }
        uint256 expected = bitmapAt + bitmapBytes + 32 * (positions - zeros);
        if (proof.length != expected) revert LengthMismatch(expected, proof.length);
        return _climb(proof, index, leaves, bitmapAt, bitmapAt + bitmapBytes);
    }

    /// Sibling positions P of an index list (SPEC §3.3): Σ_l (4·|P_l| − |K_l|).
    function _positions(uint256[] memory index) private pure returns (uint256 p) {
        uint256[] memory level = _copy(index);
        uint256 n = level.length;
        for (uint256 l = 0; l < DEPTH; l++) {
            uint256 parents = 0;
            for (uint256 i = 0; i < n; i++) {
                uint256 parent = level[i] / ARITY;
                if (parents == 0 || level[parents - 1] != parent) level[parents++] = parent;
            }
            p += ARITY * parents - n;
            n = parents;
        }
    }

    function _climb(bytes calldata proof, uint256[] memory index, bytes32[] memory leaves, uint256 bitmapAt, uint256 siblingAt)
        private
        pure
        returns (bytes32)
    {
        uint256 n = index.length;
        bytes32[] memory value = _copy32(leaves);
        uint256[] memory ix = _copy(index);
        bytes32 zero = bytes32(0); // Z_l of the level being climbed
        uint256 position = 0;
        for (uint256 l = 0; l < DEPTH; l++) {
            uint256 parents = 0;
            uint256 i = 0;
            while (i < n) {
                uint256 parent = ix[i] / ARITY;
                bytes32[4] memory children;
                for (uint256 c = 0; c < ARITY; c++) {
                    uint256 child = parent * ARITY + c;
                    if (i < n && ix[i] == child) {
                        children[c] = value[i++];
                    } else {
                        if (uint8(proof[bitmapAt + position / 8]) & (1 << (position % 8)) != 0) {
                            children[c] = zero;
                        } else {
                            bytes32 sibling = bytes32(proof[siblingAt:siblingAt + 32]);
                            if (sibling == zero) revert NonCanonical();
                            children[c] = sibling;
                            siblingAt += 32;
                        }
                        position++;
                    }
                }
                value[parents] = _node(children);
                ix[parents] = parent;
                parents++;
            }
            n = parents;
            zero = _node([zero, zero, zero, zero]);
        }
        return value[0];
    }

    /// keccak256(c0 ‖ c1 ‖ c2 ‖ c3): 128 bytes already laid out in memory by the array.
    function _node(bytes32[4] memory children) private pure returns (bytes32 h) {
        assembly ("memory-safe") {
            h := keccak256(children, 128)
        }
    }

    function _u32le(bytes calldata b, uint256 at) private pure returns (uint256) {
        return uint256(uint8(b[at])) | (uint256(uint8(b[at + 1])) << 8) | (uint256(uint8(b[at + 2])) << 16)
            | (uint256(uint8(b[at + 3])) << 24);
    }

    function _copy(uint256[] memory a) private pure returns (uint256[] memory b) {
        b = new uint256[](a.length);
        for (uint256 i = 0; i < a.length; i++) b[i] = a[i];
    }

    function _copy32(bytes32[] memory a) private pure returns (bytes32[] memory b) {
        b = new bytes32[](a.length);
        for (uint256 i = 0; i < a.length; i++) b[i] = a[i];
    }
}
