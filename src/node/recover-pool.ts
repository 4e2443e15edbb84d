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

interface Pending {
  resolve: (signers: (Hex | null)[]) => void;
  reject: (err: unknown) => void;
}

/**
 * A pool of worker threads that recover transaction signers. `recover(txs)` splits the list into
 * one contiguous chunk per worker and resolves with one address (or null) per transaction, in
 * order — exactly what `engine.applyBatch(batch, { signers })` takes.
 */
export class RecoverPool {
  readonly threads: number;
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
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
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (this.pending.size === 0) this.setRef(false);
        p?.resolve(msg.signers);
      });
      w.on("error", (err) => {
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        this.setRef(false);
      });
      w.unref();
      return w;
    });
  }

  /** Recovers the signer of every transaction (null where the signature does not recover). */
  async recover(txs: readonly SignedTx[]): Promise<(Hex | null)[]> {
    if (this.closed) throw new InvalidArgumentError("the recover pool is closed");
    if (txs.length === 0) return [];
    this.setRef(true); // keep the process alive while work is outstanding, not while idle
    const chunk = Math.ceil(txs.length / this.threads);
    const parts: Promise<(Hex | null)[]>[] = [];
    for (let i = 0, w = 0; i < txs.length; i += chunk, w++) {
      const id = this.nextId++;
      parts.push(
        new Promise((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          this.workers[w]!.postMessage({ id, txs: txs.slice(i, i + chunk) });
        }),
      );
    }
    return (await Promise.all(parts)).flat();
  }

  private setRef(on: boolean): void {
    for (const w of this.workers) {
      if (on) w.ref();
      else w.unref();
    }
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
