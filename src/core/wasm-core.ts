import { flattenLeaves, hashBytes, HASH_BYTES, type HashInput } from "../protocol/bytes.js";
import { CoreInstance } from "./instance.js";
import { statusError, STATUS_OK } from "./status.js";
import { InvalidArgumentError } from "../protocol/errors.js";
import { resolveShape, type TreeShape } from "../protocol/shape.js";
import { WasmMerkleTree } from "./tree.js";

let shared: WasmCore | undefined;

/**
 * The shared core: what {@link Engine.create} (and so `Chain.open`), `verifyStep`,
 * `BisectionGame`, `Proposer` and `runBisection` use when they are not given a `core`. One per
 * JavaScript realm (a page, the main thread, each worker), created synchronously at the first call
 * and returned by every later one, so engines created without a core share its memory: its 2^24
 * leaves and 4 GiB are a budget for all of them together, and a disposed engine's memory is reused
 * by the next. Dispose engines you no longer need. After a trap (the core then refuses every call)
 * the next call returns a new core; engines on the old one stay unusable.
 *
 * Pass `core` explicitly to keep a state apart — a state near 2^24 slots, or one that must not
 * share a trap with proofs checked from strangers ({@link StepReferee} always uses its own). In a
 * browser's main thread create it with `await WasmCore.create()`: this function compiles
 * synchronously.
 * @throws the host's WebAssembly error (a `CompileError` or `RangeError`, not an L2EngineError)
 * if this environment cannot compile or instantiate the module synchronously.
 */
export function defaultCore(): WasmCore {
  if (shared === undefined || shared.trapped) shared = WasmCore.createSync();
  return shared;
}

/** Largest input one keccak256 call accepts (bounds the core's input region). */
export const MAX_HASH_INPUT_BYTES = 256 * 1024 * 1024;

/**
 * The l2engine WebAssembly core: keccak256, Merkle trees and proof verification, all running
 * in one WASM instance. Create one per thread; nothing is shared between instances.
 *
 * ```ts
 * const core = await WasmCore.create();
 * const tree = core.createTree();            // the protocol's 4-ary depth-16 tree
 * tree.set(0, core.keccak256(new TextEncoder().encode("slot 0")));
 * const proof = tree.prove([0]);
 * core.verifyMultiproof({ arity: 4, depth: 16 }, tree.root(), proof, [tree.get(0)]); // true
 * ```
 */
export class WasmCore {
  /** @internal */
  readonly instance: CoreInstance;

  private constructor(instance: CoreInstance) {
    this.instance = instance;
  }

  /** Compiles and instantiates asynchronously: works everywhere, including browser main threads. */
  static async create(): Promise<WasmCore> {
    return new WasmCore(await CoreInstance.create());
  }

  /**
   * Synchronous instantiation for Node and workers. Some browsers limit synchronous compilation on
   * the main thread (older Chromium refused modules over 4 KB); {@link WasmCore.create} works
   * everywhere.
   */
  static createSync(): WasmCore {
    return new WasmCore(CoreInstance.createSync());
  }

  /**
   * True once the core has trapped ({@link WasmTrapError}): it then refuses every call, and
   * {@link defaultCore} replaces it.
   */
  get trapped(): boolean {
    return this.instance.trapped;
  }

  /** keccak256 (Ethereum's, 0x01 padding) of `data`. */
  keccak256(data: Uint8Array): Uint8Array {
    if (!(data instanceof Uint8Array)) throw new InvalidArgumentError("data must be a Uint8Array");
    if (data.length > MAX_HASH_INPUT_BYTES) {
      throw new InvalidArgumentError(`data must be at most ${MAX_HASH_INPUT_BYTES} bytes`);
    }
    const core = this.instance;
    return core.call((x) => {
      const ptr = core.copyIn(data, HASH_BYTES);
      x.keccak256(ptr, data.length, ptr + data.length);
      return core.bytes().slice(ptr + data.length, ptr + data.length + HASH_BYTES);
    });
  }

  /**
   * Hashes `count` consecutive inputs of `inputBytes` each (flat in `data`) in one call into the
   * core; returns count × 32 bytes. 64- and 128-byte inputs take the Merkle-node fast paths.
   */
  keccak256Many(data: Uint8Array, inputBytes: number): Uint8Array {
    if (!(data instanceof Uint8Array)) throw new InvalidArgumentError("data must be a Uint8Array");
    if (!Number.isInteger(inputBytes) || inputBytes < 1 || data.length % inputBytes !== 0) {
      throw new InvalidArgumentError("data length must be a positive multiple of inputBytes");
    }
    const count = data.length / inputBytes;
    if (data.length + count * HASH_BYTES > MAX_HASH_INPUT_BYTES) {
      throw new InvalidArgumentError(`at most ${MAX_HASH_INPUT_BYTES} bytes per call`);
    }
    const core = this.instance;
    return core.call((x) => {
      const ptr = core.copyIn(data, count * HASH_BYTES);
      x.keccak256Many(ptr, inputBytes, count, ptr + data.length);
      return core.bytes().slice(ptr + data.length, ptr + data.length + count * HASH_BYTES);
    });
  }

  /** A new empty tree; the default shape is the protocol's ({ arity: 4, depth: 16 }). */
  createTree(shape: Partial<TreeShape> = {}): WasmMerkleTree {
    return new WasmMerkleTree(this.instance, resolveShape(shape));
  }

  /**
   * The root a multiproof commits to, given the values of the leaves it names (in its index
   * order). Throws {@link ProofError} when the bytes are malformed; hashes nothing until every
   * length has been checked.
   */
  computeProofRoot(shape: Partial<TreeShape>, proof: Uint8Array, leaves: Uint8Array | readonly Uint8Array[]): Uint8Array {
    const s = resolveShape(shape);
    if (!(proof instanceof Uint8Array)) throw new InvalidArgumentError("proof must be a Uint8Array");
    const leafCount = leaves instanceof Uint8Array ? leaves.length / HASH_BYTES : leaves.length;
    if (!Number.isInteger(leafCount)) throw new InvalidArgumentError("leaves must be a multiple of 32 bytes");
    const flat = flattenLeaves(leaves, leafCount);
    const core = this.instance;
    const { status, root } = core.call((x) => {
      const ptr = core.copyIn([proof, flat], HASH_BYTES);
      const out = ptr + proof.length + flat.length;
      const st = x.proofComputeRoot(s.arityLog2, s.depth, ptr, proof.length, ptr + proof.length, leafCount, out);
      return { status: st, root: core.bytes().slice(out, out + HASH_BYTES) };
    });
    if (status !== STATUS_OK) throw statusError(status, "proof");
    return root;
  }

  /**
   * True when `proof` proves `leaves` (in the proof's index order) under `root`, given as 32 bytes
   * or 0x hex; false when the hashes differ.
   * @throws ProofError when the proof's bytes are malformed (SPEC §3.4).
   * @throws InvalidArgumentError when `root`, the shape or the leaves are malformed.
   */
  verifyMultiproof(shape: Partial<TreeShape>, root: HashInput, proof: Uint8Array, leaves: Uint8Array | readonly Uint8Array[]): boolean {
    const expected = hashBytes(root, "root");
    const computed = this.computeProofRoot(shape, proof, leaves);
    let diff = 0;
    for (let i = 0; i < HASH_BYTES; i++) diff |= computed[i]! ^ expected[i]!;
    return diff === 0;
  }

  /** Bytes of linear memory the core currently uses (grows with trees). */
  memoryBytes(): number {
    return this.instance.memoryBytes();
  }
}
