/**
 * l2engine — the browser-safe core entry: keccak256, the keccak Merkle state tree and its
 * multiproofs, in one WebAssembly instance per {@link WasmCore}; plus the pure-TypeScript
 * reference implementation used as the test oracle.
 */
export { WasmCore, MAX_HASH_INPUT_BYTES } from "./core.js";
export { WasmMerkleTree, MAX_PROOF_LEAVES, type MerkleTree } from "./tree.js";
export { STATE_TREE_SHAPE, MAX_LEAVES_IN_MEMORY, resolveShape, type TreeShape, type ResolvedShape } from "./shape.js";
export {
  L2EngineError,
  InvalidArgumentError,
  CapacityError,
  ProofError,
  WasmTrapError,
  StoreError,
  ChainError,
  type L2EngineErrorCode,
  type ProofFault,
  type StoreFault,
  type ChainFault,
} from "./errors.js";
export { toHex, fromHex, HASH_BYTES } from "./bytes.js";
export { ReferenceMerkleTree, referenceZeroHashes } from "./reference/tree.js";
export { referenceComputeProofRoot } from "./reference/multiproof.js";

// ---- the engine and the protocol (docs/SPEC.md §4–7) ----
export { Engine, createEngine, traceRoot, proveTraceSteps, MAX_FEE_SLOTS, type EngineOptions, type ApplyOptions } from "./engine.js";
export { MAX_BATCH_ENTRIES } from "./engine/flat.js";
export {
  Reason, reasonName, authorizingSlot, MAX_U128, MAX_U64, MAX_RESERVE, MAX_SLOTS, LP_TOKEN_FLAG, MINIMUM_LIQUIDITY,
  MAX_POOL_FEE_BPS, NEW_SLOT,
  type Hex, type Slot, type L1Message, type Tx, type TxType, type SignedTx, type Batch, type Receipt, type ReasonName,
  type ReasonCode, type Withdrawal, type BatchResult,
} from "./protocol/types.js";
export { encodeSlot, encodeWithdrawal, poolAddress, lpToken, isLpToken, isReservedOwner } from "./protocol/encoding.js";
export {
  typedDataFor, txDigest, domainSeparator, EIP712_TYPES, PRIMARY_TYPES, DOMAIN_NAME, DOMAIN_VERSION,
  type Eip712Domain,
} from "./protocol/eip712.js";
export { recoverSigner, recoverTransactionSigner, recoverTransactionSigners, signDigest, signTransaction, addressOf } from "./signatures.js";
export { ReferenceEngine, isqrt } from "./reference/engine.js";
export { nobleRecovery, type RecoveryBackend } from "./signatures.js";

// ---- the DA codec and records (docs/SPEC.md §9–10) ----
export {
  encodeBatch, decodeBatch, deriveBatch, DecodeError, EncodeError, DA_VERSION, MAX_DA_BYTES,
  type DaBatch, type DecodeFault,
} from "./codec.js";
export {
  packRecord, unpackRecord, encodeBatchResult, decodeBatchResult, encodeStepProof, decodeStepProof,
  RECEIPT_SCHEMA, WITHDRAWAL_SCHEMA, BATCH_RESULT_SCHEMA, STEP_PROOF_SCHEMA, type Schema, type FieldType,
} from "./records.js";

// ---- fraud proofs (docs/SPEC.md §11) ----
export {
  BisectionGame, BisectionError, Proposer, Challenger, runBisection, playBisection, checkDerivation,
  type Reveal, type BisectionFault,
} from "./bisection.js";
export {
  stepCommitment, startCommitment, stateRootOf, contextHash, commitmentOf, checkStepProof, maxMultiproofBytes, proveStep, verifyStep,
  entryAt, kindOf, EMPTY_TREE_ROOT, MAX_WITNESS_SLOTS, MAX_TOUCHED_SLOTS,
  type StepParts, type StepProof, type StepVerdict, type StepKind,
} from "./proof.js";
export { StepReferee, checkClaim, makeClaim, type Claim, type PreState, type StepJudgement } from "./referee.js";

// ---- durable state (the LMDB store is in l2engine/node) ----
export { Chain, changedPages, type ChainOptions, type ChainState, type ChainBatch, type InboxRange } from "./chain.js";
export {
  MemoryStore, PAGE_SLOTS, STORE_FORMAT, type StateStore, type StoreHead, type StoredBatch, type StoreCommit,
} from "./store.js";
