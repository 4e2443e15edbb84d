// Signature recovery on worker threads, so it runs in parallel with execution: recovery is the
// only per-transaction cost that is not tiny (DESIGN §4).

import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { serialize } from "node:v8";
import { InvalidArgumentError } from "../protocol/errors.js";
import { EIP712_TYPES, PRIMARY_TYPES, domainSeparator, type Eip712Domain } from "../protocol/eip712.js";
import type { Hex, SignedTx } from "../protocol/types.js";
import { nobleRecovery, recoverTransactionSigners, type RecoveryBackend } from "../protocol/signatures.js";
import { nodeBackend, type NodeBackendName } from "./secp256k1-native.js";

/** How a {@link RecoverPool} recovers: the domain, the thread count and the backend. */
export interface RecoverPoolOptions {
  /** The EIP-712 domain transactions are signed for (the engine's `domain`). */
  domain: Eip712Domain;
  /** Worker threads; default: the machine's available parallelism. */
  threads?: number;
  /**
   * "auto" (default: native libsecp256k1 where its prebuilt binary loads, else its WASM build),
   * "native", "secp256k1-wasm" or "noble" (pure JS). Every backend gives the same answers (SPEC §6.6).
   */
  backend?: NodeBackendName;
}

/**
 * One `recover` call: its transactions, serialized chunk by chunk into shared memory that every
 * worker reads, a shared counter from which workers claim chunks of CHUNK transactions themselves (no
 * per-chunk message, and no waiting for the main thread, which may be busy executing the previous
 * batch), and a shared result area of RESULT_BYTES per transaction.
 */
interface Call {
  id: number;
  count: number;
  results: Uint8Array;
  /** Workers that have not yet said they are done with this call. */
  pending: number;
  /** The errors of failed chunks, by the index of the chunk's first transaction. */
  errors: { first: number; error: ReplyError }[];
  resolve: (signers: (Hex | null)[]) => void;
  reject: (err: unknown) => void;
}

type ReplyError = { typed: boolean; code?: string; message: string };

/** What a worker answers: a chunk's error (it carries on with other chunks), or that it is done with a call. */
type Reply = { id: number; done: true } | { id: number; first: number; error: ReplyError };

/**
 * Bytes per transaction in a call's result area: 1 = recovered (0 = null), then the address's 40
 * EIP-55 hex digits as ASCII — the worker checksums it (one keccak each, D37), not the main thread.
 */
const RESULT_BYTES = 41;

/**
 * A plain copy of what the main thread reads from `tx` (its type, signed fields and signature, each
 * read once the ordinary way, through getters and prototypes). Structured cloning copies only own
 * data properties, so posting `tx` itself could show a worker a different transaction than the
 * engine executes. Anything that is not a known transaction object goes as is: the worker then
 * raises the main thread's error for it.
 */
function plainTx(tx: unknown): unknown {
  if (typeof tx !== "object" || tx === null) return tx;
  const t = tx as Record<string, unknown>;
  const type = t.type;
  if (typeof type !== "string" || !Object.hasOwn(PRIMARY_TYPES, type)) return { type };
  const copy: Record<string, unknown> = { type };
  for (const f of EIP712_TYPES[PRIMARY_TYPES[type as keyof typeof PRIMARY_TYPES]]) copy[f.name] = t[f.name];
  copy.signature = t.signature;
  return copy;
}

/** Transactions per claimed chunk: small enough that a slow worker never leaves the others idle for long. */
const CHUNK = 256;

/**
 * A pool of worker threads that recover transaction signers. `recover(txs)` serializes the list,
 * chunk by chunk, into shared memory and posts one message per worker; the workers then claim
 * chunks from a shared counter and write each signer into a shared result area, so the load balances
 * itself even when one worker is slowed (GC, scheduling), and no worker waits for the main thread
 * between chunks. Calls may overlap — e.g. recovering batch k+1 while the engine applies batch k —
 * and each resolves with one address (or null) per transaction, in order: exactly what
 * `engine.applyBatch(batch, { signers })` takes. Workers run the main thread's own
 * `recoverTransactionSigners`, so the pool's answer on any input equals `engine.recoverSigners`':
 * the same addresses and nulls, and for a malformed transaction the same InvalidArgumentError
 * naming the first malformed `txs[i]` (SPEC §6.6, DECISIONS D22).
 */
export class RecoverPool {
  readonly threads: number;
  private readonly workers: Worker[];
  private readonly calls = new Map<number, Call>();
  private nextId = 0;
  private closed = false;
  /** The workers' backend, for calls that cannot be posted to a worker (see recover). */
  private readonly backend: RecoveryBackend;
  private readonly domain: Eip712Domain;

  constructor(options: RecoverPoolOptions) {
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
      throw new InvalidArgumentError(`threads must be an integer from 1 to 256, got ${String(threads)}`);
    }
    domainSeparator(options.domain); // a bad domain is the caller's error now, not every job's later
    this.threads = threads;
    this.domain = options.domain;
    const name = options.backend ?? "auto";
    const backend = nodeBackend(name, nobleRecovery);
    if (backend === null) throw new InvalidArgumentError(`backend "${name}" is not available here (native libsecp256k1 did not load)`);
    this.backend = backend;
    const here = import.meta.url;
    const file = new URL(here.endsWith(".cjs") ? "./recover-worker.cjs" : "./recover-worker.js", here);
    const { chainId, verifyingContract } = options.domain; // only these two are signed (and cloneable)
    const workerData = { domain: { chainId, verifyingContract }, backend: name, chunk: CHUNK, resultBytes: RESULT_BYTES };
    this.workers = Array.from({ length: threads }, () => {
      const w = new Worker(file, { workerData });
      w.on("message", (msg: Reply) => {
        const call = this.calls.get(msg.id);
        if (call === undefined) return;
        if ("error" in msg) {
          call.errors.push({ first: msg.first, error: msg.error });
          return;
        }
        if (--call.pending === 0) this.finish(call);
      });
      w.on("error", (err) => {
        for (const call of [...this.calls.values()]) {
          this.calls.delete(call.id);
          call.reject(err);
        }
        this.keepAlive();
      });
      w.unref();
      return w;
    });
  }

  private finish(call: Call): void {
    this.calls.delete(call.id);
    this.keepAlive();
    if (call.errors.length > 0) {
      // the lowest failed chunk holds the lowest malformed index: the error the main thread raises
      const { error } = call.errors.reduce((a, b) => (b.first < a.first ? b : a));
      if (error.typed && error.code === "INVALID_ARGUMENT") call.reject(new InvalidArgumentError(error.message));
      else call.reject(new Error(`signature-recovery worker failed: ${error.message}`));
      return;
    }
    const out: (Hex | null)[] = new Array(call.count);
    const r = call.results;
    for (let i = 0; i < call.count; i++) {
      const at = i * RESULT_BYTES;
      out[i] = r[at] === 1 ? (`0x${String.fromCharCode(...r.subarray(at + 1, at + RESULT_BYTES))}` as Hex) : null;
    }
    call.resolve(out);
  }

  /** Keeps the process alive while calls are outstanding, not while idle. */
  private keepAlive(): void {
    const active = this.calls.size > 0;
    for (const w of this.workers) {
      if (active) w.ref();
      else w.unref();
    }
  }

  /**
   * Recovers the signer of every transaction (null where a well-formed signature does not recover).
   * @throws InvalidArgumentError for a malformed transaction: the error of the lowest malformed
   * index, whichever worker met it first, so it is the one `engine.recoverSigners` throws.
   */
  async recover(txs: readonly SignedTx[]): Promise<(Hex | null)[]> {
    if (this.closed) throw new InvalidArgumentError("the recover pool is closed");
    if (!Array.isArray(txs)) throw new InvalidArgumentError("txs must be an array");
    if (txs.length === 0) return [];
    // each chunk serialized on its own, so a worker deserializes only the chunks it claims
    const chunks: Uint8Array[] = [];
    try {
      for (let i = 0; i < txs.length; i += CHUNK) {
        chunks.push(serialize(Array.from({ length: Math.min(CHUNK, txs.length - i) }, (_, k) => plainTx(txs[i + k]))));
      }
    } catch {
      // not serializable (a function or symbol somewhere in a transaction): answer on this thread
      // with the same function, so the result or typed error is still the workers'
      return recoverTransactionSigners(txs, this.domain, this.backend);
    }
    // chunk k is input[ends[k - 1] … ends[k]) (ends[-1] = 0)
    const ends = new Int32Array(new SharedArrayBuffer(chunks.length * 4));
    let size = 0;
    chunks.forEach((c, k) => (ends[k] = size += c.length));
    const input = new Uint8Array(new SharedArrayBuffer(size));
    chunks.forEach((c, k) => input.set(c, k === 0 ? 0 : ends[k - 1]!));
    const results = new Uint8Array(new SharedArrayBuffer(txs.length * RESULT_BYTES));
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { id, count: txs.length, results, pending: this.workers.length, errors: [], resolve, reject });
      this.keepAlive();
      for (const w of this.workers) w.postMessage({ id, input, ends, count: txs.length, results, counter });
    });
  }

  /** Stops the workers; pending calls are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    const err = new InvalidArgumentError("the recover pool was closed");
    for (const call of this.calls.values()) call.reject(err);
    this.calls.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
