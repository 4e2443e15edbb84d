// Reference Merkle tree in plain TypeScript with @noble/hashes: the oracle for differential tests
// and the baseline of every speed ratio. Written for clarity, independently of the WASM layout:
// nodes in one Map per level, dirty paths as Sets of indices.

import { keccak_256 } from "@noble/hashes/sha3.js";
import { checkBytes, flattenLeaves, HASH_BYTES } from "../protocol/bytes.js";
import { checkLeafIndex, resolveShape, type ResolvedShape, type TreeShape } from "../protocol/shape.js";
import { checkProofIndices, type MerkleTree } from "../core/tree.js";

/** Zero hashes Z[0..depth]: Z[0] = 32 zero bytes, Z[l+1] = keccak256(Z[l] repeated arity times). */
export function referenceZeroHashes(shape: ResolvedShape): Uint8Array[] {
  const zeros = [new Uint8Array(HASH_BYTES)];
  for (let level = 0; level < shape.depth; level++) {
    zeros.push(keccak_256(concat(new Array<Uint8Array>(shape.arity).fill(zeros[level]!))));
  }
  return zeros;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class ReferenceMerkleTree implements MerkleTree {
  readonly shape: ResolvedShape;
  readonly zeros: Uint8Array[];
  private readonly levels: Map<number, Uint8Array>[];
  private dirty = new Set<number>();

  constructor(shape: Partial<TreeShape> = {}) {
    this.shape = resolveShape(shape);
    this.zeros = referenceZeroHashes(this.shape);
    this.levels = Array.from({ length: this.shape.depth + 1 }, () => new Map<number, Uint8Array>());
  }

  /** A node's value: stored, or the zero hash of its level. */
  node(level: number, index: number): Uint8Array {
    return this.levels[level]!.get(index) ?? this.zeros[level]!;
  }

  set(index: number, leaf: Uint8Array): void {
    checkBytes(leaf, HASH_BYTES, "leaf");
    this.setMany([index], [leaf]);
  }

  setMany(indices: ArrayLike<number>, leaves: Uint8Array | readonly Uint8Array[]): void {
    const flat = flattenLeaves(leaves, indices.length);
    for (let i = 0; i < indices.length; i++) checkLeafIndex(this.shape, indices[i]!, `indices[${i}]`);
    for (let i = 0; i < indices.length; i++) {
      this.levels[0]!.set(indices[i]!, flat.slice(i * HASH_BYTES, (i + 1) * HASH_BYTES));
      this.dirty.add(indices[i]!);
    }
  }

  get(index: number): Uint8Array {
    checkLeafIndex(this.shape, index);
    return this.node(0, index).slice();
  }

  root(): Uint8Array {
    const { arity, depth } = this.shape;
    let dirty = this.dirty;
    for (let level = 0; level < depth; level++) {
      const parents = new Set<number>();
      for (const child of dirty) parents.add(Math.floor(child / arity));
      for (const parent of parents) {
        const children: Uint8Array[] = [];
        for (let c = 0; c < arity; c++) children.push(this.node(level, parent * arity + c));
        this.levels[level + 1]!.set(parent, keccak_256(concat(children)));
      }
      dirty = parents;
    }
    this.dirty = new Set();
    return this.node(depth, 0).slice();
  }

  prove(indices: ArrayLike<number>): Uint8Array {
    const list = checkProofIndices(this.shape, indices);
    this.root();
    const { arity, depth } = this.shape;
    const bits: boolean[] = [];
    const siblings: Uint8Array[] = [];
    let known = Array.from(list);
    for (let level = 0; level < depth; level++) {
      const knownSet = new Set(known);
      const parents = [...new Set(known.map((i) => Math.floor(i / arity)))].sort((a, b) => a - b);
      for (const parent of parents) {
        for (let c = 0; c < arity; c++) {
          const child = parent * arity + c;
          if (knownSet.has(child)) continue;
          const v = this.node(level, child);
          const isZero = bytesEqual(v, this.zeros[level]!);
          bits.push(isZero);
          if (!isZero) siblings.push(v);
        }
      }
      known = parents;
    }
    return encodeMultiproof(list, bits, siblings);
  }
}

/** Serializes a multiproof: u32 k, k × u32 indices, bitmap (LSB-first), siblings. */
export function encodeMultiproof(indices: Uint32Array, zeroBits: boolean[], siblings: Uint8Array[]): Uint8Array {
  const bitmapBytes = Math.ceil(zeroBits.length / 8);
  const out = new Uint8Array(4 + indices.length * 4 + bitmapBytes + siblings.length * HASH_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, indices.length, true);
  indices.forEach((idx, i) => view.setUint32(4 + i * 4, idx, true));
  const bitmapAt = 4 + indices.length * 4;
  zeroBits.forEach((bit, j) => {
    if (bit) out[bitmapAt + (j >> 3)]! |= 1 << (j & 7);
  });
  siblings.forEach((s, i) => out.set(s, bitmapAt + bitmapBytes + i * HASH_BYTES));
  return out;
}
