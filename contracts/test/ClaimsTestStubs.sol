// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IClaims} from "../interfaces/IClaims.sol";

// Test-only stand-ins for the contracts Claims and Bridge talk to, so their tests run alone
// (test/l1/claims-bridge.test.ts). The product path uses Batches, Inbox and DisputeGame.

/// Header hashes set by the test (IBatches.headerHash: zero for an unposted batch).
contract ClaimsBatchesStub {
    mapping(uint64 => bytes32) public headerHash;

    function setHeaderHash(uint64 index, bytes32 h) external {
        headerHash[index] = h;
    }
}

/// A minimal ERC-20 for the escrow tests (anyone mints).
contract ClaimsTestToken {
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        return true;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        balanceOf[msg.sender] -= amount;
        balanceOf[to] += amount;
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        allowance[from][msg.sender] -= amount;
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
        return true;
    }
}

/// Inbox records set by the test and an escrow that pays out on the bridge's word only, with the
/// storage reads a real inbox makes on release (the bridge, the token's ERC-20).
contract ClaimsInboxStub {
    error IndexOutOfRange(uint256 index, uint256 count);
    error NotBridge(address caller);
    error UnknownToken(uint32 token);
    error TransferFailed(address erc20);

    bytes32[] internal records;
    mapping(uint32 => address) public erc20Of;
    address public bridge;

    function setToken(uint32 token, address erc20) external {
        erc20Of[token] = erc20;
    }

    function bind(address bridge_) external {
        bridge = bridge_;
    }

    function push(bytes32 r) external {
        records.push(r);
    }

    function messageCount() external view returns (uint256) {
        return records.length;
    }

    function record(uint256 index) external view returns (bytes32) {
        if (index >= records.length) revert IndexOutOfRange(index, records.length);
        return records[index];
    }

    function release(uint32 token, address to, uint256 amount) external {
        if (msg.sender != bridge) revert NotBridge(msg.sender);
        address erc20 = erc20Of[token];
        if (erc20 == address(0)) revert UnknownToken(token);
        (bool ok, bytes memory ret) = erc20.call(abi.encodeWithSelector(ClaimsTestToken.transfer.selector, to, amount));
        if (!ok || (ret.length != 0 && !abi.decode(ret, (bool)))) revert TransferFailed(erc20);
    }
}

/// Plays the dispute-game contract's part: forwards the game hooks, so tests decide outcomes.
contract ClaimsGameStub {
    IClaims public immutable claims;

    constructor(IClaims claims_) {
        claims = claims_;
    }

    function open(bytes32 claimHash) external {
        claims.gameOpened(claimHash);
    }

    function resolve(bytes32 claimHash, bool proposerWon, address challenger) external {
        claims.gameResolved(claimHash, proposerWon, challenger);
    }
}

/// A proposer that refuses ETH: its bond can be lost or returned without anything reverting,
/// because nothing is pushed to it.
contract ClaimsRefusingProposer {
    error Refused();

    function propose(IClaims claims, bytes calldata claim) external payable returns (bytes32) {
        return claims.propose{value: msg.value}(claim);
    }

    function withdraw(IClaims claims) external {
        claims.withdrawBalance();
    }

    receive() external payable {
        revert Refused();
    }
}
