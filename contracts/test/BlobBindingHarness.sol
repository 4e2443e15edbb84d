// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {BlobBinding} from "../BlobBinding.sol";

/// Test-only entry points into BlobBinding: the binding alone (its gas without a step) and the
/// barycentric evaluation at any z, in the domain too. Not a protocol contract.
contract BlobBindingHarness {
    /// The DA bytes' length and keccak256 once `binding` checks out against (daLength, daHash).
    function bind(bytes calldata binding, uint32 daLength, bytes32 daHash) external view returns (uint256 length, bytes32 daKeccak) {
        bytes calldata da = BlobBinding.bind(binding, daLength, daHash);
        length = da.length;
        daKeccak = keccak256(da);
    }

    /// p(z) of the polynomial with these 4096 evaluations (each < 2^248), EIP-4844 order.
    function evaluate(uint256[] calldata elements, uint256 z) external view returns (uint256) {
        require(elements.length == 4096);
        uint256[] memory e = elements;
        uint256 tables = BlobBinding.rootTables();
        uint256 p;
        assembly ("memory-safe") {
            p := add(e, 32)
        }
        return BlobBinding.evaluate(p, 4096, z, tables);
    }
}
