import { checkBytes, flattenLeaves, HASH_BYTES } from "../protocol/bytes.js";
import { type CoreInstance, u32Bytes } from "./instance.js";
import { statusError, STATUS_OK } from "./status.js";
import { CapacityError, InvalidArgumentError } from "../protocol/errors.js";
import { checkLeafIndex, MAX_LEAVES_IN_MEMORY, type ResolvedShape } from "../protocol/shape.js";

/**
 * A fixed-depth keccak256 Merkle tree with leaves addressed by index. Implemented by
 * {@link WasmMerkleTree} (the engine's) and by the TypeScript reference (the test oracle).
 */
export interface MerkleTree {
  readonly shape: ResolvedShape;
  /** Sets one leaf (32 bytes). The root is recomputed lazily by {@link MerkleTree.root}. */
  set(index: number, leaf: Uint8Array): void;
  /**
   * Sets many leaves at once: `leaves` is n × 32 bytes flat, or n 32-byte arrays. All indices are
   * checked first; on error nothing is set. Later entries win over earlier ones with the same index.
   */
  setMany(indices: ArrayLike<number>, leaves: Uint8Array | readonly Uint8Array[]): void;
  /** The leaf at `index` (32 zero bytes if never set). */
  get(index: number): Uint8Array;
  /** The root, rehashing only the paths changed since the last call. */
  root(): Uint8Array;
  /** A canonical multiproof (docs/SPEC.md) for strictly increasing leaf indices. */
  prove(indices: ArrayLike<number>): Uint8Array;
}

/** Largest number of leaves one `prove` call may name. */
export const MAX_PROOF_LEAVES = 1 << 20;

export function checkProofIndices(shape: ResolvedShape, indices: ArrayLike<number>): Uint32Array {
  if (indices.length === 0) throw new InvalidArgumentError("a proof must name at least one leaf");
  if (indices.length > MAX_PROOF_LEAVES) {
    throw new InvalidArgumentError(`a proof may name at most ${MAX_PROOF_LEAVES} leaves, got ${indices.length}`);
  }
  const out = new Uint32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const idx = indices[i]!;
    checkLeafIndex(shape, idx, `indices[${i}]`);
    if (i > 0 && idx <= out[i - 1]!) throw new InvalidArgumentError("proof indices must be strictly increasing");
    out[i] = idx;
  }
  return out;
}

/** The engine's tree: nodes live in the WASM core's linear memory, never copied into JS. */
export class WasmMerkleTree implements MerkleTree {
  readonly shape: ResolvedShape;
  private readonly core: CoreInstance;
  private handle: number;

  /** @internal Use {@link WasmCore.createTree}. */
  constructor(core: CoreInstance, shape: ResolvedShape) {
    this.core = core;
    this.shape = shape;
    this.handle = core.call((x) => x.treeNew(shape.arityLog2, shape.depth));
    if (this.handle === 0) throw new InvalidArgumentError("unsupported tree shape");
  }

  private live(): number {
    if (this.handle === 0) throw new InvalidArgumentError("tree was disposed");
    return this.handle;
  }

  set(index: number, leaf: Uint8Array): void {
    checkBytes(leaf, HASH_BYTES, "leaf");
    this.setMany([index], leaf);
  }

  setMany(indices: ArrayLike<number>, leaves: Uint8Array | readonly Uint8Array[]): void {
    const t = this.live();
    const n = indices.length;
    const flat = flattenLeaves(leaves, n);
    const leafCount = this.shape.leafCount;
    let max = -1;
    for (let i = 0; i < n; i++) {
      const idx = indices[i]!;
      // the message is only built on failure: this loop runs once per leaf of every batch
      if (!(Number.isInteger(idx) && idx >= 0 && idx < leafCount)) checkLeafIndex(this.shape, idx, `indices[${i}]`);
      if (idx > max) max = idx;
    }
    if (max >= MAX_LEAVES_IN_MEMORY) {
      throw new CapacityError(`leaf index ${max} is beyond the in-memory capacity of ${MAX_LEAVES_IN_MEMORY} leaves`);
    }
    const status = this.core.call((x) => {
      const ptr = this.core.copyIn([u32Bytes(indices), flat]);
      return x.treeSetLeaves(t, ptr, ptr + n * 4, n);
    });
    if (status !== STATUS_OK) throw statusError(status, "setMany");
  }

  get(index: number): Uint8Array {
    const t = this.live();
    checkLeafIndex(this.shape, index);
    return this.core.call((x) => {
      const out = this.core.reserveInput(HASH_BYTES);
      x.treeGetLeaf(t, index, out);
      return this.core.bytes().slice(out, out + HASH_BYTES);
    });
  }

  root(): Uint8Array {
    const t = this.live();
    return this.core.call((x) => {
      const out = this.core.reserveInput(HASH_BYTES);
      x.treeRoot(t, out);
      return this.core.bytes().slice(out, out + HASH_BYTES);
    });
  }

  prove(indices: ArrayLike<number>): Uint8Array {
    const t = this.live();
    const list = checkProofIndices(this.shape, indices);
    const size = this.core.call((x) => x.treeProve(t, this.core.copyIn(u32Bytes(list)), list.length));
    if (size < 0) throw statusError(size, "prove");
    const out = this.core.call((x) => x.ioOut());
    return this.core.bytes().slice(out, out + size);
  }

  /** Leaves currently held in memory (grows ×arity on demand, up to 2^24). */
  capacity(): number {
    return 2 ** this.core.call((x) => x.treeCapacityLog2(this.live()));
  }

  /** Frees the tree's memory inside the core. The tree is unusable afterwards. */
  dispose(): void {
    if (this.handle !== 0) this.core.call((x) => x.treeFree(this.handle));
    this.handle = 0;
  }
}
