// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Multiproof} from "../Multiproof.sol";

/// Exposes the library to the differential tests and the gas bench.
contract MultiproofHarness {
    function computeRoot(bytes calldata proof, bytes32[] calldata leaves) external pure returns (bytes32) {
        return Multiproof.computeRoot(proof, leaves);
    }
}
