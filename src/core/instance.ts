// One instantiated WebAssembly core: its exports, its memory views, and the guard that turns
// aborts and traps into typed errors. Every tree or hasher made from a core lives in its memory.

import { WASM_BASE64 } from "./wasm-binary.generated.js";
import { WasmTrapError } from "../errors.js";

/** The raw exports of build/release.wasm (see assembly/index.ts). */
export interface CoreExports {
  readonly memory: WebAssembly.Memory;
  ioIn(sizeBytes: number): number;
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
  engineRehashAll(engine: number): void;
  engineLoadPages(engine: number, pages: number, count: number, pageSlots: number): number;
  engineReadPages(engine: number, pages: number, count: number, pageSlots: number, out: number): bigint;
  engineFindOwner(engine: number, owner: number, out: number, max: number): number;
  engineOutputBytes(feeCount: number, entries: number): number;
  engineApplyBatch(engine: number, input: number): number;
  engineProve(engine: number, indices: number, count: number): number;
  proofComputeRoot(
    arityLog2: number, depth: number, proof: number, proofLen: number, leaves: number, leafCount: number, outRoot: number,
  ): number;
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
    this.exports = instance.exports as unknown as CoreExports;
    memoryRef = this.exports.memory;
    this.view = new Uint8Array(this.exports.memory.buffer);
  }

  static createSync(): CoreInstance {
    return new CoreInstance(moduleSync());
  }

  static async create(): Promise<CoreInstance> {
    return new CoreInstance(await moduleAsync());
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
   * costs no call into WASM.
   */
  reserveInput(sizeBytes: number): number {
    if (sizeBytes > this.inputCapacity) {
      this.inputPtr = this.call((x) => x.ioIn(sizeBytes));
      this.inputCapacity = sizeBytes;
    }
    return this.inputPtr;
  }
}
