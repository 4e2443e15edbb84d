// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {BatchData} from "./BatchData.sol";
import {Header} from "./L2Types.sol";
import {Multiproof} from "./Multiproof.sol";
import {OneStepProver} from "./OneStepProver.sol";
import {IBatches} from "./interfaces/IBatches.sol";
import {IClaims} from "./interfaces/IClaims.sol";
import {IDisputeGame} from "./interfaces/IDisputeGame.sol";
import {IInbox} from "./interfaces/IInbox.sol";

/// @title The bisection game on L1 (docs/SPEC.md §13.10): a 4-ary descent of a claim's trace tree
/// from the level-k node down to one leaf, settled by the one-step prover from what L1 trusts.
/// @notice Every fact a verdict uses is bound before use: the claim's bytes to the hash the game
/// stored, the header to Batches and to the claim, the parent's state root to the claim's parent
/// hash (or Claims' genesis root), an inbox message to the Inbox's record (read here, never taken
/// from a caller), the agreed C_{j−1} to the challenger's own choice or to the trace root. A
/// malformed proof reverts — it never decides a game.
/// @dev Per game six storage words, five of them written once when it opens. A move reads three
/// (the mover's identity, the node, the state word) and writes two (node, state): ~12k of its gas.
/// The sixth (the named leaf's left sibling) is pre-set to a non-zero marker at opening, so the
/// move that records it rewrites a word instead of creating one (2,900 + 2,100 instead of 22,100).
contract DisputeGame is IDisputeGame {
    uint256 internal constant CLAIM_BYTES = 240;
    uint256 internal constant HEADER_BYTES = 105;
    uint256 internal constant DEPTH = 16;
    uint256 internal constant BPS = 10_000;
    uint8 internal constant DA_CALLDATA = 0;
    uint8 internal constant DA_BLOBS = 1;
    uint8 internal constant DA_COMMITTEE = 2;
    /// The left-sibling word before anything is recorded in it (see the contract notes above).
    bytes32 internal constant UNSET = bytes32(uint256(1));

    /// The state word: everything a move changes besides the node.
    struct State {
        uint32 nodeIndex;
        uint8 level;
        uint8 startLevel;
        Phase phase;
        uint40 lastMove;
        uint40 proposerClock;
        uint40 challengerClock;
    }

    struct Game {
        bytes32 claimHash;
        bytes32 node;
        State state;
        address challenger;
        uint32 stepCount;
        address proposer;
        bytes32 agreed;
    }

    IClaims public immutable claims;
    IBatches public immutable batches;
    IInbox public immutable inbox;
    OneStepProver public immutable prover;
    uint256 public immutable challengeBond;
    uint64 public immutable clockPerSide;
    uint16 public immutable burnBps;
    bytes32 public immutable domainSeparator;

    uint256 public gameCount;
    uint256 public burned;
    mapping(uint256 => Game) internal _games;
    mapping(address => uint256) public balanceOf;

    error BadSettings();

    constructor(
        IClaims claims_,
        IBatches batches_,
        IInbox inbox_,
        OneStepProver prover_,
        uint256 challengeBond_,
        uint64 clockPerSide_,
        uint16 burnBps_
    ) {
        if (clockPerSide_ == 0 || clockPerSide_ >= 1 << 40 || burnBps_ > BPS) revert BadSettings();
        claims = claims_;
        batches = batches_;
        inbox = inbox_;
        prover = prover_;
        challengeBond = challengeBond_;
        clockPerSide = clockPerSide_;
        burnBps = burnBps_;
        // EIP-712 (SPEC §6.6): the rollup's transactions are signed for the inbox on this chain
        domainSeparator = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("l2engine"),
                keccak256("1"),
                block.chainid,
                address(inbox_)
            )
        );
    }

    // ---------------------------------------------------------------------------------------
    // Opening and the descent

    /// @inheritdoc IDisputeGame
    function challenge(bytes calldata claim) external payable returns (uint256 gameId) {
        if (msg.value != challengeBond) revert WrongBond(msg.value, challengeBond);
        if (claim.length != CLAIM_BYTES) revert BadClaimLength(claim.length);
        bytes32 claimHash = _hash(claim);
        IClaims.Status status = claims.status(claimHash);
        uint256 windowEnd = claims.windowEnd(claimHash);
        if (status != IClaims.Status.Pending || block.timestamp >= windowEnd) {
            revert NotChallengeable(claimHash, status, windowEnd);
        }
        uint256 stepCount = _u32(claim, 72);
        uint8 k = 1;
        while (k < DEPTH && (uint256(1) << (2 * k)) <= stepCount) k++;
        gameId = ++gameCount;
        Game storage g = _games[gameId];
        g.claimHash = claimHash;
        g.node = _b32(claim, 76); // the trace root: what the first reveal must fold to
        g.state = State(0, k, k, Phase.AwaitReveal, uint40(block.timestamp), uint40(clockPerSide), uint40(clockPerSide));
        g.challenger = msg.sender;
        g.stepCount = uint32(stepCount);
        g.proposer = claims.proposerOf(claimHash);
        g.agreed = UNSET;
        emit GameOpened(gameId, claimHash, msg.sender, k);
        claims.gameOpened(claimHash);
    }

    /// @inheritdoc IDisputeGame
    function reveal(uint256 gameId, bytes32[4] calldata children) external {
        Game storage g = _games[gameId];
        State memory s = g.state;
        _expectPhase(gameId, s.phase, Phase.AwaitReveal);
        // Anyone may reveal for the proposer (SECURITY.md F2): the children must hash to the node
        // the proposer committed to, so there is exactly one acceptable reveal and a third party
        // can only make the move the proposer would have made. Were it the proposer's alone, a
        // proposer who copied an honest claim (front-running its author) could let it be rejected
        // by a colluding challenger's timeout — and a rejected claim hash can never be proposed
        // again, so its batch could never confirm. The clock charged is the proposer's either way.
        _tick(gameId, s, true);
        bytes32 h = _hashChildren(children);
        bytes32 expected = g.node;
        if (s.level == s.startLevel) {
            // the first reveal is of the level-k node (index 0), under zero-hash siblings up to the
            // trace root stored at opening; from now on the node is the level-k node itself
            bytes32 root = _foldToRoot(h, s.level);
            if (root != expected) revert ChildrenMismatch(expected, root);
            g.node = h;
        } else if (h != expected) {
            revert ChildrenMismatch(expected, h);
        }
        s.phase = Phase.AwaitChoice;
        g.state = s;
        emit Revealed(gameId, s.level - 1, s.nodeIndex, children);
    }

    /// @inheritdoc IDisputeGame
    function choose(uint256 gameId, bytes32[4] calldata children, uint8 child) external {
        Game storage g = _games[gameId];
        State memory s = g.state;
        _expectPhase(gameId, s.phase, Phase.AwaitChoice);
        if (msg.sender != g.challenger) revert NotChallenger(msg.sender);
        if (child > 3) revert ChildOutOfRange(child);
        bytes32 h = _hashChildren(children);
        bytes32 node = g.node;
        // only a node whose children were revealed reaches AwaitChoice: these must be them
        if (h != node) revert ChildrenMismatch(node, h);
        _tick(gameId, s, false);
        uint8 level = s.level - 1;
        uint256 index = uint256(s.nodeIndex) * 4 + child;
        s.level = level;
        s.nodeIndex = uint32(index);
        g.node = children[child];
        emit Chosen(gameId, level, index);
        if (level > 0) {
            s.phase = Phase.AwaitReveal;
            g.state = s;
            return;
        }
        // leaf j = index named; past stepCount a leaf must be zero, which needs no execution
        if (index > g.stepCount) {
            _resolve(gameId, g, s, children[child] == bytes32(0));
            return;
        }
        if (child > 0) g.agreed = children[child - 1];
        s.phase = Phase.AwaitSettle;
        g.state = s;
    }

    // ---------------------------------------------------------------------------------------
    // Settling the named leaf

    /// @inheritdoc IDisputeGame
    function settleStep(
        uint256 gameId,
        bytes calldata claim,
        bytes calldata header,
        bytes32 agreedPre,
        bytes calldata agreedPreProof,
        bytes calldata stepProof,
        bytes calldata binding
    ) external {
        (Game storage g, State memory s) = _toSettle(gameId, claim);
        uint256 j = s.nodeIndex;
        if (j == 0) revert WrongLeaf(j);
        if (j % 4 != 0) {
            // the challenger agreed this left sibling when it named leaf j
            if (agreedPre != g.agreed) revert AgreedPreMismatch(j - 1);
        } else {
            // leaf j − 1 lies in a subtree the challenger agreed higher up: prove it in the trace
            if (!_provesLeaf(agreedPreProof, agreedPre, j - 1, _b32(claim, 76))) revert AgreedPreMismatch(j - 1);
        }
        Header memory h = _header(claim, header);
        bytes32 record;
        if (j - 1 < h.inboxCount) record = inbox.record(uint256(h.inboxStart) + j - 1);
        bytes32 post = prover.verifyStep(domainSeparator, agreedPre, h, j - 1, stepProof, binding, record);
        bytes32 claimed = g.node;
        _resolve(gameId, g, s, post == claimed && (j < g.stepCount || claimed == _b32(claim, 108)));
    }

    /// @inheritdoc IDisputeGame
    function settleStart(
        uint256 gameId,
        bytes calldata claim,
        bytes calldata header,
        bytes calldata parentClaim,
        bytes32 parentTreeRoot,
        uint32 parentSlotCount,
        bytes calldata binding
    ) external {
        (Game storage g, State memory s) = _toSettle(gameId, claim);
        if (s.nodeIndex != 0) revert WrongLeaf(s.nodeIndex);
        Header memory h = _header(claim, header);
        bytes32 parentHash = _b32(claim, 40);
        bytes32 parentStateRoot;
        if (parentHash == bytes32(0)) {
            parentStateRoot = claims.genesisStateRoot();
        } else {
            bytes32 given = parentClaim.length == CLAIM_BYTES ? _hash(parentClaim) : bytes32(0);
            if (given != parentHash) revert ParentMismatch(parentHash, given);
            parentStateRoot = _b32(parentClaim, 140);
        }
        bytes32 c0 = prover.startCommitment(domainSeparator, parentTreeRoot, parentSlotCount, parentStateRoot, binding, h);
        _resolve(gameId, g, s, c0 == g.node);
    }

    /// @inheritdoc IDisputeGame
    function settleStepCount(uint256 gameId, bytes calldata claim, bytes calldata header, bytes calldata binding) external {
        Game storage g = _games[gameId];
        State memory s = g.state;
        _expectOpen(gameId, s.phase);
        _checkClaim(g, claim);
        Header memory h = _header(claim, header);
        uint256 steps;
        if (h.daKind == DA_BLOBS) {
            // the blob binding (SPEC §13.7) lives in the prover; without this a claim on a blob
            // batch could drop its last transactions and settlement and never lose (SECURITY.md F1)
            steps = prover.stepCountOf(h, binding);
        } else {
            _bindDa(h, binding);
            (, uint256 n) = BatchData.check(binding, h.inboxCount);
            steps = uint256(h.inboxCount) + n + 1;
        }
        uint256 stepCount = g.stepCount;
        if (stepCount == steps) revert StepCountMatches(stepCount);
        _resolve(gameId, g, s, false);
    }

    /// @inheritdoc IDisputeGame
    function timeout(uint256 gameId) external {
        Game storage g = _games[gameId];
        State memory s = g.state;
        _expectOpen(gameId, s.phase);
        bool proposerMoves = s.phase != Phase.AwaitChoice;
        uint256 clock = proposerMoves ? s.proposerClock : s.challengerClock;
        uint256 elapsed = block.timestamp - s.lastMove;
        if (elapsed < clock) revert ClockNotExpired(gameId, clock - elapsed);
        _resolve(gameId, g, s, !proposerMoves);
    }

    /// @inheritdoc IDisputeGame
    function withdrawBalance() external {
        uint256 amount = balanceOf[msg.sender];
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        balanceOf[msg.sender] = 0;
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert TransferFailed(msg.sender);
    }

    // ---------------------------------------------------------------------------------------
    // Views

    function phase(uint256 gameId) external view returns (Phase) {
        return _games[gameId].state.phase;
    }

    function gameOf(uint256 gameId) external view returns (GameView memory v) {
        Game storage g = _games[gameId];
        State memory s = g.state;
        v = GameView(
            g.claimHash,
            g.node,
            g.agreed,
            g.challenger,
            g.proposer,
            g.stepCount,
            s.nodeIndex,
            s.level,
            s.startLevel,
            s.phase,
            s.lastMove,
            s.proposerClock,
            s.challengerClock
        );
    }

    // ---------------------------------------------------------------------------------------
    // Internals

    function _expectPhase(uint256 gameId, Phase actual, Phase expected) internal pure {
        if (actual == Phase.None) revert UnknownGame(gameId);
        if (actual != expected) revert WrongPhase(gameId, actual);
    }

    function _expectOpen(uint256 gameId, Phase p) internal pure {
        if (p == Phase.None) revert UnknownGame(gameId);
        if (p != Phase.AwaitReveal && p != Phase.AwaitChoice && p != Phase.AwaitSettle) revert WrongPhase(gameId, p);
    }

    /// Charges the time since the last move to the mover's clock; refuses the move when it ran out.
    function _tick(uint256 gameId, State memory s, bool proposer) internal view {
        uint256 elapsed = block.timestamp - s.lastMove;
        uint256 clock = proposer ? s.proposerClock : s.challengerClock;
        if (elapsed >= clock) revert ClockExpired(gameId);
        if (proposer) s.proposerClock = uint40(clock - elapsed);
        else s.challengerClock = uint40(clock - elapsed);
        s.lastMove = uint40(block.timestamp);
    }

    /// A settle: the game awaits it, the proposer's clock (which runs meanwhile) is not out, the
    /// claim's bytes are the game's.
    function _toSettle(uint256 gameId, bytes calldata claim) internal view returns (Game storage g, State memory s) {
        g = _games[gameId];
        s = g.state;
        _expectPhase(gameId, s.phase, Phase.AwaitSettle);
        if (block.timestamp - s.lastMove >= s.proposerClock) revert ClockExpired(gameId);
        _checkClaim(g, claim);
    }

    function _checkClaim(Game storage g, bytes calldata claim) internal view {
        bytes32 expected = g.claimHash;
        if (claim.length != CLAIM_BYTES) revert BadClaimLength(claim.length);
        bytes32 given = _hash(claim);
        if (given != expected) revert ClaimMismatch(expected, given);
    }

    /// Decodes the 105-byte header (SPEC §13.2) after checking it is the claim's and the posted one.
    function _header(bytes calldata claim, bytes calldata header) internal view returns (Header memory h) {
        bytes32 expected = _b32(claim, 8);
        bytes32 given = header.length == HEADER_BYTES ? _hash(header) : bytes32(0);
        if (given != expected) revert HeaderMismatch(expected, given);
        uint64 index = uint64(bytes8(header[0:8]));
        bytes32 posted = batches.headerHash(index);
        if (given != posted || index != uint64(bytes8(claim[0:8]))) revert HeaderMismatch(posted, given);
        h.index = index;
        h.prevHeaderHash = bytes32(header[8:40]);
        h.daKind = uint8(header[40]);
        h.daHash = bytes32(header[41:73]);
        h.daLength = uint32(bytes4(header[73:77]));
        h.inboxStart = uint64(bytes8(header[77:85]));
        h.inboxCount = uint32(bytes4(header[85:89]));
        h.l1Block = uint64(bytes8(header[89:97]));
        h.l1Timestamp = uint64(bytes8(header[97:105]));
    }

    /// The DA bytes are the header's (calldata and committee kinds, as OneStepProver binds them;
    /// blob batches are bound by the prover itself).
    function _bindDa(Header memory h, bytes calldata da) internal pure {
        if (h.daKind != DA_CALLDATA && h.daKind != DA_COMMITTEE) revert UnsupportedDaKind(h.daKind);
        bytes32 actual = da.length == h.daLength ? _hash(da) : bytes32(0);
        if (actual != h.daHash) revert DaMismatch(h.daHash, actual);
    }

    /// Ends the game: the loser's bond to the winner's bonded party, by pull. A claim another game
    /// already rejected voids this one (the challenger's bond returns; Claims is not told again).
    function _resolve(uint256 gameId, Game storage g, State memory s, bool proposerWon) internal {
        bytes32 claimHash = g.claimHash;
        address challenger = g.challenger;
        uint256 bond = challengeBond;
        Phase result;
        if (claims.status(claimHash) == IClaims.Status.Rejected) {
            result = Phase.Void;
            balanceOf[challenger] += bond;
        } else if (proposerWon) {
            result = Phase.ProposerWon;
            uint256 burn = bond * burnBps / BPS;
            burned += burn;
            balanceOf[g.proposer] += bond - burn;
        } else {
            result = Phase.ChallengerWon;
            balanceOf[challenger] += bond;
        }
        s.phase = result;
        g.state = s;
        emit GameResolved(gameId, claimHash, result);
        if (result != Phase.Void) claims.gameResolved(claimHash, result == Phase.ProposerWon, challenger);
    }

    /// Whether `proof` is a §3.3 multiproof of exactly leaf `index` holding `leaf` under `root`.
    function _provesLeaf(bytes calldata proof, bytes32 leaf, uint256 index, bytes32 root) internal pure returns (bool) {
        bytes32[] memory leaves = new bytes32[](1);
        leaves[0] = leaf;
        bytes32 computed = Multiproof.computeRoot(proof, leaves);
        // computeRoot parsed a one-leaf proof, so its first index is bytes 4 … 8 (little-endian)
        uint256 named =
            uint8(proof[4]) | (uint256(uint8(proof[5])) << 8) | (uint256(uint8(proof[6])) << 16) | (uint256(uint8(proof[7])) << 24);
        return computed == root && named == index;
    }

    /// The root above the level-`level` node 0 whose value is `h`, all other nodes zero (SPEC §3.2).
    function _foldToRoot(bytes32 h, uint256 level) internal pure returns (bytes32 root) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            let z := 0
            for { let l := 0 } lt(l, 16) { l := add(l, 1) } {
                if iszero(lt(l, level)) {
                    mstore(m, h)
                    mstore(add(m, 32), z)
                    mstore(add(m, 64), z)
                    mstore(add(m, 96), z)
                    h := keccak256(m, 128)
                }
                // Z_{l+1} = H(Z_l ‖ Z_l ‖ Z_l ‖ Z_l)
                mstore(m, z)
                mstore(add(m, 32), z)
                mstore(add(m, 64), z)
                mstore(add(m, 96), z)
                z := keccak256(m, 128)
            }
            root := h
        }
    }

    function _hashChildren(bytes32[4] calldata children) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            calldatacopy(m, children, 128)
            h := keccak256(m, 128)
        }
    }

    function _hash(bytes calldata b) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            calldatacopy(m, b.offset, b.length)
            h := keccak256(m, b.length)
        }
    }

    function _b32(bytes calldata b, uint256 offset) internal pure returns (bytes32 v) {
        assembly ("memory-safe") {
            v := calldataload(add(b.offset, offset))
        }
    }

    function _u32(bytes calldata b, uint256 offset) internal pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := shr(224, calldataload(add(b.offset, offset)))
        }
    }
}
