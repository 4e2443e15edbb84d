// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IClaims} from "./IClaims.sol";

/// @title On-chain bisection over a claim's trace root (docs/SPEC.md §11.2, §13.10), settled by the
/// one-step prover.
/// @notice One bonded two-party game per challenger, any number in parallel against one claim.
/// The trace tree is 4-ary of depth 16 with leaf j = C_j (j = 0 … stepCount; leaves past stepCount
/// are zero). A game descends from the level-k node (the smallest k ≥ 1 with 4^k > stepCount) whose
/// zero-padded fold is the trace root: the proposer reveals a node's 4 children, the challenger names
/// the leftmost child it disputes, down to a leaf j; then step j − 1 (or C_0, or a padding leaf) is
/// settled from what L1 trusts. Each side has a chess clock; the side to move that runs out loses.
/// Bonds are paid by pull (`withdrawBalance`), never pushed, and never to whoever sends the last
/// transaction: the loser's bond goes to the winner's bonded party, less a burned share.
interface IDisputeGame {
    enum Phase {
        None,
        /// the proposer must reveal the 4 children of the current node
        AwaitReveal,
        /// the challenger must name a child of the revealed node
        AwaitChoice,
        /// a leaf is named: the step must be settled (the proposer's clock runs)
        AwaitSettle,
        ProposerWon,
        ChallengerWon,
        /// the claim was rejected by another game first: bonds returned
        Void
    }

    event GameOpened(uint256 indexed gameId, bytes32 indexed claimHash, address indexed challenger, uint8 startLevel);
    /// The proposer revealed the children (at `level`, 0 = leaves) of node `nodeIndex` at `level + 1`.
    event Revealed(uint256 indexed gameId, uint8 level, uint256 nodeIndex, bytes32[4] children);
    /// The challenger named child `nodeIndex` at `level`.
    event Chosen(uint256 indexed gameId, uint8 level, uint256 nodeIndex);
    event GameResolved(uint256 indexed gameId, bytes32 indexed claimHash, Phase result);

    error WrongBond(uint256 sent, uint256 required);
    error UnknownGame(uint256 gameId);
    error WrongPhase(uint256 gameId, Phase phase);
    error NotProposer(address caller);
    error NotChallenger(address caller);
    error ClaimMismatch(bytes32 expected, bytes32 given);
    error ChildrenMismatch(bytes32 expected, bytes32 given);
    error ChildOutOfRange(uint256 child);
    error HeaderMismatch(bytes32 expected, bytes32 given);
    error ClockNotExpired(uint256 gameId, uint256 remaining);
    error NothingToWithdraw(address who);
    /// The mover's clock ran out: the move is refused, and anyone may call `timeout`.
    error ClockExpired(uint256 gameId);
    error BadClaimLength(uint256 length);
    /// Games open only against a pending claim inside its challenge window.
    error NotChallengeable(bytes32 claimHash, IClaims.Status status, uint256 windowEnd);
    /// settleStart is for leaf 0, settleStep for leaves 1 … stepCount.
    error WrongLeaf(uint256 leaf);
    /// The agreed C_{j−1} is neither the recorded left sibling nor proved at index j − 1 of the trace.
    error AgreedPreMismatch(uint256 index);
    error ParentMismatch(bytes32 expected, bytes32 given);
    /// settleStepCount: the claim's stepCount is the DA bytes' inboxCount + n + 1 (nothing decided).
    error StepCountMatches(uint256 stepCount);
    error UnsupportedDaKind(uint8 daKind);
    error DaMismatch(bytes32 expected, bytes32 actual);
    error TransferFailed(address to);

    /// What a game stores, for followers (src/l1/game.ts) and tests.
    struct GameView {
        bytes32 claimHash;
        /// The node whose children are due (the trace root before the first reveal); at AwaitSettle
        /// and after, the proposer's named leaf C_j.
        bytes32 node;
        /// The named leaf's left sibling (C_{j−1}, agreed by the challenger) when its child index > 0.
        bytes32 agreed;
        address challenger;
        address proposer;
        uint32 stepCount;
        /// The current node's index at `level` (the named leaf j at level 0).
        uint32 nodeIndex;
        uint8 level;
        uint8 startLevel;
        Phase phase;
        uint40 lastMove;
        uint40 proposerClock;
        uint40 challengerClock;
    }

    /// Open a game against a pending claim inside its window (240-byte claim, exactly `challengeBond()` wei).
    function challenge(bytes calldata claim) external payable returns (uint256 gameId);
    /// Proposer: reveal the 4 children of the current node (the first reveal is the level-k node's
    /// children, checked by folding up to the trace root, which the game stored when it opened).
    function reveal(uint256 gameId, bytes32[4] calldata children) external;
    /// Challenger: name the leftmost child (0 … 3) it disputes; the children are re-supplied and
    /// checked against the current node.
    function choose(uint256 gameId, bytes32[4] calldata children, uint8 child) external;
    /// Anyone: settle leaf j ≥ 1 by re-executing step j − 1 from the agreed C_{j−1} (given with a
    /// trace multiproof when it is not the named leaf's left sibling); the proposer wins iff the post
    /// equals its C_j (and, for j = stepCount, the claim's finalCommitment).
    function settleStep(
        uint256 gameId,
        bytes calldata claim,
        bytes calldata header,
        bytes32 agreedPre,
        bytes calldata agreedPreProof,
        bytes calldata stepProof,
        bytes calldata binding
    ) external;
    /// Anyone: settle leaf 0 — the proposer wins iff its C_0 equals the one computed from the parent
    /// state root's opening and the DA bytes (OneStepProver.startCommitment).
    function settleStart(
        uint256 gameId,
        bytes calldata claim,
        bytes calldata header,
        bytes calldata parentClaim,
        bytes32 parentTreeRoot,
        uint32 parentSlotCount,
        bytes calldata binding
    ) external;
    /// Anyone, while the game is open: the challenger wins at once if the claim's stepCount is not
    /// inboxCount + n + 1 for the n transactions the DA bytes decode to (SPEC §11.4).
    function settleStepCount(uint256 gameId, bytes calldata claim, bytes calldata header, bytes calldata binding) external;
    /// Anyone: the side to move has exhausted its clock: the other side wins.
    function timeout(uint256 gameId) external;
    /// Pull the bonds and bounties owed to `msg.sender`.
    function withdrawBalance() external;

    function phase(uint256 gameId) external view returns (Phase);
    function gameOf(uint256 gameId) external view returns (GameView memory);
    function gameCount() external view returns (uint256);
    /// Wei of lost challenger bonds burned (kept locked here for good).
    function burned() external view returns (uint256);
    function balanceOf(address who) external view returns (uint256);
    function challengeBond() external view returns (uint256);
    /// The EIP-712 domain separator the rollup's transactions are signed under (name "l2engine",
    /// version "1", this chain, verifyingContract = the inbox).
    function domainSeparator() external view returns (bytes32);
}
