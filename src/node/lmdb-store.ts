// The default durable store: LMDB through the `lmdb` package. One LMDB write transaction per
// commit, so a crash (even SIGKILL mid-write) leaves the previous commit or the new one; LMDB's
// copy-on-write B-tree never exposes a half-written transaction.
//
// One writer per store: LMDB lets any number of processes write one environment (it serializes
// their transactions), but two chains on one store would each commit batch k on top of the head
// they read, and one of the two commits would be silently replaced. So a store holds a lock file
// for its lifetime (docs/DECISIONS.md D21), and every commit also checks, inside its write
// transaction, that the stored head is still the one the chain built on (StoreCommit.parent).

import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Database, RootDatabase } from "lmdb";
import { StoreError } from "../protocol/errors.js";
import { checkParent, decodeHead, encodeHead, type StateStore, type StoreCommit, type StoreHead } from "../store/store.js";

/** How {@link LmdbStore.open} opens a store. */
export interface LmdbStoreOptions {
  /**
   * Skip fsync at commit. A process crash still loses nothing committed (the OS has the pages);
   * a power loss may lose recent commits, though never tears one. Default false.
   */
  noSync?: boolean;
}

const HEAD_KEY = "head";
/** The writer lock in the store's directory: the pid of the process that holds it. */
export const LOCK_FILE = "l2engine.lock";
/** LMDB's meta-page magic, native (little-endian) byte order, near the start of data.mdb. */
const LMDB_MAGIC = [0xde, 0xc0, 0xef, 0xbe];

/** Directories (real paths) whose lock this process holds, so a second open here is refused too. */
const held = new Map<string, string>();
let exitHookInstalled = false;

type Lmdb = typeof import("lmdb");
let lmdb: Lmdb | undefined;

/**
 * The `lmdb` package, loaded at the first open: it is an optional dependency (native binaries a
 * browser install skips, docs/DECISIONS.md D33), so importing l2engine/node must not need it.
 */
function loadLmdb(): Lmdb {
  try {
    lmdb ??= createRequire(import.meta.url)("lmdb") as Lmdb;
    return lmdb;
  } catch (e) {
    throw new StoreError(
      "UNAVAILABLE",
      `LmdbStore needs the optional dependency lmdb, which did not load here (${(e as Error).message.split("\n")[0]}); install it with \`npm install lmdb\``,
      e,
    );
  }
}

/** A chain's state in an LMDB environment (a directory). Open it with `LmdbStore.open(dir)`. */
export class LmdbStore implements StateStore {
  private closed = false;

  private constructor(
    private readonly root: RootDatabase,
    private readonly meta: Database<Uint8Array, string>,
    private readonly pages: Database<Uint8Array, number>,
    private readonly log: Database<Uint8Array, number>,
    private readonly batches: Database<Uint8Array, number>,
    private readonly lockedDir: string,
  ) {}

  /**
   * Opens (creating if needed) the store in directory `path` and takes its writer lock until
   * {@link LmdbStore.close}. StoreError IO if `path` is not a usable directory (checked before
   * LMDB sees it: LMDB crashes the process on some files), CORRUPT if its data file is not an
   * LMDB file, LOCKED if another live process or another LmdbStore in this process holds it,
   * UNAVAILABLE if the optional `lmdb` package is not installed (or its native binary does not load).
   */
  static open(path: string, options: LmdbStoreOptions = {}): LmdbStore {
    if (typeof path !== "string" || path.length === 0) throw new StoreError("IO", "the store path must be a non-empty string");
    const { open } = loadLmdb();
    const dir = prepareDirectory(path);
    acquireLock(dir, path);
    try {
      // noSubdir: false: lmdb-js otherwise takes a path with an extension ("chain.db") as the
      // data file itself
      const root = open({ path: dir, noSubdir: false, maxDbs: 4, compression: false, noSync: options.noSync ?? false });
      const meta = root.openDB<Uint8Array, string>({ name: "meta", encoding: "binary" });
      const pages = root.openDB<Uint8Array, number>({ name: "pages", encoding: "binary", keyEncoding: "uint32" });
      const log = root.openDB<Uint8Array, number>({ name: "log", encoding: "binary", keyEncoding: "uint32" });
      const batches = root.openDB<Uint8Array, number>({ name: "batches", encoding: "binary", keyEncoding: "uint32" });
      return new LmdbStore(root, meta, pages, log, batches, dir);
    } catch (e) {
      releaseLock(dir);
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

  readLog(number: number): Uint8Array | undefined {
    const fast = this.read(() => this.log.getBinaryFast(number));
    return fast && Uint8Array.prototype.subarray.call(fast, 0, fast.length);
  }

  readBatch(number: number): Uint8Array | undefined {
    return this.read(() => this.batches.getBinary(number));
  }

  commit(c: StoreCommit): void {
    if (this.closed) throw new StoreError("CLOSED", "the store was closed");
    const head = encodeHead(c.head);
    try {
      this.root.transactionSync(() => {
        // inside the write transaction: no other writer can move the head between this check
        // and the writes below (a throw aborts the transaction)
        checkParent(this.meta.getBinary(HEAD_KEY), c.parent);
        for (const [index, bytes] of c.pages) this.pages.putSync(index, bytes);
        for (const number of c.dropLog ?? []) this.log.removeSync(number);
        if (c.log) this.log.putSync(c.log.number, c.log.entries);
        if (c.batch) this.batches.putSync(c.batch.number, c.batch.record);
        this.meta.putSync(HEAD_KEY, head);
      });
    } catch (e) {
      if (e instanceof StoreError) throw e;
      throw new StoreError("IO", `LMDB commit failed: ${(e as Error).message}`, e);
    }
  }

  /** Closes the environment and releases the writer lock. Closing twice does nothing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    // the environment closes synchronously; the returned promise only reports background flushing
    void this.root.close();
    releaseLock(this.lockedDir);
  }

  private read<T>(fn: () => T): T {
    if (this.closed) throw new StoreError("CLOSED", "the store was closed");
    try {
      return fn();
    } catch (e) {
      throw new StoreError("IO", `LMDB read failed: ${(e as Error).message}`, e);
    }
  }
}

/**
 * The store's directory as a real path, created if missing. Everything LMDB would choke on is an
 * error here: a path that is a file, a data.mdb that is not a regular file or has no LMDB header.
 */
function prepareDirectory(path: string): string {
  const stat = statOrUndefined(path);
  if (stat !== undefined && !stat.isDirectory()) {
    throw new StoreError("IO", `the store path ${path} is not a directory (a store is a directory holding data.mdb)`);
  }
  try {
    if (stat === undefined) mkdirSync(path, { recursive: true });
    const dir = realpathSync(path);
    checkDataFile(join(dir, "data.mdb"), path);
    return dir;
  } catch (e) {
    if (e instanceof StoreError) throw e;
    throw new StoreError("IO", `cannot use ${path} as a store directory: ${(e as Error).message}`, e);
  }
}

function checkDataFile(file: string, path: string): void {
  const stat = statOrUndefined(file);
  if (stat === undefined) return; // a new store
  if (!stat.isFile()) throw new StoreError("IO", `${path}/data.mdb is not a regular file`);
  if (stat.size === 0) return; // LMDB initializes an empty file
  const head = new Uint8Array(64);
  const fd = openSync(file, "r");
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  for (let i = 0; i + 4 <= n; i += 4) {
    if (LMDB_MAGIC.every((b, k) => head[i + k] === b)) return;
  }
  throw new StoreError("CORRUPT", `${path}/data.mdb is not an LMDB data file (no LMDB header in its first ${n} bytes)`);
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false }) ?? undefined;
  } catch (e) {
    throw new StoreError("IO", `cannot stat ${path}: ${(e as Error).message}`, e);
  }
}

/**
 * Takes the writer lock of `dir`: creates the lock file holding this pid, atomically (the pid is
 * written to a private file first, then hard-linked to the lock name, which fails if it exists).
 * A lock whose process is gone (a writer that crashed) is taken over.
 */
function acquireLock(dir: string, path: string): void {
  if (held.has(dir)) throw new StoreError("LOCKED", `the store at ${path} is already open in this process: close it first (one writer per store)`);
  const lock = join(dir, LOCK_FILE);
  const mine = `${lock}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    writeFileSync(mine, `${process.pid}\n`);
  } catch (e) {
    throw new StoreError("IO", `cannot write the lock file in ${path}: ${(e as Error).message}`, e);
  }
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(mine, lock);
        held.set(dir, lock);
        installExitHook();
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new StoreError("IO", `cannot create the lock file ${lock}: ${(e as Error).message}`, e);
      }
      const owner = lockOwner(lock);
      if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
        throw new StoreError(
          "LOCKED",
          `the store at ${path} is held by process ${owner} (${lock}); one writer per store — if no l2engine process ${owner} runs, delete that file`,
        );
      }
      breakStaleLock(lock, owner);
    }
    throw new StoreError("LOCKED", `could not take the lock ${lock}: other processes keep taking it`);
  } finally {
    try {
      unlinkSync(mine);
    } catch {
      // already gone; nothing depends on it
    }
  }
}

/** Removes a lock left by a dead process, unless another process replaced it meanwhile. */
function breakStaleLock(lock: string, owner: number | undefined): void {
  // move it aside first: of two processes breaking the same stale lock, only one moves it, and a
  // fresh lock that a third process linked in the meantime is put back rather than deleted
  const aside = `${lock}.stale.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    renameSync(lock, aside);
  } catch {
    return; // someone else moved it: just try again
  }
  if (lockOwner(aside) !== owner) {
    try {
      linkSync(aside, lock);
    } catch {
      // a newer lock is already there; ours to drop
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // gone
  }
}

function lockOwner(lock: string): number | undefined {
  try {
    const pid = Number(readFileSync(lock, "utf8").trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // it exists, it is just not ours
  }
}

function releaseLock(dir: string): void {
  const lock = held.get(dir);
  if (lock === undefined) return;
  held.delete(dir);
  try {
    if (lockOwner(lock) === process.pid) unlinkSync(lock);
  } catch {
    // already removed by hand; the next open takes a fresh one
  }
}

/** A process that exits without closing its stores still leaves no lock behind (SIGKILL does). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const dir of [...held.keys()]) releaseLock(dir);
  });
}
