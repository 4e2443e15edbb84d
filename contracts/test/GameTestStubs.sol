// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IClaims} from "../interfaces/IClaims.sol";

/// Test-only stand-ins for the contracts the dispute game reads (test/l1/dispute-game.test.ts),
/// written while the real Claims, Batches and Inbox are built in parallel. Never in the product
/// path: they check nothing about who registers what.

/// Claims as the game sees it: a claim registry with status, window and proposer, and a record of
/// the game hooks. gameResolved rejects a pending claim when the challenger won (as Claims does).
contract ClaimsStub {
    struct Entry {
        IClaims.Status status;
        address proposer;
        uint256 windowEnd;
        uint256 openGames;
        uint256 opened;
        uint256 resolved;
    }

    mapping(bytes32 => Entry) internal _claims;
    bytes32 public genesisStateRoot;
    address public game;
    /// The last gameResolved call.
    bytes32 public lastResolvedClaim;
    bool public lastProposerWon;
    address public lastChallenger;

    error NotGame(address caller);
    error NotPending(bytes32 claimHash);

    constructor(bytes32 genesisStateRoot_) {
        genesisStateRoot = genesisStateRoot_;
    }

    function bind(address game_) external {
        game = game_;
    }

    function register(bytes calldata claim, address proposer, uint256 windowEnd_) external returns (bytes32 h) {
        h = keccak256(claim);
        Entry storage e = _claims[h];
        e.status = IClaims.Status.Pending;
        e.proposer = proposer;
        e.windowEnd = windowEnd_;
    }

    function setStatus(bytes32 h, IClaims.Status s) external {
        _claims[h].status = s;
    }

    function status(bytes32 h) external view returns (IClaims.Status) {
        return _claims[h].status;
    }

    function proposerOf(bytes32 h) external view returns (address) {
        return _claims[h].proposer;
    }

    function windowEnd(bytes32 h) external view returns (uint256) {
        return _claims[h].windowEnd;
    }

    function openGames(bytes32 h) external view returns (uint256) {
        return _claims[h].openGames;
    }

    function hookCounts(bytes32 h) external view returns (uint256 opened, uint256 resolved) {
        return (_claims[h].opened, _claims[h].resolved);
    }

    function gameOpened(bytes32 h) external {
        if (msg.sender != game) revert NotGame(msg.sender);
        Entry storage e = _claims[h];
        if (e.status != IClaims.Status.Pending || block.timestamp >= e.windowEnd) revert NotPending(h);
        e.openGames++;
        e.opened++;
    }

    function gameResolved(bytes32 h, bool proposerWon, address challenger) external {
        if (msg.sender != game) revert NotGame(msg.sender);
        Entry storage e = _claims[h];
        if (e.status != IClaims.Status.Pending) revert NotPending(h);
        e.openGames--;
        e.resolved++;
        if (!proposerWon) e.status = IClaims.Status.Rejected;
        lastResolvedClaim = h;
        lastProposerWon = proposerWon;
        lastChallenger = challenger;
    }
}

/// Batches as the game sees it: a settable header hash per index.
contract BatchesStub {
    mapping(uint64 => bytes32) public headerHash;

    function setHeaderHash(uint64 index, bytes32 h) external {
        headerHash[index] = h;
    }
}

/// The inbox as the game sees it: settable records.
contract InboxStub {
    mapping(uint256 => bytes32) public record;

    function setRecord(uint256 index, bytes32 r) external {
        record[index] = r;
    }
}

/// A party that refuses ETH: withdrawBalance to it must fail without blocking anyone else.
contract RefusingReceiver {
    function challenge(address game, bytes calldata claim) external payable returns (uint256 id) {
        (bool ok, bytes memory out) = game.call{value: msg.value}(abi.encodeWithSignature("challenge(bytes)", claim));
        require(ok);
        id = abi.decode(out, (uint256));
    }

    function withdraw(address game) external {
        (bool ok, bytes memory out) = game.call(abi.encodeWithSignature("withdrawBalance()"));
        if (!ok) {
            assembly {
                revert(add(out, 32), mload(out))
            }
        }
    }

    receive() external payable {
        revert();
    }
}
