// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Claims on batch outcomes (docs/SPEC.md §13.3), bonded, held through a challenge window.
/// @notice A claim is stored as its hash and a small status record; functions that need its fields
/// take the 240-byte encoding back and check it against the hash. A claim confirms when its window
/// has passed, no game against it is open, none was lost, its parent is confirmed (or is genesis)
/// and no other claim of its batch confirmed first. No confirmation for `escapeDelay` freezes the
/// rollup for good (the bridge's escape hatch opens).
interface IClaims {
    enum Status {
        None,
        Pending,
        Confirmed,
        Rejected
    }

    event ClaimProposed(bytes32 indexed claimHash, uint64 indexed batchIndex, address indexed proposer, bytes claim);
    event ClaimConfirmed(bytes32 indexed claimHash, uint64 indexed batchIndex);
    event ClaimRejected(bytes32 indexed claimHash, uint64 indexed batchIndex, address indexed winner);

    error BadClaimLength(uint256 length);
    error ClaimExists(bytes32 claimHash);
    error UnknownClaim(bytes32 claimHash);
    error WrongBond(uint256 sent, uint256 required);
    error HeaderMismatch(uint64 batchIndex, bytes32 expected, bytes32 given);
    error BadParent(bytes32 parentClaimHash);
    /// keccak256(claim[140 … 240)) ≠ finalCommitment (SPEC §13.3).
    error FinalCommitmentMismatch();
    error NotPending(bytes32 claimHash, Status status);
    error WindowOpen(bytes32 claimHash, uint256 endsAt);
    error WindowClosed(bytes32 claimHash);
    error GamesOpen(bytes32 claimHash, uint256 open);
    error ParentNotConfirmed(bytes32 parentClaimHash);
    error BatchAlreadyConfirmed(uint64 batchIndex);
    error Frozen();
    error NotGame(address caller);
    error AlreadyBound();
    error NotDeployer(address caller);
    // Added with the implementation (issue 12, H2):
    /// A pending claim that can still confirm (its parent is not rejected, its batch has no
    /// confirmed claim, the rollup is not frozen) cannot be retired.
    error StillLive(bytes32 claimHash);
    /// A game resolved against a claim with no game open (a broken game contract).
    error NoOpenGame(bytes32 claimHash);
    error NothingToWithdraw(address who);
    error TransferFailed(address to);
    /// The burn share is in basis points and cannot exceed the whole bond.
    error BadBurnShare(uint16 burnBps);

    /// A pending claim that could never confirm was retired; its bond went back to its proposer.
    event ClaimRetired(bytes32 indexed claimHash, uint64 indexed batchIndex);
    event BalanceWithdrawn(address indexed who, uint256 amount);

    /// Post a claim (240 bytes, SPEC §13.3) with exactly `claimBond()` wei.
    function propose(bytes calldata claim) external payable returns (bytes32 claimHash);
    /// Confirm a pending claim (anyone); returns the proposer's bond.
    function confirm(bytes32 claimHash) external;
    /// A pending claim whose parent was rejected, or whose batch confirmed another claim, or any
    /// pending claim once the rollup is frozen, can never confirm: anyone retires it (when no game
    /// against it is open) and its bond returns to its proposer.
    function retire(bytes32 claimHash) external;

    function status(bytes32 claimHash) external view returns (Status);
    function proposerOf(bytes32 claimHash) external view returns (address);
    function batchIndexOf(bytes32 claimHash) external view returns (uint64);
    /// When the claim's challenge window ends (proposal time + challengeWindow).
    function windowEnd(bytes32 claimHash) external view returns (uint256);
    function openGames(bytes32 claimHash) external view returns (uint256);
    /// The confirmed claim of a batch (zero if none).
    function confirmedClaim(uint64 batchIndex) external view returns (bytes32);
    /// The highest batch index with a confirmed claim (0 = only genesis) and when it confirmed.
    function lastConfirmed() external view returns (uint64 batchIndex, bytes32 claimHash, uint256 confirmedAt);
    /// The genesis state root that batch 1's claims build on (parentClaimHash = 0).
    function genesisStateRoot() external view returns (bytes32);
    /// True once no claim has confirmed for `escapeDelay` since the last confirmation (or deployment).
    function frozen() external view returns (bool);
    function claimBond() external view returns (uint256);

    /// Game hooks, only the dispute-game contract (set once by the deployer with `bind`).
    function bind(address game) external;
    /// A game against a pending claim opened (it must still be inside its window).
    function gameOpened(bytes32 claimHash) external;
    /// A game ended: `proposerWon` closes it; otherwise the claim is rejected and the proposer's
    /// bond goes to `challenger` less the burned share (once: later games find it rejected).
    function gameResolved(bytes32 claimHash, bool proposerWon, address challenger) external;

    /// Pull payments: bonds returned (confirm, retire) and bounties won (a lost game) are credited
    /// here and paid to `msg.sender` by `withdrawBalance`; ETH is never pushed.
    function withdrawBalance() external;
    function balanceOf(address who) external view returns (uint256);
    /// Wei of lost bonds burned (locked in this contract for good).
    function burned() external view returns (uint256);
}
