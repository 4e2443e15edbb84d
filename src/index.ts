/**
 * l2engine — the browser-safe core entry: keccak256, the keccak Merkle state tree and its
 * multiproofs, in one WebAssembly instance per {@link WasmCore}; plus the pure-TypeScript
 * reference implementation used as the test oracle (deprecated here: import it from
 * l2engine/reference).
 */
export { WasmCore, defaultCore, MAX_HASH_INPUT_BYTES } from "./core/wasm-core.js";
export { WasmMerkleTree, MAX_PROOF_LEAVES, type MerkleTree } from "./core/tree.js";
export { verifySlotProof, type SlotOpening } from "./core/slot-proof.js";
export { STATE_TREE_SHAPE, MAX_LEAVES_IN_MEMORY, resolveShape, type TreeShape, type ResolvedShape } from "./protocol/shape.js";
export {
  L2EngineError,
  InvalidArgumentError,
  CapacityError,
  ProofError,
  WasmTrapError,
  StoreError,
  ChainError,
  DecodeError,
  EncodeError,
  BisectionError,
  JsonInputError,
  type L2EngineErrorCode,
  type ProofFault,
  type StoreFault,
  type ChainFault,
  type DecodeFault,
  type BisectionFault,
} from "./protocol/errors.js";
export { toHex, fromHex, HASH_BYTES, type HashInput } from "./protocol/bytes.js";

// ---- the engine and the protocol (docs/SPEC.md §4–7) ----
export { Engine, createEngine, traceRoot, proveTraceSteps, MAX_FEE_SLOTS, type EngineOptions, type ApplyOptions } from "./engine/engine.js";
export { MAX_BATCH_ENTRIES } from "./engine/flat.js";
export {
  Reason,
  reasonName,
  authorizingSlot,
  MAX_U128,
  MAX_U64,
  MAX_RESERVE,
  MAX_SLOTS,
  LP_TOKEN_FLAG,
  MINIMUM_LIQUIDITY,
  MAX_POOL_FEE_BPS,
  NEW_SLOT,
  MAX_FEE_PAIRS,
  type Hex,
  type FeePair,
  type Slot,
  type L1Message,
  type DepositMessage,
  type ForcedExitMessage,
  type Tx,
  type TxType,
  type TxOfType,
  type TxDraft,
  type TransferTx,
  type TransferToNewTx,
  type WithdrawTx,
  type CreatePoolTx,
  type AddLiquidityTx,
  type RemoveLiquidityTx,
  type SwapTx,
  type SignedTx,
  type Batch,
  type Receipt,
  type ReasonName,
  type ReasonCode,
  type Withdrawal,
  type BatchResult,
  type StepParts,
} from "./protocol/types.js";
export { encodeSlot, encodeWithdrawal, checksumAddress, poolAddress, lpToken, isLpToken, isReservedOwner } from "./protocol/slot-encoding.js";
export {
  typedDataFor,
  txDigest,
  domainSeparator,
  EIP712_TYPES,
  PRIMARY_TYPES,
  DOMAIN_NAME,
  DOMAIN_VERSION,
  type Eip712Domain,
} from "./protocol/eip712.js";
export { recoverSigner, recoverTransactionSigner, recoverTransactionSigners, signDigest, signTransaction, addressOf } from "./protocol/signatures.js";
export { nobleRecovery, type RecoveryBackend } from "./protocol/signatures.js";

// ---- JSON with bigints as decimal strings (the CLI's files) ----
export { toJson, fromJson, batchFromJson, batchResultFromJson } from "./protocol/json.js";

// ---- the DA codec and records (docs/SPEC.md §9–10) ----
export {
  encodeBatch,
  decodeBatch,
  deriveBatch,
  checkInboxRange,
  DA_VERSION,
  MAX_DA_BYTES,
  MAX_L1_DA_BYTES,
  type DaBatch,
  type DerivedBatch,
} from "./da/codec.js";
export {
  packRecord,
  unpackRecord,
  encodeBatchResult,
  decodeBatchResult,
  RECEIPT_SCHEMA,
  WITHDRAWAL_SCHEMA,
  BATCH_RESULT_SCHEMA,
  type Schema,
  type FieldType,
} from "./store/records.js";

// ---- fraud proofs (docs/SPEC.md §11) ----
export {
  BisectionGame,
  Proposer,
  Challenger,
  runBisection,
  playBisection,
  checkDerivation,
  type Reveal,
} from "./dispute/bisection.js";
export {
  stepCommitment,
  startCommitment,
  stateRootOf,
  contextHash,
  commitmentOf,
  checkStepProof,
  maxMultiproofBytes,
  proveStep,
  proveSteps,
  verifyStep,
  entryAt,
  kindOf,
  EMPTY_TREE_ROOT,
  MAX_WITNESS_SLOTS,
  MAX_TOUCHED_SLOTS,
  encodeStepProof,
  decodeStepProof,
  multiproofLength,
  MAX_STEP_PROOF_BYTES,
  STEP_PROOF_VERSION,
  type StepProof,
  type StepFee,
  type StepVerdict,
  type StepKind,
} from "./dispute/step-proof.js";
export { StepReferee, checkClaim, makeClaim, type Claim, type ClaimLink, type PreState, type StepJudgement } from "./dispute/referee.js";
export {
  encodeHeader,
  headerHash,
  encodeClaim,
  claimHash,
  encodeL1Message,
  decodeL1Message,
  inboxRecord,
  DA_KIND,
  HEADER_BYTES,
  CLAIM_BYTES,
  DEPOSIT_MESSAGE_BYTES,
  FORCED_EXIT_MESSAGE_BYTES,
  NO_DEPOSIT_SLOT,
  type BatchHeader,
  type DaKind,
} from "./protocol/l1-records.js";

// ---- durable state (the LMDB store is in l2engine/node) ----
export { Chain, changedPages, changedSlots, checkpointLimit, type ChainOptions, type ChainState, type ChainBatch, type InboxRange } from "./store/chain.js";
export {
  MemoryStore,
  PAGE_SLOTS,
  LOG_ENTRY_BYTES,
  STORE_FORMAT,
  type StateStore,
  type StoreHead,
  type StoredBatch,
  type StoreCommit,
} from "./store/store.js";

// ---- deprecated: the reference implementation, now the l2engine/reference entry ----
// Kept until the next breaking release so existing imports keep working. They are declared here,
// not re-exported by name, so that the @deprecated tag survives into the bundled index.d.ts (a
// tag on an export specifier is dropped there). Each value is the very same class or function.
import {
  ReferenceEngine as ReferenceEngineImpl,
  ReferenceMerkleTree as ReferenceMerkleTreeImpl,
  isqrt as isqrtImpl,
  referenceComputeProofRoot as referenceComputeProofRootImpl,
  referenceZeroHashes as referenceZeroHashesImpl,
} from "./reference.js";
/** @deprecated use `ReferenceEngine` from `l2engine/reference` */
export const ReferenceEngine = ReferenceEngineImpl;
/** @deprecated use `ReferenceEngine` from `l2engine/reference` */
export type ReferenceEngine = ReferenceEngineImpl;
/** @deprecated use `isqrt` from `l2engine/reference` */
export const isqrt = isqrtImpl;
/** @deprecated use `ReferenceMerkleTree` from `l2engine/reference` */
export const ReferenceMerkleTree = ReferenceMerkleTreeImpl;
/** @deprecated use `ReferenceMerkleTree` from `l2engine/reference` */
export type ReferenceMerkleTree = ReferenceMerkleTreeImpl;
/** @deprecated use `referenceZeroHashes` from `l2engine/reference` */
export const referenceZeroHashes = referenceZeroHashesImpl;
/** @deprecated use `referenceComputeProofRoot` from `l2engine/reference` */
export const referenceComputeProofRoot = referenceComputeProofRootImpl;
