import { InvalidArgumentError } from "./errors.js";

/** The shape of a fixed-depth keccak Merkle tree. */
export interface TreeShape {
  /** Children per node: 4 (the protocol's state tree) or 2. */
  readonly arity: 2 | 4;
  /** Levels above the leaves; arity^depth leaves are addressable (at most 2^32). */
  readonly depth: number;
}

/** The protocol's state tree: 4-ary, depth 16, 2^32 addressable slots (docs/SPEC.md). */
export const STATE_TREE_SHAPE: TreeShape = Object.freeze({ arity: 4, depth: 16 });

/** Largest leaf capacity a tree keeps in memory: 2^24 leaves. */
export const MAX_LEAVES_IN_MEMORY = 2 ** 24;

/** A validated shape with the numbers the cores use. */
export interface ResolvedShape extends TreeShape {
  readonly arityLog2: 1 | 2;
  /** Number of addressable leaves, arity^depth. */
  readonly leafCount: number;
}

/**
 * `shape` with defaults filled in (the protocol's 4-ary depth 16) and the numbers the cores use.
 * @throws InvalidArgumentError for an arity other than 2 or 4, or a depth outside 1…32/log2(arity).
 */
export function resolveShape(shape: Partial<TreeShape> = {}): ResolvedShape {
  const arity = shape.arity ?? STATE_TREE_SHAPE.arity;
  const depth = shape.depth ?? STATE_TREE_SHAPE.depth;
  if (arity !== 2 && arity !== 4) {
    throw new InvalidArgumentError(`tree arity must be 2 or 4, got ${String(arity)}`);
  }
  const arityLog2 = arity === 4 ? 2 : 1;
  if (!Number.isInteger(depth) || depth < 1 || arityLog2 * depth > 32) {
    throw new InvalidArgumentError(`tree depth must be an integer from 1 to ${32 / arityLog2} for arity ${arity}, got ${String(depth)}`);
  }
  return { arity, depth, arityLog2, leafCount: 2 ** (arityLog2 * depth) };
}

/** Throws unless `index` is an integer leaf index inside the shape. */
export function checkLeafIndex(shape: ResolvedShape, index: number, what = "leaf index"): void {
  if (!Number.isInteger(index) || index < 0 || index >= shape.leafCount) {
    throw new InvalidArgumentError(`${what} must be an integer in [0, ${shape.leafCount}), got ${String(index)}`);
  }
}
