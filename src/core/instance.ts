// One instantiated WebAssembly core: its exports, its memory views, and the guard that turns
// aborts and traps into typed errors. Every tree or hasher made from a core lives in its memory.

import { WASM_BASE64 } from "./wasm-binary.generated.js";
import { CapacityError, InvalidArgumentError, WasmTrapError } from "../protocol/errors.js";
import { MAX_ALLOC_BYTES } from "../protocol/constants.generated.js";

/**
 * Largest region the core can allocate in one piece (assembly/common.ts MAX_ALLOC_BYTES: TLSF's
 * 2^30-byte block limit less one size class). Input regions above it are refused before any call
 * into WASM (docs/DECISIONS.md D23).
 */
export const MAX_CORE_INPUT_BYTES = MAX_ALLOC_BYTES;

/** The raw exports of build/release.wasm (see assembly/index.ts). */
export interface CoreExports {
  readonly memory: WebAssembly.Memory;
  /** 0 when the region cannot be allocated (the previous one is kept). */
  ioIn(sizeBytes: number): number;
  ioMaxBytes(): number;
  ioOut(): number;
  keccakPermutations(): number;
  keccak256(input: number, len: number, out: number): void;
  keccak256Rolled(input: number, len: number, out: number): void;
  keccak256Many(input: number, inputBytes: number, count: number, out: number): void;
  treeNew(arityLog2: number, depth: number): number;
  treeFree(tree: number): void;
  treeMaxCapacityLog2(): number;
  treeCapacityLog2(tree: number): number;
  treeSetLeaves(tree: number, indices: number, leaves: number, count: number): number;
  treeGetLeaf(tree: number, index: number, out: number): number;
  treeRoot(tree: number, out: number): void;
  treeProve(tree: number, indices: number, count: number): number;
  engineNew(): number;
  engineFork(engine: number): number;
  engineVerifyStep(input: number): number;
  engineFree(engine: number): void;
  engineAppendSlots(engine: number, records: number, count: number): number;
  engineRoots(engine: number, out: number): void;
  engineSlotCount(engine: number): number;
  engineGetSlot(engine: number, index: number, out: number): number;
  engineReadSlots(engine: number, indices: number, count: number, out: number): number;
  engineReserve(engine: number, total: number): number;
  engineRehashAll(engine: number): number;
  engineLoadPages(engine: number, pages: number, count: number, pageSlots: number): number;
  engineReadPages(engine: number, pages: number, count: number, pageSlots: number, out: number): bigint;
  engineFindOwner(engine: number, owner: number, out: number, max: number): number;
  engineOutputBytes(feeCount: number, entries: number): number;
  engineApplyBatch(engine: number, input: number): number;
  engineCorruptSlot(): number;
  engineProve(engine: number, indices: number, count: number): number;
  proofComputeRoot(arityLog2: number, depth: number, proof: number, proofLen: number, leaves: number, leafCount: number, outRoot: number): number;
}

function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let compiled: WebAssembly.Module | undefined; // immutable once set: compiling is pure

function moduleSync(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(decodeBase64(WASM_BASE64) as BufferSource);
  return compiled;
}

async function moduleAsync(): Promise<WebAssembly.Module> {
  compiled ??= await WebAssembly.compile(decodeBase64(WASM_BASE64) as BufferSource);
  return compiled;
}

/** Reads an AssemblyScript string (UTF-16, byte length at ptr - 4) for abort messages. */
function readAsString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr) return "";
  const view = new DataView(memory.buffer);
  const byteLength = view.getUint32(ptr - 4, true);
  let s = "";
  for (let i = 0; i + 1 < byteLength && i < 2048; i += 2) s += String.fromCharCode(view.getUint16(ptr + i, true));
  return s;
}

/** Exports that return an address or a size (wasm32 usize), never a negative status. */
const USIZE_RESULTS = [
  "ioIn",
  "ioOut",
  "ioMaxBytes",
  "treeNew",
  "engineNew",
  "engineFork",
  "engineApplyBatch",
  "engineVerifyStep",
  "engineOutputBytes",
  "engineCorruptSlot",
] as const;

/**
 * The exports with every usize result read as unsigned: WebAssembly hands an i32 to JS as a signed
 * number, so an address past 2 GiB — a state of millions of slots puts regions there — would come
 * back negative and index nothing (D23).
 */
function unsignedAddresses(raw: CoreExports): CoreExports {
  const wrapped: Record<string, unknown> = { ...raw };
  for (const name of USIZE_RESULTS) {
    const f = raw[name] as (a?: number, b?: number) => number;
    wrapped[name] = (a?: number, b?: number) => f(a, b) >>> 0;
  }
  return wrapped as unknown as CoreExports;
}

/**
 * A WebAssembly core instance. Low-level: most callers use {@link WasmCore} through the
 * hashing and tree APIs. Not safe to share across threads; each worker makes its own.
 */
export class CoreInstance {
  readonly exports: CoreExports;
  private view: Uint8Array;
  private poisoned: WasmTrapError | undefined;
  private inputPtr = 0;
  private inputCapacity = 0;

  constructor(module: WebAssembly.Module) {
    let memoryRef: WebAssembly.Memory | undefined;
    const instance = new WebAssembly.Instance(module, {
      env: {
        abort: (msg: number, file: number, line: number, column: number) => {
          const m = memoryRef ? readAsString(memoryRef, msg) : "";
          const f = memoryRef ? readAsString(memoryRef, file) : "";
          throw new WasmTrapError(`WASM core aborted: ${m || "abort"} at ${f}:${line}:${column}`);
        },
      },
    });
    this.exports = unsignedAddresses(instance.exports as unknown as CoreExports);
    memoryRef = this.exports.memory;
    this.view = new Uint8Array(this.exports.memory.buffer);
  }

  static createSync(): CoreInstance {
    return new CoreInstance(moduleSync());
  }

  static async create(): Promise<CoreInstance> {
    return new CoreInstance(await moduleAsync());
  }

  /** True once a trap has poisoned this instance: every call then fails with that trap. */
  get trapped(): boolean {
    return this.poisoned !== undefined;
  }

  /** A byte view of linear memory, rebuilt when memory has grown (growth detaches the old buffer). */
  bytes(): Uint8Array {
    if (this.view.buffer !== this.exports.memory.buffer) this.view = new Uint8Array(this.exports.memory.buffer);
    return this.view;
  }

  /** Current size of linear memory in bytes. */
  memoryBytes(): number {
    return this.exports.memory.buffer.byteLength;
  }

  /**
   * Runs `fn` against the exports. A trap poisons this instance: its memory may hold a
   * half-applied update, so every later call fails fast with the original error.
   */
  call<T>(fn: (x: CoreExports) => T): T {
    if (this.poisoned) throw this.poisoned;
    try {
      return fn(this.exports);
    } catch (err) {
      if (err instanceof WasmTrapError) {
        this.poisoned = err;
        throw err;
      }
      if (err instanceof WebAssembly.RuntimeError) {
        this.poisoned = new WasmTrapError(`WASM core trapped: ${(err as Error).message}`, err);
        throw this.poisoned;
      }
      throw err;
    }
  }

  /**
   * Address of the core's input region, at least `sizeBytes` long. The region is reused by every
   * call (contents are not preserved) and only moves when it has to grow, so the common case
   * costs no call into WASM. A size the core cannot hold — over {@link MAX_CORE_INPUT_BYTES}, or
   * more than its memory can still grow to — throws {@link CapacityError} and leaves the core and
   * its current region usable.
   */
  reserveInput(sizeBytes: number): number {
    if (!(sizeBytes >= 0 && Number.isSafeInteger(sizeBytes))) {
      throw new InvalidArgumentError(`core input size must be a non-negative integer (got ${String(sizeBytes)})`);
    }
    if (sizeBytes <= this.inputCapacity) return this.inputPtr;
    if (sizeBytes > MAX_CORE_INPUT_BYTES) {
      throw new CapacityError(`core input of ${sizeBytes} bytes exceeds the ${MAX_CORE_INPUT_BYTES}-byte limit`);
    }
    const ptr = this.call((x) => x.ioIn(sizeBytes));
    if (ptr === 0) {
      throw new CapacityError(`core input of ${sizeBytes} bytes does not fit in WebAssembly memory (${this.memoryBytes()} bytes in use)`);
    }
    this.inputPtr = ptr;
    this.inputCapacity = sizeBytes;
    return ptr;
  }

  /**
   * The one way bytes go into the core: reserves the input region for `parts` back to back plus
   * `extraBytes` after them (room for the call's output), copies each part in, and returns the
   * region's address — part k starts at the address plus the lengths of the parts before it.
   *
   * @throws CapacityError when the region cannot be reserved (see {@link CoreInstance.reserveInput}).
   */
  copyIn(parts: Uint8Array | readonly Uint8Array[], extraBytes = 0): number {
    if (parts instanceof Uint8Array) {
      // the per-hash path (keccak256 of one input): no list, no closures
      const ptr = this.reserveInput(parts.length + extraBytes);
      this.bytes().set(parts, ptr);
      return ptr;
    }
    const list = parts;
    let total = extraBytes;
    for (const part of list) total += part.length;
    return this.streamIn(total, (write) => {
      for (const part of list) write(part);
    });
  }

  /**
   * {@link CoreInstance.copyIn} for parts made one at a time: reserves `totalBytes`, then `fill`
   * hands each part to `write` as soon as it has it, and each is copied at once — for producers
   * that reuse one buffer between parts (LMDB's reads do). Reserving may grow memory, which
   * detaches every earlier view of it, so every write takes its view afresh; `fill` must not call
   * into the core. Returns the region's address.
   *
   * @throws CapacityError when the region cannot be reserved; InvalidArgumentError when the parts
   *   overrun `totalBytes`.
   */
  streamIn(totalBytes: number, fill: (write: (part: Uint8Array) => void) => void): number {
    const ptr = this.reserveInput(totalBytes);
    let at = 0;
    fill((part) => {
      if (at + part.length > totalBytes) throw new InvalidArgumentError(`core input: parts overrun the ${totalBytes} bytes reserved`);
      this.bytes().set(part, ptr + at);
      at += part.length;
    });
    return ptr;
  }
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** `values` as consecutive little-endian u32s (the core's index lists), ready for {@link CoreInstance.copyIn}. */
export function u32Bytes(values: ArrayLike<number>): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(Uint32Array.from(values).buffer); // the common case, one native copy
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setUint32(i * 4, values[i]!, true);
  return out;
}
