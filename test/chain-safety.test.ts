// What a chain refuses (issue 10): a batch whose inbox range is not the next one (a replay, a gap),
// a genesis that is not the store's, a store of another layout format, a second writer (in this
// process or another: lock file, then compare-and-set on the head inside the commit), and a data
// directory LMDB cannot use — each a typed error that leaves the chain and the store as they were.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Chain, type ChainBatch } from "../src/store/chain.js";
import { Engine } from "../src/engine/engine.js";
import { ChainError, InvalidArgumentError, StoreError } from "../src/protocol/errors.js";
import { MemoryStore, STORE_FORMAT, decodeHead, encodeHead, type StateStore } from "../src/store/store.js";
import { LOCK_FILE, LmdbStore } from "../src/node/lmdb-store.js";
import { packRecord } from "../src/store/records.js";
import type { Hex, Slot } from "../src/protocol/types.js";
import { Rng, generateBatch, genesis as makeGenesis } from "./workload.js";

const DOMAIN = { chainId: 31337n, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Hex };
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "l2engine-safety-"));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Random batches, each with at least one deposit, on consecutive inbox ranges from index 0. */
function workload(seed: number, batches: number) {
  const rng = new Rng(seed);
  const genesis = makeGenesis(rng, 8, 120, 3);
  const engine = Engine.create({ genesis, ...DOMAIN });
  const out = { genesis, batches: [] as { batch: ChainBatch; signers: (Hex | null)[] }[], roots: [engine.stateRoot()] };
  let start = 0n;
  for (let k = 0; k < batches; k++) {
    const g = generateBatch(rng, { slotCount: () => engine.slotCount(), slot: (i) => engine.getSlot(i) }, 20, 8);
    const owner = engine.getSlot(0).owner;
    const l1Messages = [{ kind: "deposit" as const, owner, token: 77, amount: 1000n }, ...g.batch.l1Messages];
    const batch: ChainBatch = { ...g.batch, l1Messages, inbox: { start, count: l1Messages.length } };
    out.roots.push(engine.applyBatch(batch, { signers: g.signers }).postStateRoot);
    out.batches.push({ batch, signers: g.signers });
    start += BigInt(l1Messages.length);
  }
  engine.dispose();
  return out;
}

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("it did not throw");
}

const stores: [string, () => { open: () => StateStore }][] = [
  [
    "MemoryStore",
    () => {
      const s = new MemoryStore();
      return { open: () => s };
    },
  ],
  [
    "LmdbStore",
    () => {
      const d = tempDir();
      return { open: () => LmdbStore.open(d) };
    },
  ],
];

describe.each(stores)("the inbox on a %s", (_name, makeStore) => {
  const w = workload(3, 4);

  it("a replayed batch is INBOX_REPLAY and credits nothing twice; the chain and the store stay put", () => {
    const where = makeStore();
    let chain = Chain.open({ store: where.open(), genesis: w.genesis, ...DOMAIN });
    expect(chain.head.nextInbox).toBe(0n);
    const [b0, b1] = w.batches as [(typeof w.batches)[0], (typeof w.batches)[0]];
    chain.applyBatch(b0.batch, { signers: b0.signers });
    expect(chain.head.nextInbox).toBe(BigInt(b0.batch.l1Messages.length));
    const head = { ...chain.head };
    const err = caught(() => chain.applyBatch(b0.batch, { signers: b0.signers }));
    expect(err).toBeInstanceOf(ChainError);
    expect((err as ChainError).fault).toBe("INBOX_REPLAY");
    expect((err as ChainError).code).toBe("CHAIN_REJECTED");
    expect(err.message).toMatch(/batch\.inbox\.start 0 is behind the chain's next inbox index/);
    expect(chain.head).toEqual(head);
    expect(chain.state.stateRoot()).toBe(w.roots[1]);
    expect(chain.batch(2)).toBeUndefined();
    chain.applyBatch(b1.batch, { signers: b1.signers }); // the next range still goes in
    expect(chain.head.stateRoot).toBe(w.roots[2]);
    chain.close();
    chain = Chain.open({ store: where.open(), ...DOMAIN });
    expect(chain.head.nextInbox).toBe(b1.batch.inbox.start + BigInt(b1.batch.inbox.count));
    expect(chain.batch(2)!.inboxStart).toBe(b1.batch.inbox.start);
    // after a reopen the replay is refused just the same
    expect(caught(() => chain.applyBatch(b1.batch, { signers: b1.signers }))).toMatchObject({ fault: "INBOX_REPLAY" });
    chain.close();
  });

  it("a range that skips messages is INBOX_GAP; an empty range must start at the next index too", () => {
    const where = makeStore();
    const chain = Chain.open({ store: where.open(), genesis: w.genesis, ...DOMAIN });
    const [b0, b1] = w.batches as [(typeof w.batches)[0], (typeof w.batches)[0]];
    expect(caught(() => chain.applyBatch(b1.batch, { signers: b1.signers }))).toMatchObject({ fault: "INBOX_GAP" });
    const ahead = { ...b0.batch, inbox: { start: 1n, count: b0.batch.inbox.count } };
    expect(caught(() => chain.applyBatch(ahead, { signers: b0.signers }))).toMatchObject({
      fault: "INBOX_GAP",
      message: expect.stringMatching(/messages 0…0 would be skipped/),
    });
    expect(chain.head.batchCount).toBe(0);
    chain.applyBatch(b0.batch, { signers: b0.signers });
    const next = chain.head.nextInbox;
    const empty = (start: bigint): ChainBatch => ({ feePairs: [], l1Messages: [], txs: [], inbox: { start, count: 0 } });
    expect(caught(() => chain.applyBatch(empty(next - 1n)))).toMatchObject({ fault: "INBOX_REPLAY" });
    expect(caught(() => chain.applyBatch(empty(next + 1n)))).toMatchObject({ fault: "INBOX_GAP" });
    expect(chain.head.batchCount).toBe(1);
    chain.applyBatch(empty(next));
    expect(chain.head).toMatchObject({ batchCount: 2, nextInbox: next, stateRoot: w.roots[1] });
    chain.close();
  });

  it("a range that does not match the batch's L1 messages, or none at all, is InvalidArgumentError", () => {
    const where = makeStore();
    const chain = Chain.open({ store: where.open(), genesis: w.genesis, ...DOMAIN });
    const { batch, signers } = w.batches[0]!;
    const bad = [
      [{ ...batch, inbox: { start: 0n, count: batch.l1Messages.length - 1 } }, /batch\.inbox\.count is \d+, but the batch carries \d+ L1 messages/],
      [{ ...batch, inbox: undefined }, /batch\.inbox must be/],
      [{ ...batch, inbox: { start: 0, count: batch.l1Messages.length } }, /batch\.inbox\.start must be a u64 bigint/],
      [{ ...batch, inbox: { start: -1n, count: batch.l1Messages.length } }, /batch\.inbox\.start must be a u64 bigint/],
      [{ ...batch, inbox: { start: (1n << 64n) - 1n, count: batch.l1Messages.length } }, /runs past the last u64 inbox index/],
    ] as const;
    for (const [b, message] of bad) {
      const err = caught(() => chain.applyBatch(b as unknown as ChainBatch, { signers }));
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect(err.message).toMatch(message);
    }
    expect(chain.head.batchCount).toBe(0);
    chain.close();
  });

  it("a genesis other than the store's is GENESIS_MISMATCH; the same one or none opens it", () => {
    const where = makeStore();
    Chain.open({ store: where.open(), genesis: w.genesis, ...DOMAIN }).close();
    const other: Slot[] = w.genesis.map((s, i) => (i === 5 ? { ...s, balance: s.balance + 1n } : s));
    for (const genesis of [other, [], w.genesis.slice(0, -1)]) {
      const err = caught(() => Chain.open({ store: where.open(), genesis, ...DOMAIN }));
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).fault).toBe("GENESIS_MISMATCH");
      expect(err.message).toMatch(/created from a genesis with state root 0x[0-9a-f]{64}; the genesis given hashes to 0x/);
    }
    // a refused open released the store (an LmdbStore's lock too): the right genesis opens it
    Chain.open({ store: where.open(), genesis: w.genesis, ...DOMAIN }).close();
    const chain = Chain.open({ store: where.open(), ...DOMAIN });
    expect(chain.head.genesisRoot).toBe(w.roots[0]);
    chain.close();
  });
});

describe("store format", () => {
  it("a head of another layout format is StoreError FORMAT, not misread", () => {
    const w = workload(4, 1);
    const store = new MemoryStore();
    Chain.open({ store, genesis: w.genesis, ...DOMAIN }).close();
    const head = store.readHead()!;
    expect(head.format).toBe(STORE_FORMAT);
    expect(STORE_FORMAT).toBe(5);
    // format 1: the same head without the inbox position and the genesis root
    const v1 = packRecord(
      { format: "u32", chainId: "u128", verifyingContract: "address", batchCount: "u32", stateRoot: "hash", treeRoot: "hash", slotCount: "u32" },
      { ...head, format: 1 },
    );
    // format 2: stored fee slots instead of fee pairs (D30); 3: whole pages per commit, no log
    // (D38); 4: msgpack receipts, whole-log checkpoints (D48); format 6: a later layout
    for (const bytes of [v1, ...[2, 3, 4, 6].map((format) => encodeHead({ ...head, format }))]) {
      const err = caught(() => decodeHead(bytes));
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).fault).toBe("FORMAT");
      expect(err.message).toMatch(/layout format [12346]; this version reads format 5/);
    }
    const old: StateStore = {
      ...store,
      readHead: () => decodeHead(v1),
      readPage: (i) => store.readPage(i),
      readLog: (n) => store.readLog(n),
      readBatch: (n) => store.readBatch(n),
      commit: () => {},
      close: () => {},
    };
    expect(caught(() => Chain.open({ store: old, ...DOMAIN }))).toMatchObject({ fault: "FORMAT" });
    expect(caught(() => decodeHead(encodeHead({ ...head, nextInbox: 1n << 64n })))).toMatchObject({ fault: "CORRUPT" });
  });
});

describe("one writer per store, in this process", () => {
  const w = workload(5, 3);

  it("two chains on one MemoryStore: the second commit on the same head is CONFLICT, never lost", () => {
    const store = new MemoryStore();
    const a = Chain.open({ store, genesis: w.genesis, ...DOMAIN });
    const b = Chain.open({ store, ...DOMAIN });
    const { batch, signers } = w.batches[0]!;
    a.applyBatch(batch, { signers });
    const err = caught(() => b.applyBatch(batch, { signers }));
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).fault).toBe("CONFLICT");
    expect(err.message).toMatch(/the store is at batch 1, not at batch 0 as this writer read it/);
    expect(() => b.state).toThrow(/closed/); // b's state was never committed: it is gone
    expect(store.readHead()!.batchCount).toBe(1);
    // a carries on; its commits were never replaced
    a.applyBatch(w.batches[1]!.batch, { signers: w.batches[1]!.signers });
    expect(store.readHead()!.stateRoot).toBe(w.roots[2]);
    a.close();
  });

  it("a genesis commit on a store another chain has just created is CONFLICT", () => {
    const inner = new MemoryStore();
    // a store that reads empty, as it did before another writer created the chain in it
    const late: StateStore = {
      readHead: () => undefined,
      readPage: (i) => inner.readPage(i),
      readLog: (n) => inner.readLog(n),
      readBatch: (n) => inner.readBatch(n),
      commit: (c) => inner.commit(c),
      close: () => {},
    };
    Chain.open({ store: inner, genesis: w.genesis, ...DOMAIN }).close();
    expect(caught(() => Chain.open({ store: late, genesis: [], ...DOMAIN }))).toMatchObject({ fault: "CONFLICT" });
    expect(inner.readHead()!.stateRoot).toBe(w.roots[0]);
  });

  it("a second LmdbStore on the same directory is LOCKED until the first is closed", () => {
    const dir = tempDir();
    const chain = Chain.open({ store: LmdbStore.open(dir), genesis: w.genesis, ...DOMAIN });
    expect(readFileSync(join(dir, LOCK_FILE), "utf8").trim()).toBe(String(process.pid));
    for (const path of [dir, `${dir}/.`, join(dir, "..", dir.split("/").pop()!)]) {
      const err = caught(() => LmdbStore.open(path));
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).fault).toBe("LOCKED");
      expect(err.message).toMatch(/already open in this process/);
    }
    chain.applyBatch(w.batches[0]!.batch, { signers: w.batches[0]!.signers }); // the holder is unaffected
    chain.close();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const again = Chain.open({ store: LmdbStore.open(dir), ...DOMAIN });
    expect(again.head.stateRoot).toBe(w.roots[1]);
    again.close();
  });

  it("a lock held by another live process is LOCKED; one left by a dead process is taken over", () => {
    const dir = tempDir();
    Chain.open({ store: LmdbStore.open(dir), genesis: w.genesis, ...DOMAIN }).close();
    writeFileSync(join(dir, LOCK_FILE), `${process.ppid}\n`); // alive, and not this process
    const err = caught(() => LmdbStore.open(dir));
    expect(err).toMatchObject({ fault: "LOCKED", message: expect.stringMatching(new RegExp(`held by process ${process.ppid}`)) });
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    writeFileSync(join(dir, LOCK_FILE), `${dead.stdout}\n`);
    const store = LmdbStore.open(dir);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8").trim()).toBe(String(process.pid));
    store.close();
  });
});

describe("an unusable data directory is a StoreError, never a crash", () => {
  /** Runs LmdbStore.open(path) in a child process: a segfault there must not take the tests down. */
  const openInChild = (path: string) =>
    spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `
      import { LmdbStore } from ${JSON.stringify(new URL("../dist/node.js", import.meta.url).pathname)};
      try { LmdbStore.open(${JSON.stringify(path)}).close(); console.log("opened"); }
      catch (e) { console.log(e.name, e.fault, e.message); }`,
      ],
      { encoding: "utf8" },
    );

  it("a regular file, a file named like one, a directory for data.mdb, a data.mdb that is not LMDB", () => {
    const dir = tempDir();
    const cases: [string, RegExp][] = [];
    writeFileSync(join(dir, "batch.json"), '{"feePairs":[]}\n');
    cases.push([join(dir, "batch.json"), /^StoreError IO the store path .*batch\.json is not a directory/]);
    writeFileSync(join(dir, "plain"), "x");
    cases.push([join(dir, "plain"), /^StoreError IO .*is not a directory/]);
    mkdirSync(join(dir, "d/data.mdb"), { recursive: true });
    cases.push([join(dir, "d"), /^StoreError IO .*data\.mdb is not a regular file/]);
    mkdirSync(join(dir, "g"));
    writeFileSync(join(dir, "g/data.mdb"), "garbage".repeat(1000));
    cases.push([join(dir, "g"), /^StoreError CORRUPT .*data\.mdb is not an LMDB data file/]);
    for (const [path, want] of cases) {
      const r = openInChild(path);
      expect(r.status, `${path}: ${r.stderr}`).toBe(0);
      expect(r.stdout.trim(), path).toMatch(want);
    }
  });

  it("a directory whose name has an extension is a directory like any other", () => {
    const dir = join(tempDir(), "chain.db");
    const r = openInChild(dir);
    expect(r.stdout.trim()).toBe("opened");
    expect(existsSync(join(dir, "data.mdb"))).toBe(true);
    expect(openInChild(dir).stdout.trim()).toBe("opened");
  });
});

describe("one writer per store, across processes", () => {
  const w = workload(6, 3);
  const file = join(tempDir(), "workload.json");
  writeFileSync(
    file,
    JSON.stringify({ genesis: w.genesis, batches: w.batches, domain: DOMAIN }, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)),
  );

  interface Writer {
    child: ChildProcessWithoutNullStreams;
    /** Resolves with the next line the child prints. */
    next(): Promise<string>;
    done: Promise<number | null>;
  }
  function writer(dir: string): Writer {
    const child = spawn(process.execPath, [join(__dirname, "fixtures/store-writer-child.mjs"), dir, file]);
    const lines: string[] = [];
    const waiting: ((s: string) => void)[] = [];
    let buffer = "";
    let errOut = "";
    child.stderr.on("data", (d) => (errOut += d));
    child.stdout.on("data", (d) => {
      buffer += d;
      for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        const w = waiting.shift();
        if (w) w(line);
        else lines.push(line);
      }
    });
    const done = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    void done.then(() => {
      for (const w of waiting.splice(0)) w(`exited ${errOut}`);
    });
    return { child, done, next: () => (lines.length ? Promise.resolve(lines.shift()!) : new Promise((resolve) => waiting.push(resolve))) };
  }

  it("the second process is LOCKED while the first holds the store", async () => {
    const dir = tempDir();
    const a = writer(dir);
    expect(await a.next()).toBe("open 0");
    const b = writer(dir);
    expect(await b.next()).toMatch(new RegExp(`^error LOCKED the store at .* is held by process ${a.child.pid}`));
    await b.done;
    a.child.stdin.write("go\n");
    expect(await a.next()).toBe("committed 1");
    a.child.stdin.end();
    expect(await a.done).toBe(0);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const chain = Chain.open({ store: LmdbStore.open(dir), ...DOMAIN });
    expect(chain.head).toMatchObject({ batchCount: 1, stateRoot: w.roots[1] });
    chain.close();
  }, 60_000);

  it("with the lock bypassed, the commit check still refuses the stale writer: CONFLICT, nothing lost", async () => {
    const dir = tempDir();
    const a = writer(dir);
    expect(await a.next()).toBe("open 0");
    unlinkSync(join(dir, LOCK_FILE)); // someone deletes the lock by hand
    const b = writer(dir);
    expect(await b.next()).toBe("open 0");
    b.child.stdin.write("go\n");
    expect(await b.next()).toBe("committed 1");
    a.child.stdin.write("go\n"); // a still believes the store is at batch 0
    expect(await a.next()).toMatch(/^error CONFLICT the store is at batch 1, not at batch 0/);
    b.child.stdin.write("go\n");
    expect(await b.next()).toBe("committed 2");
    a.child.stdin.end();
    b.child.stdin.end();
    await Promise.all([a.done, b.done]);
    const chain = Chain.open({ store: LmdbStore.open(dir), ...DOMAIN });
    expect(chain.head).toMatchObject({ batchCount: 2, stateRoot: w.roots[2] });
    chain.close();
  }, 60_000);

  it("a writer killed with SIGKILL leaves a stale lock that the next open takes over", async () => {
    const dir = tempDir();
    const a = writer(dir);
    expect(await a.next()).toBe("open 0");
    a.child.kill("SIGKILL");
    await a.done;
    expect(readFileSync(join(dir, LOCK_FILE), "utf8").trim()).toBe(String(a.child.pid));
    const chain = Chain.open({ store: LmdbStore.open(dir), ...DOMAIN });
    expect(chain.head.batchCount).toBe(0);
    chain.close();
  }, 60_000);
});

describe("l2engine apply", () => {
  const cli = new URL("../dist/cli.js", import.meta.url).pathname;
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 120_000 });
  const runAsync = (...args: string[]) =>
    new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const c = spawn(process.execPath, [cli, ...args]);
      let stderr = "";
      c.stderr.on("data", (d) => (stderr += d));
      c.on("exit", (status) => resolve({ status, stderr }));
    });
  const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
  const dir = tempDir();
  const data = join(dir, "chain");
  const owner = `0x${"ab".repeat(20)}`;
  writeFileSync(join(dir, "genesis.json"), json({ ...DOMAIN, slots: [{ owner, token: 1, balance: 10n, nonce: 0n }] }));
  writeFileSync(join(dir, "other-genesis.json"), json({ ...DOMAIN, slots: [{ owner, token: 1, balance: 11n, nonce: 0n }] }));
  const deposit = { feePairs: [], inbox: { start: 0n, count: 1 }, l1Messages: [{ kind: "deposit", owner, token: 1, amount: 5n, slot: 0 }], txs: [] };
  writeFileSync(join(dir, "deposit.json"), json(deposit));
  writeFileSync(join(dir, "no-inbox.json"), json({ ...deposit, inbox: undefined }));
  writeFileSync(join(dir, "empty.json"), json({ feePairs: [] }));
  const head = () => JSON.parse(run("inspect", "--data-dir", data).stdout);

  it("refuses to apply a batch file twice: its deposit is credited once", () => {
    expect(run("apply", join(dir, "deposit.json"), "--data-dir", data, "--genesis", join(dir, "genesis.json")).status).toBe(0);
    const again = run("apply", join(dir, "deposit.json"), "--data-dir", data);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/^l2engine: CHAIN_REJECTED: batch\.inbox\.start 0 is behind the chain's next inbox index 1/);
    expect(head()).toMatchObject({ batchCount: 1, nextInbox: "1" });
    expect(JSON.parse(run("inspect", "--data-dir", data, "--slot", "0").stdout).balance).toBe("15");
    const noInbox = run("apply", join(dir, "no-inbox.json"), "--data-dir", data);
    expect(noInbox.status).toBe(2);
    expect(noInbox.stderr).toMatch(/has 1 L1 messages but no inbox range/);
    expect(head().batchCount).toBe(1);
  });

  it("checks --genesis against the chain, and a --genesis that does not exist is an error", () => {
    const missing = run("apply", join(dir, "empty.json"), "--data-dir", data, "--genesis", join(dir, "nope.json"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.json/);
    const other = run("apply", join(dir, "empty.json"), "--data-dir", data, "--genesis", join(dir, "other-genesis.json"));
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(/^l2engine: STORE_FAILED: the store was created from a genesis with state root/);
    expect(head().batchCount).toBe(1);
    expect(run("apply", join(dir, "empty.json"), "--data-dir", data, "--genesis", join(dir, "genesis.json")).status).toBe(0);
    expect(head().batchCount).toBe(2);
  });

  // a smoke check of the invariant on the real CLI (the runs overlap in about half the rounds
  // here); the child-process tests above are the ones that pin the lock and the commit check
  it("two apply runs at once: every run that exits 0 committed a batch of its own", async () => {
    for (let round = 0; round < 2; round++) {
      const before = head().batchCount as number;
      const runs = await Promise.all([
        runAsync("apply", join(dir, "empty.json"), "--data-dir", data),
        runAsync("apply", join(dir, "empty.json"), "--data-dir", data),
      ]);
      for (const r of runs) if (r.status !== 0) expect(r.stderr).toMatch(/^l2engine: STORE_FAILED: the store at .* is held by process \d+/);
      expect(head().batchCount).toBe(before + runs.filter((r) => r.status === 0).length);
    }
  }, 120_000);
});
