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
  type L2EngineErrorCode,
  type ProofFault,
} from "./errors.js";
export { toHex, fromHex, HASH_BYTES } from "./bytes.js";
export { ReferenceMerkleTree, referenceZeroHashes } from "./reference/tree.js";
export { referenceComputeProofRoot } from "./reference/multiproof.js";
