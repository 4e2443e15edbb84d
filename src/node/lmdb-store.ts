// The default durable store: LMDB through the `lmdb` package. One LMDB write transaction per
// commit, so a crash (even SIGKILL mid-write) leaves the previous commit or the new one; LMDB's
// copy-on-write B-tree never exposes a half-written transaction.

import { open, type Database, type RootDatabase } from "lmdb";
import { StoreError } from "../errors.js";
import { decodeHead, encodeHead, type StateStore, type StoreCommit, type StoreHead } from "../store.js";

export interface LmdbStoreOptions {
  /**
   * Skip fsync at commit. A process crash still loses nothing committed (the OS has the pages);
   * a power loss may lose recent commits, though never tears one. Default false.
   */
  noSync?: boolean;
}

const HEAD_KEY = "head";

/** A chain's state in an LMDB environment (a directory). Open it with `LmdbStore.open(dir)`. */
export class LmdbStore implements StateStore {
  private constructor(
    private readonly root: RootDatabase,
    private readonly meta: Database<Uint8Array, string>,
    private readonly pages: Database<Uint8Array, number>,
    private readonly batches: Database<Uint8Array, number>,
  ) {}

  /** Opens (creating if needed) the store in directory `path`. */
  static open(path: string, options: LmdbStoreOptions = {}): LmdbStore {
    if (typeof path !== "string" || path.length === 0) throw new StoreError("IO", "the store path must be a non-empty string");
    try {
      const root = open({ path, maxDbs: 4, compression: false, noSync: options.noSync ?? false });
      const meta = root.openDB<Uint8Array, string>({ name: "meta", encoding: "binary" });
      const pages = root.openDB<Uint8Array, number>({ name: "pages", encoding: "binary", keyEncoding: "uint32" });
      const batches = root.openDB<Uint8Array, number>({ name: "batches", encoding: "binary", keyEncoding: "uint32" });
      return new LmdbStore(root, meta, pages, batches);
    } catch (e) {
      throw new StoreError("IO", `cannot open the LMDB store at ${path}: ${(e as Error).message}`, e);
    }
  }

  readHead(): StoreHead | undefined {
    const bytes = this.read(() => this.meta.getBinary(HEAD_KEY));
    return bytes && decodeHead(bytes);
  }

  readPage(index: number): Uint8Array | undefined {
    // getBinaryFast returns a view into one shared read buffer whose `length` is the value's
    // size but whose typed-array extent is larger: cut it to the value
    const fast = this.read(() => this.pages.getBinaryFast(index));
    return fast && Uint8Array.prototype.subarray.call(fast, 0, fast.length);
  }

  readBatch(number: number): Uint8Array | undefined {
    return this.read(() => this.batches.getBinary(number));
  }

  commit(c: StoreCommit): void {
    const head = encodeHead(c.head);
    try {
      this.root.transactionSync(() => {
        for (const [index, bytes] of c.pages) this.pages.putSync(index, bytes);
        if (c.batch) this.batches.putSync(c.batch.number, c.batch.record);
        this.meta.putSync(HEAD_KEY, head);
      });
    } catch (e) {
      throw new StoreError("IO", `LMDB commit failed: ${(e as Error).message}`, e);
    }
  }

  close(): void {
    // the environment closes synchronously; the returned promise only reports background flushing
    void this.root.close();
  }

  private read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw new StoreError("IO", `LMDB read failed: ${(e as Error).message}`, e);
    }
  }
}
