// Reference stateless multiproof verification, straight from docs/SPEC.md §3, with the same
// fault for every malformed input as the WASM verifier (checked in the same order).

import { keccak_256 } from "@noble/hashes/sha3.js";
import { flattenLeaves, HASH_BYTES } from "../protocol/bytes.js";
import { ProofError } from "../protocol/errors.js";
import { resolveShape, type TreeShape } from "../protocol/shape.js";
import { bytesEqual, concat, referenceZeroHashes } from "./tree.js";

/** Recomputes the root committed to by `proof` for the given leaf values (reference). */
export function referenceComputeProofRoot(shape: Partial<TreeShape>, proof: Uint8Array, leaves: Uint8Array | readonly Uint8Array[]): Uint8Array {
  const s = resolveShape(shape);
  const { arity, depth } = s;
  const leafCount = leaves instanceof Uint8Array ? leaves.length / HASH_BYTES : leaves.length;
  const view = new DataView(proof.buffer, proof.byteOffset, proof.byteLength);
  if (proof.length < 4) throw new ProofError("FORMAT", "proof shorter than its header");
  const k = view.getUint32(0, true);
  if (k === 0) throw new ProofError("EMPTY", "a proof must name at least one leaf");
  if (k > Math.floor((proof.length - 4) / 4) || k !== leafCount) {
    throw new ProofError("FORMAT", "leaf count does not match the proof");
  }
  const indices: number[] = [];
  for (let i = 0; i < k; i++) {
    const idx = view.getUint32(4 + 4 * i, true);
    if (i > 0 && idx <= indices[i - 1]!) throw new ProofError("ORDER", "indices not strictly increasing");
    if (idx >= s.leafCount) throw new ProofError("INDEX_RANGE", "index outside the tree");
    indices.push(idx);
  }
  // Sibling positions: every child of a parent of a known node that is not itself known.
  let positions = 0;
  let known = indices;
  for (let level = 0; level < depth; level++) {
    const parents = [...new Set(known.map((i) => Math.floor(i / arity)))];
    positions += parents.length * arity - known.length;
    known = parents;
  }
  const bitmapAt = 4 + 4 * k;
  const bitmapBytes = Math.ceil(positions / 8);
  if (bitmapAt + bitmapBytes > proof.length) throw new ProofError("FORMAT", "proof truncated in its bitmap");
  const bit = (j: number) => ((proof[bitmapAt + (j >> 3)]! >> (j & 7)) & 1) === 1;
  let zeroBits = 0;
  for (let j = 0; j < bitmapBytes * 8; j++) {
    if (!bit(j)) continue;
    if (j >= positions) throw new ProofError("NONCANONICAL", "stray bits after the bitmap");
    zeroBits++;
  }
  const siblingsAt = bitmapAt + bitmapBytes;
  if (siblingsAt + (positions - zeroBits) * HASH_BYTES !== proof.length) {
    throw new ProofError("FORMAT", "proof length does not match its sibling count");
  }

  const zeros = referenceZeroHashes(s);
  const flat = flattenLeaves(leaves, k);
  let values = new Map<number, Uint8Array>();
  indices.forEach((idx, i) => values.set(idx, flat.slice(i * HASH_BYTES, (i + 1) * HASH_BYTES)));
  let pos = 0;
  let sib = 0;
  for (let level = 0; level < depth; level++) {
    const parents = [...new Set([...values.keys()].map((i) => Math.floor(i / arity)))].sort((a, b) => a - b);
    const next = new Map<number, Uint8Array>();
    for (const parent of parents) {
      const children: Uint8Array[] = [];
      for (let c = 0; c < arity; c++) {
        const child = parent * arity + c;
        const v = values.get(child);
        if (v) {
          children.push(v);
        } else if (bit(pos++)) {
          children.push(zeros[level]!);
        } else {
          const sibling = proof.subarray(siblingsAt + sib * HASH_BYTES, siblingsAt + (sib + 1) * HASH_BYTES);
          sib++;
          if (bytesEqual(sibling, zeros[level]!)) throw new ProofError("NONCANONICAL", "explicit zero sibling");
          children.push(sibling);
        }
      }
      next.set(parent, keccak_256(concat(children)));
    }
    values = next;
  }
  return values.get(0)!;
}
