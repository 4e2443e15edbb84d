/**
 * l2engine/reference — the pure-TypeScript reference implementation: the engine and the Merkle
 * tree written for clarity, not speed. It is the oracle the WASM engine is tested against
 * (differential tests) and a readable statement of the protocol; do not use it to run a chain.
 */
export { ReferenceEngine, isqrt } from "./reference/engine.js";
export { ReferenceMerkleTree, referenceZeroHashes } from "./reference/tree.js";
export { referenceComputeProofRoot } from "./reference/multiproof.js";
