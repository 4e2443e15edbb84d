/**
 * l2engine/l1 — the rollup on a real L1 (Node only, on viem): deploy the contracts
 * (docs/SPEC.md §13.6–§13.10), post batches as the sequencer, derive the chain from L1 as a
 * follower, make and post claims, play the bisection game as a proposer or a challenger, and use
 * the bridge (withdrawals, slot exits and refunds once frozen). A local anvil node for tests and
 * demos. Every failure is an {@link L1Error} whose `fault` says which kind (a revert keeps the
 * contract's custom error name and arguments). The engine, its types and the protocol encodings
 * come from the main entry (`l2engine`).
 *
 * The compiled contracts are read from the nearest `build/contracts` directory (`npm run
 * build:contracts` writes it).
 * @packageDocumentation
 */
export {
  L1Error,
  DependencyMissingError,
  type L1Fault,
  type L1ErrorDetails,
  type GameFault,
} from "./protocol/errors.js";
export { Anvil, ANVIL_CHAIN_ID, ANVIL_KEY_0, ANVIL_KEYS, anvilBinary, type CallOutcome } from "./l1/anvil.js";
export { loadArtifact, type Artifact, type ContractName } from "./l1/artifacts.js";
export { deployRollup, resolveSettings, ROLLUP_DEFAULTS, type L1Wallet, type RollupSettings, type RollupAddresses, type DeployedRollup } from "./l1/deploy.js";
export { INBOX_ABI, BATCHES_ABI, COMMITTEE_BATCH_TYPES } from "./l1/inbox-batches-abi.js";
export { InboxReader, recordPreimage, type InboxMessage } from "./l1/inbox.js";
export { Sequencer, headerFromEvent, type InboxBatchesAddresses, type PostedHeader } from "./l1/sequencer.js";
export { Follower, type FollowedBatch, type DaSource } from "./l1/follower.js";
export {
  BRIDGE_ABI,
  claimForBatch,
  withdrawalArgs,
  slotExitArgs,
  refundArgs,
  depositRecord,
  claimWithdrawal,
  exitSlot,
  refundDeposit,
  type EncodedClaim,
  type WithdrawalArgs,
  type SlotExitArgs,
  type RefundArgs,
} from "./l1/bridge.js";
export {
  GameProposer,
  GameChallenger,
  ViemGame,
  TraceTree,
  PHASE,
  TRACE_ZERO_HASHES,
  startLevel,
  traceBatchOnL1,
  bindingOf,
  moverExpired,
  toGameView,
  nextMoveOf,
  type Phase,
  type GameView,
  type GameMove,
  type GameBatch,
  type ParentState,
  type Dispute,
  type PartyTrace,
  type GameReader,
} from "./l1/game.js";
export {
  loadBlobKzg,
  blobCountFor,
  packBlobs,
  unpackBlobs,
  versionedHash,
  blobDaHash,
  blobBinding,
  makeBlobSidecar,
  blobChallenge,
  evaluateBlob,
  BLS_MODULUS,
  FIELD_ELEMENTS_PER_BLOB,
  BLOB_BYTES,
  DA_BYTES_PER_ELEMENT,
  DA_BYTES_PER_BLOB,
  KZG_POINT_BYTES,
  BINDING_BYTES_PER_BLOB,
  VERSIONED_HASH_VERSION_KZG,
  ROOT_OF_UNITY,
  type BlobKzg,
  type KzgWasmModule,
  type BlobSidecar,
} from "./l1/blobs.js";
export { revertError, revertData, describeRevert } from "./l1/revert.js";
