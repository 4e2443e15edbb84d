// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IBatches} from "./interfaces/IBatches.sol";
import {IClaims} from "./interfaces/IClaims.sol";

/// @title Bonded claims on batch outcomes, held through a challenge window (docs/SPEC.md §13.8).
/// @notice A claim is kept as its hash and a two-word record; its fields are read from the 240-byte
/// encoding once, at proposal, and every later use goes through the stored hash. Bonds are paid by
/// pull (`withdrawBalance`): no game and no confirmation ever sends ETH to anyone.
/// @dev Timing: a claim's window is [proposedAt, proposedAt + challengeWindow); games open strictly
/// inside it and confirmation happens at or after its end, so no instant allows both.
contract Claims is IClaims {
    /// A claim's record: one word for everything but the parent, whose hash takes the second.
    /// `proposedAt` counts seconds since deployment (the contract freezes before it can wrap, see
    /// `frozen`); `batchIndex` fits 32 bits because a claim must name a posted batch (D42).
    struct Record {
        address proposer;
        uint32 batchIndex;
        uint32 proposedAt;
        Status status;
        uint24 openGames;
        bytes32 parent;
    }

    uint256 internal constant CLAIM_BYTES = 240;
    uint256 internal constant BPS = 10_000;

    IBatches public immutable batches;
    bytes32 public immutable genesisStateRoot;
    uint256 public immutable claimBond;
    uint64 public immutable challengeWindow;
    uint64 public immutable escapeDelay;
    uint16 public immutable burnBps;
    address internal immutable deployer;
    uint256 internal immutable deployedAt;

    address public game;
    /// Batch and time of the last confirmation, one word (read by every propose and confirm).
    uint64 internal lastBatch;
    uint64 internal lastConfirmedAt;
    bytes32 internal lastClaim;
    /// ETH from lost bonds that nobody may take (the burned share).
    uint256 public burned;

    mapping(bytes32 claimHash => Record) internal records;
    mapping(uint64 batchIndex => bytes32 claimHash) public confirmedClaim;
    mapping(address who => uint256 wei_) public balanceOf;

    constructor(
        IBatches batches_,
        bytes32 genesisStateRoot_,
        uint256 claimBond_,
        uint64 challengeWindow_,
        uint64 escapeDelay_,
        uint16 burnBps_
    ) {
        if (burnBps_ > BPS) revert BadBurnShare(burnBps_);
        batches = batches_;
        genesisStateRoot = genesisStateRoot_;
        claimBond = claimBond_;
        challengeWindow = challengeWindow_;
        escapeDelay = escapeDelay_;
        burnBps = burnBps_;
        deployer = msg.sender;
        deployedAt = block.timestamp;
        lastConfirmedAt = uint64(block.timestamp);
    }

    /// @inheritdoc IClaims
    function propose(bytes calldata claim) external payable returns (bytes32 claimHash) {
        if (claim.length != CLAIM_BYTES) revert BadClaimLength(claim.length);
        if (msg.value != claimBond) revert WrongBond(msg.value, claimBond);
        if (frozen()) revert Frozen();
        uint64 batchIndex;
        bytes32 given;
        bytes32 parent;
        bytes32 finalCommitment;
        bytes32 opened;
        assembly ("memory-safe") {
            let at := claim.offset
            batchIndex := shr(192, calldataload(at))
            given := calldataload(add(at, 8))
            parent := calldataload(add(at, 40))
            finalCommitment := calldataload(add(at, 108))
            // the face check (SPEC §13.3): the posted roots open C_{E+1}
            let m := mload(0x40)
            calldatacopy(m, add(at, 140), 100)
            opened := keccak256(m, 100)
            calldatacopy(m, at, CLAIM_BYTES)
            claimHash := keccak256(m, CLAIM_BYTES)
        }
        if (opened != finalCommitment) revert FinalCommitmentMismatch();
        // A claim names a posted batch: an unposted index has no header (zero), which no header
        // hash equals. Past 2^32 no batch can have been posted (one transaction each).
        bytes32 expected = batchIndex > type(uint32).max ? bytes32(0) : batches.headerHash(batchIndex);
        if (expected == bytes32(0) || expected != given) revert HeaderMismatch(batchIndex, expected, given);
        if (parent == bytes32(0)) {
            if (batchIndex != 1) revert BadParent(parent);
        } else {
            Record storage p = records[parent];
            if (p.status == Status.None || uint64(p.batchIndex) + 1 != batchIndex) revert BadParent(parent);
        }
        if (confirmedClaim[batchIndex] != bytes32(0)) revert BatchAlreadyConfirmed(batchIndex);
        Record storage r = records[claimHash];
        if (r.status != Status.None) revert ClaimExists(claimHash);
        r.proposer = msg.sender;
        r.batchIndex = uint32(batchIndex);
        r.proposedAt = uint32(block.timestamp - deployedAt);
        r.status = Status.Pending;
        r.parent = parent;
        emit ClaimProposed(claimHash, batchIndex, msg.sender, claim);
    }

    /// @inheritdoc IClaims
    function confirm(bytes32 claimHash) external {
        Record storage r = records[claimHash];
        (address proposer, uint64 batchIndex, uint256 end, Status st, uint256 open) = _load(r);
        if (st != Status.Pending) revert NotPending(claimHash, st);
        if (frozen()) revert Frozen();
        if (block.timestamp < end) revert WindowOpen(claimHash, end);
        if (open != 0) revert GamesOpen(claimHash, open);
        bytes32 parent = r.parent;
        // batch 1 builds on genesis (propose allowed parent 0 only there)
        if (parent != bytes32(0) && confirmedClaim[batchIndex - 1] != parent) revert ParentNotConfirmed(parent);
        if (confirmedClaim[batchIndex] != bytes32(0)) revert BatchAlreadyConfirmed(batchIndex);
        r.status = Status.Confirmed;
        confirmedClaim[batchIndex] = claimHash;
        // parents confirm first, so this is always the next batch after lastBatch
        lastBatch = batchIndex;
        lastConfirmedAt = uint64(block.timestamp);
        lastClaim = claimHash;
        balanceOf[proposer] += claimBond;
        emit ClaimConfirmed(claimHash, batchIndex);
    }

    /// @inheritdoc IClaims
    /// @dev Also once the rollup is frozen (nothing confirms again). Never while a game is open:
    /// the bond is what that game's challenger may win.
    function retire(bytes32 claimHash) external {
        Record storage r = records[claimHash];
        (address proposer, uint64 batchIndex,, Status st, uint256 open) = _load(r);
        if (st != Status.Pending) revert NotPending(claimHash, st);
        if (open != 0) revert GamesOpen(claimHash, open);
        bytes32 parent = r.parent;
        bool dead = confirmedClaim[batchIndex] != bytes32(0) || frozen()
            || (parent != bytes32(0) && records[parent].status == Status.Rejected);
        if (!dead) revert StillLive(claimHash);
        r.status = Status.Rejected;
        balanceOf[proposer] += claimBond;
        emit ClaimRetired(claimHash, batchIndex);
    }

    /// @inheritdoc IClaims
    function bind(address game_) external {
        if (msg.sender != deployer) revert NotDeployer(msg.sender);
        if (game != address(0)) revert AlreadyBound();
        game = game_;
    }

    /// @inheritdoc IClaims
    function gameOpened(bytes32 claimHash) external {
        if (msg.sender != game) revert NotGame(msg.sender);
        Record storage r = records[claimHash];
        (,, uint256 end, Status st,) = _load(r);
        if (st != Status.Pending) revert NotPending(claimHash, st);
        if (block.timestamp >= end) revert WindowClosed(claimHash);
        r.openGames += 1;
    }

    /// @inheritdoc IClaims
    function gameResolved(bytes32 claimHash, bool proposerWon, address challenger) external {
        if (msg.sender != game) revert NotGame(msg.sender);
        Record storage r = records[claimHash];
        (, uint64 batchIndex,, Status st, uint256 open) = _load(r);
        if (open == 0) revert NoOpenGame(claimHash);
        r.openGames = uint24(open - 1);
        // a game only opens on a pending claim and a claim with open games neither confirms nor
        // retires, so `st` is Pending or Rejected (by an earlier lost game) here
        if (proposerWon || st != Status.Pending) return;
        r.status = Status.Rejected;
        uint256 burn = (claimBond * burnBps) / BPS;
        burned += burn;
        balanceOf[challenger] += claimBond - burn;
        emit ClaimRejected(claimHash, batchIndex, challenger);
    }

    /// @inheritdoc IClaims
    function withdrawBalance() external {
        uint256 amount = balanceOf[msg.sender];
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        balanceOf[msg.sender] = 0;
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert TransferFailed(msg.sender);
        emit BalanceWithdrawn(msg.sender, amount);
    }

    /// @inheritdoc IClaims
    function status(bytes32 claimHash) external view returns (Status) {
        return records[claimHash].status;
    }

    /// @inheritdoc IClaims
    function proposerOf(bytes32 claimHash) external view returns (address) {
        return records[claimHash].proposer;
    }

    /// @inheritdoc IClaims
    function batchIndexOf(bytes32 claimHash) external view returns (uint64) {
        return records[claimHash].batchIndex;
    }

    /// @inheritdoc IClaims
    function windowEnd(bytes32 claimHash) external view returns (uint256 end) {
        Record storage r = records[claimHash];
        if (r.status == Status.None) revert UnknownClaim(claimHash);
        (,, end,,) = _load(r);
    }

    /// @inheritdoc IClaims
    function openGames(bytes32 claimHash) external view returns (uint256) {
        return records[claimHash].openGames;
    }

    /// @inheritdoc IClaims
    function lastConfirmed() external view returns (uint64 batchIndex, bytes32 claimHash, uint256 confirmedAt) {
        return (lastBatch, lastClaim, lastConfirmedAt);
    }

    /// @inheritdoc IClaims
    /// @dev Permanent once true: only a confirmation moves `lastConfirmedAt`, and nothing confirms
    /// while frozen. Also true 2^32 s (136 years) after deployment, when `proposedAt` would wrap.
    function frozen() public view returns (bool) {
        return block.timestamp > uint256(lastConfirmedAt) + escapeDelay || block.timestamp - deployedAt > type(uint32).max;
    }

    /// The record's first word unpacked, with the window's end as an absolute time.
    function _load(Record storage r)
        internal
        view
        returns (address proposer, uint64 batchIndex, uint256 end, Status st, uint256 open)
    {
        proposer = r.proposer;
        batchIndex = r.batchIndex;
        end = deployedAt + r.proposedAt + challengeWindow;
        st = r.status;
        open = r.openGames;
    }
}
