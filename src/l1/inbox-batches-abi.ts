// The ABI of the inbox and batch contracts (contracts/interfaces/IInbox.sol, IBatches.sol) as viem
// types, so reading events and decoding a posting transaction need no artifact on disk. The
// contract tests deploy the compiled artifacts and call them with these fragments, so a drift
// between the two fails there.
import { parseAbi } from "viem";

/** IInbox: events, errors and functions. */
export const INBOX_ABI = parseAbi([
  "event MessageQueued(uint256 indexed index, address indexed owner, bytes message, uint64 l1Timestamp)",
  "event Released(uint32 indexed token, address indexed to, uint256 amount)",
  "error UnknownToken(uint32 token)",
  "error ZeroAmount()",
  "error SlotNotEncodable(uint32 slot)",
  "error TransferFailed(address erc20)",
  "error NotBridge(address caller)",
  "error AlreadyBound()",
  "error NotDeployer(address caller)",
  "error IndexOutOfRange(uint256 index, uint256 count)",
  "error BadTokenRegistry(uint256 index)",
  "error ZeroBridge()",
  "function deposit(uint32 token, uint128 amount, uint32 slot) returns (uint256 index)",
  "function forceExit(uint32 slot) returns (uint256 index)",
  "function messageCount() view returns (uint256)",
  "function record(uint256 index) view returns (bytes32)",
  "function erc20Of(uint32 token) view returns (address)",
  "function bridge() view returns (address)",
  "function bind(address bridge_)",
  "function release(uint32 token, address to, uint256 amount)",
]);

const HEADER =
  "(uint64 index, bytes32 prevHeaderHash, uint8 daKind, bytes32 daHash, uint32 daLength, uint64 inboxStart, uint32 inboxCount, uint64 l1Block, uint64 l1Timestamp)";

/** IBatches (with Batches.sol's own errors and immutables): events, errors and functions. */
export const BATCHES_ABI = parseAbi([
  `event BatchPosted(uint64 indexed index, bytes32 indexed headerHash, ${HEADER} header)`,
  "error NotSequencer(address caller)",
  "error WrongIndex(uint64 expected, uint64 given)",
  "error DaTooLarge(uint256 length, uint256 max)",
  "error BlobDaTooLarge(uint256 length, uint256 max)",
  "error InboxRangeOutOfBounds(uint256 end, uint256 messageCount)",
  "error OverdueMessageSkipped(uint256 index, uint64 l1Timestamp)",
  "error BadRecordPreimage(uint256 index)",
  "error NothingOverdue()",
  "error NoBlobs()",
  "error BlobIndexOutOfRange(uint256 index)",
  "error NotCommitteeMode()",
  "error CommitteeQuorumNotMet(uint256 signers, uint256 quorum)",
  "error BadCommitteeSignature(uint256 index)",
  "error BadCommittee()",
  "error ZeroSequencer()",
  "error InboxCountTooLarge(uint256 count, uint256 max)",
  "function postBatch(uint64 index, uint32 inboxCount, bytes da, bytes nextRecordPreimage)",
  "function postBlobBatch(uint64 index, uint32 inboxCount, uint32 daLength, uint256 blobCount, bytes nextRecordPreimage)",
  "function postCommitteeBatch(uint64 index, uint32 inboxCount, bytes32 daHash, uint32 daLength, bytes signatures, bytes nextRecordPreimage)",
  "function forceInclude(uint32 inboxCount, bytes firstRecordPreimage, bytes nextRecordPreimage)",
  "function committeeDigest(bytes32 daHash, uint32 daLength) view returns (bytes32)",
  "function batchCount() view returns (uint64)",
  "function headerHash(uint64 index) view returns (bytes32)",
  "function inboxConsumed() view returns (uint64)",
  "function forceDelay() view returns (uint64)",
  "function quorum() view returns (uint256)",
  "function sequencer() view returns (address)",
  "function inbox() view returns (address)",
]);

/** The EIP-712 types committee members sign for a committee batch (SPEC §13.6). */
export const COMMITTEE_BATCH_TYPES = {
  CommitteeBatch: [
    { name: "index", type: "uint64" },
    { name: "daHash", type: "bytes32" },
    { name: "daLength", type: "uint32" },
  ],
} as const;
