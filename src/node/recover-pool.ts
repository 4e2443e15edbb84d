// Signature recovery on worker threads, so it runs in parallel with execution: recovery is the
// only per-transaction cost that is not tiny (DESIGN §4).

import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
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

interface Job {
  id: number;
  txs: readonly SignedTx[];
  /** Index of `txs[0]` in the caller's list, so errors name the same `txs[i]` as the main thread. */
  first: number;
  resolve: (signers: (Hex | null)[]) => void;
  reject: (err: unknown) => void;
}

/** What a worker answers: the job's signers, or the error its first malformed transaction raised. */
type Reply = { id: number; signers: (Hex | null)[]; error?: undefined } | { id: number; error: { typed: boolean; code?: string; message: string } };

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

/** Transactions per job: small enough that a slow worker never leaves the others idle for long. */
const CHUNK = 256;

/**
 * A pool of worker threads that recover transaction signers. `recover(txs)` cuts the list into
 * small jobs on one shared queue; each worker takes the next job as soon as it is free, so the
 * load balances itself even when one worker is slowed (GC, scheduling). Calls may overlap — e.g.
 * recovering batch k+1 while the engine applies batch k — and each resolves with one address (or
 * null) per transaction, in order: exactly what `engine.applyBatch(batch, { signers })` takes.
 * Workers run the main thread's own `recoverTransactionSigners`, so the pool's answer on any input
 * equals `engine.recoverSigners`': the same addresses and nulls, and for a malformed transaction the
 * same InvalidArgumentError naming the first malformed `txs[i]` (SPEC §6.6, DECISIONS D22).
 */
export class RecoverPool {
  readonly threads: number;
  private readonly workers: Worker[];
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closed = false;
  /** The workers' backend, for jobs that cannot be posted to a worker (see pump). */
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
    const workerData = { domain: { chainId, verifyingContract }, backend: name };
    this.workers = Array.from({ length: threads }, () => {
      const w = new Worker(file, { workerData });
      w.on("message", (msg: Reply) => {
        const job = this.busy.get(w);
        this.busy.delete(w);
        this.idle.push(w);
        if (msg.error === undefined) job?.resolve(msg.signers);
        else if (msg.error.typed && msg.error.code === "INVALID_ARGUMENT") job?.reject(new InvalidArgumentError(msg.error.message));
        else job?.reject(new Error(`signature-recovery worker failed: ${msg.error.message}`));
        this.pump();
      });
      w.on("error", (err) => {
        this.busy.get(w)?.reject(err);
        this.busy.delete(w);
        for (const job of this.queue.splice(0)) job.reject(err);
        this.pump();
      });
      w.unref();
      this.idle.push(w);
      return w;
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop()!;
      const job = this.queue.shift()!;
      try {
        w.postMessage({ id: job.id, txs: job.txs, first: job.first });
        this.busy.set(w, job);
      } catch {
        // not structured-cloneable (a function or symbol somewhere in a transaction): answer on
        // this thread with the same function, so the result or typed error is still the workers'
        this.idle.push(w);
        try {
          job.resolve(recoverTransactionSigners(job.txs, this.domain, this.backend, job.first));
        } catch (e) {
          job.reject(e);
        }
      }
    }
    // keep the process alive while work is outstanding, not while idle
    const active = this.busy.size > 0;
    for (const w of this.workers) {
      if (active) w.ref();
      else w.unref();
    }
  }

  /**
   * Recovers the signer of every transaction (null where a well-formed signature does not recover).
   * @throws InvalidArgumentError for a malformed transaction: the error of the lowest malformed
   * index, whichever job finished first, so it is the one `engine.recoverSigners` throws.
   */
  async recover(txs: readonly SignedTx[]): Promise<(Hex | null)[]> {
    if (this.closed) throw new InvalidArgumentError("the recover pool is closed");
    if (!Array.isArray(txs)) throw new InvalidArgumentError("txs must be an array");
    if (txs.length === 0) return [];
    const parts: Promise<(Hex | null)[]>[] = [];
    for (let i = 0; i < txs.length; i += CHUNK) {
      parts.push(
        new Promise((resolve, reject) => {
          const slice = Array.from({ length: Math.min(CHUNK, txs.length - i) }, (_, k) => plainTx(txs[i + k])) as SignedTx[];
          this.queue.push({ id: this.nextId++, txs: slice, first: i, resolve, reject });
        }),
      );
    }
    this.pump();
    const settled = await Promise.allSettled(parts);
    const failed = settled.find((p) => p.status === "rejected");
    if (failed !== undefined) throw failed.reason;
    return settled.flatMap((p) => (p as PromiseFulfilledResult<(Hex | null)[]>).value);
  }

  /** Stops the workers; pending calls are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    const err = new InvalidArgumentError("the recover pool was closed");
    for (const job of this.queue.splice(0)) job.reject(err);
    for (const job of this.busy.values()) job.reject(err);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
