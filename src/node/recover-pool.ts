// Signature recovery on worker threads, so it runs in parallel with execution: recovery is the
// only per-transaction cost that is not tiny (DESIGN §4).

import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { InvalidArgumentError } from "../errors.js";
import type { Eip712Domain } from "../protocol/eip712.js";
import type { Hex, SignedTx } from "../protocol/types.js";

export interface RecoverPoolOptions {
  /** The EIP-712 domain transactions are signed for (the engine's `domain`). */
  domain: Eip712Domain;
  /** Worker threads; default: the machine's available parallelism. */
  threads?: number;
  /** "secp256k1-wasm" (default, libsecp256k1 in WASM) or "noble" (pure JS). */
  backend?: "secp256k1-wasm" | "noble";
}

interface Job {
  id: number;
  txs: readonly SignedTx[];
  resolve: (signers: (Hex | null)[]) => void;
  reject: (err: unknown) => void;
}

/** Transactions per job: small enough that a slow worker never leaves the others idle for long. */
const CHUNK = 256;

/**
 * A pool of worker threads that recover transaction signers. `recover(txs)` cuts the list into
 * small jobs on one shared queue; each worker takes the next job as soon as it is free, so the
 * load balances itself even when one worker is slowed (GC, scheduling). Calls may overlap — e.g.
 * recovering batch k+1 while the engine applies batch k — and each resolves with one address (or
 * null) per transaction, in order: exactly what `engine.applyBatch(batch, { signers })` takes.
 */
export class RecoverPool {
  readonly threads: number;
  private readonly workers: Worker[];
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closed = false;

  constructor(options: RecoverPoolOptions) {
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
      throw new InvalidArgumentError(`threads must be an integer from 1 to 256, got ${String(threads)}`);
    }
    this.threads = threads;
    const here = import.meta.url;
    const file = new URL(here.endsWith(".cjs") ? "./recover-worker.cjs" : "./recover-worker.js", here);
    const workerData = { domain: options.domain, backend: options.backend === "noble" ? "noble" : "secp256k1-wasm" };
    this.workers = Array.from({ length: threads }, () => {
      const w = new Worker(file, { workerData });
      w.on("message", (msg: { id: number; signers: (Hex | null)[] }) => {
        const job = this.busy.get(w);
        this.busy.delete(w);
        this.idle.push(w);
        job?.resolve(msg.signers);
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
      this.busy.set(w, job);
      w.postMessage({ id: job.id, txs: job.txs });
    }
    // keep the process alive while work is outstanding, not while idle
    const active = this.busy.size > 0;
    for (const w of this.workers) {
      if (active) w.ref();
      else w.unref();
    }
  }

  /** Recovers the signer of every transaction (null where the signature does not recover). */
  async recover(txs: readonly SignedTx[]): Promise<(Hex | null)[]> {
    if (this.closed) throw new InvalidArgumentError("the recover pool is closed");
    if (txs.length === 0) return [];
    const parts: Promise<(Hex | null)[]>[] = [];
    for (let i = 0; i < txs.length; i += CHUNK) {
      parts.push(
        new Promise((resolve, reject) => {
          this.queue.push({ id: this.nextId++, txs: txs.slice(i, i + CHUNK), resolve, reject });
        }),
      );
    }
    this.pump();
    return (await Promise.all(parts)).flat();
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
