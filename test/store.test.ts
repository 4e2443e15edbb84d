// The durable chain: every batch committed in one store transaction, reopened without replay,
// checked against an engine that never touched a store; failed commits, foreign and corrupt
// stores; and the crash test (SIGKILL at random moments, 50 times).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { open } from "lmdb";
import { Chain, changedPages, changedSlots, checkpointLimit, type ChainBatch } from "../src/store/chain.js";
import { FOLD_RATE } from "../src/store/fold.js";
import { Engine } from "../src/engine/engine.js";
import { StoreError, InvalidArgumentError } from "../src/protocol/errors.js";
import { LOG_ENTRY_BYTES, MemoryStore, PAGE_SLOTS, decodeStoredBatch, type StateStore, type StoreCommit } from "../src/store/store.js";
import { LmdbStore } from "../src/node/lmdb-store.js";
import type { Hex, SignedTx, Slot } from "../src/protocol/types.js";
type Transfer = Extract<SignedTx, { type: "transfer" }>;
import { Rng, generateBatch, genesis as makeGenesis } from "./workload.js";

const DOMAIN = { chainId: 31337n, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Hex };
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "l2engine-store-"));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Workload {
  genesis: Slot[];
  /** Each batch with the inbox range it consumes: the ranges follow each other from index 0. */
  batches: { batch: ChainBatch; signers: (Hex | null)[] }[];
  /** State root after genesis (index 0) and after each batch. */
  roots: Hex[];
}

/** Random batches of every kind, and the roots an engine without a store reaches. */
function workload(seed: number, slots: number, batches: number, size: number): Workload {
  const rng = new Rng(seed);
  const genesis = makeGenesis(rng, 12, slots, 3);
  const engine = Engine.create({ genesis, ...DOMAIN });
  const out: Workload = { genesis, batches: [], roots: [engine.stateRoot()] };
  let inbox = 0n;
  for (let k = 0; k < batches; k++) {
    const slots = allSlots(engine); // a snapshot: the generator reads slots many times
    const g = generateBatch(rng, { slotCount: () => slots.length, slot: (i) => slots[i]! }, size, 12);
    out.roots.push(engine.applyBatch(g.batch, { signers: g.signers }).postStateRoot);
    const count = g.batch.l1Messages.length;
    out.batches.push({ batch: { ...g.batch, inbox: { start: inbox, count } }, signers: g.signers });
    inbox += BigInt(count);
  }
  engine.dispose();
  return out;
}

const allSlots = (state: { slotCount(): number; getSlot(i: number): Slot }) => Array.from({ length: state.slotCount() }, (_, i) => state.getSlot(i));

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

describe.each(stores)("Chain on a %s", (_name, makeStore) => {
  const w = workload(7, 700, 12, 60);

  it("commits every batch and reopens to the same roots and slots without replaying", () => {
    const where = makeStore();
    let chain = Chain.open({ store: where.open(), genesis: w.genesis, ...DOMAIN });
    expect(chain.head).toMatchObject({ batchCount: 0, stateRoot: w.roots[0], slotCount: 700 });
    const reference = Engine.create({ genesis: w.genesis, ...DOMAIN });
    for (let k = 0; k < w.batches.length; k++) {
      const { batch, signers } = w.batches[k]!;
      const got = chain.applyBatch(batch, { signers });
      expect(got).toEqual(reference.applyBatch(batch, { signers }));
      expect(chain.head.stateRoot).toBe(w.roots[k + 1]);
      if (k % 4 === 3) {
        // reopen mid-way: the next batches continue from the restored state
        chain.close();
        chain = Chain.open({ store: where.open(), ...DOMAIN });
        expect(chain.head.batchCount).toBe(k + 1);
        expect(chain.state.stateRoot()).toBe(w.roots[k + 1]);
      }
    }
    chain.close();
    chain = Chain.open({ store: where.open(), genesis: w.genesis, ...DOMAIN }); // the same genesis: accepted
    expect(chain.head.batchCount).toBe(w.batches.length);
    expect(chain.head.nextInbox).toBe(w.batches.reduce((n, b) => n + BigInt(b.batch.l1Messages.length), 0n));
    expect(chain.state.slotCount()).toBe(reference.slotCount());
    expect(allSlots(chain.state)).toEqual(allSlots(reference));
    const stored = chain.batch(5)!;
    expect(stored.number).toBe(5);
    expect(stored.txCount).toBe(w.batches[4]!.batch.txs.length);
    expect(stored.l1MessageCount).toBe(w.batches[4]!.batch.l1Messages.length);
    expect(stored.inboxStart).toBe(w.batches[4]!.batch.inbox.start);
    expect(stored.result.postStateRoot).toBe(w.roots[5]);
    expect(stored.result.preStateRoot).toBe(w.roots[4]);
    expect(chain.batch(w.batches.length + 1)).toBeUndefined();
    chain.close();
    reference.dispose();
  });

  it("a malformed batch changes neither the chain nor the store", () => {
    const where = makeStore();
    const chain = Chain.open({ store: where.open(), genesis: w.genesis, ...DOMAIN });
    chain.applyBatch(w.batches[0]!.batch, { signers: w.batches[0]!.signers });
    const head = { ...chain.head };
    const bad: ChainBatch = { ...w.batches[1]!.batch, feePairs: Array.from({ length: 17 }, (_, token) => ({ token, slot: 0 })) }; // more than 16 pairs
    expect(() => chain.applyBatch(bad, { signers: w.batches[1]!.signers })).toThrow(InvalidArgumentError);
    expect(chain.head).toEqual(head);
    expect(chain.state.stateRoot()).toBe(head.stateRoot);
    expect(chain.batch(2)).toBeUndefined();
    chain.close();
    const again = Chain.open({ store: where.open(), ...DOMAIN });
    expect(again.head).toEqual(head);
    again.close();
  });

  it("refuses a store of another chain", () => {
    const where = makeStore();
    Chain.open({ store: where.open(), genesis: w.genesis, ...DOMAIN }).close();
    const other = () => Chain.open({ store: where.open(), ...DOMAIN, chainId: 1n });
    expect(other).toThrow(StoreError);
    expect(other).toThrow(/chain 31337/);
    try {
      other();
    } catch (e) {
      expect((e as StoreError).fault).toBe("DOMAIN_MISMATCH");
    }
  });
});

describe("Chain failure paths", () => {
  const w = workload(11, 300, 3, 40);

  it("a failed commit leaves the chain at the last committed batch, and it carries on", () => {
    const inner = new MemoryStore();
    let fail = false;
    const flaky: StateStore = {
      readHead: () => inner.readHead(),
      readPage: (i) => inner.readPage(i),
      readLog: (n) => inner.readLog(n),
      readBatch: (n) => inner.readBatch(n),
      commit: (c: StoreCommit) => {
        if (fail) throw new Error("disk full");
        inner.commit(c);
      },
      close: () => inner.close(),
    };
    const chain = Chain.open({ store: flaky, genesis: w.genesis, ...DOMAIN });
    chain.applyBatch(w.batches[0]!.batch, { signers: w.batches[0]!.signers });
    fail = true;
    let err: unknown;
    try {
      chain.applyBatch(w.batches[1]!.batch, { signers: w.batches[1]!.signers });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).fault).toBe("IO");
    expect((err as StoreError).message).toMatch(/disk full/);
    expect(chain.head.batchCount).toBe(1);
    expect(chain.state.stateRoot()).toBe(w.roots[1]);
    fail = false;
    chain.applyBatch(w.batches[1]!.batch, { signers: w.batches[1]!.signers });
    expect(chain.head.stateRoot).toBe(w.roots[2]);
    chain.close();
    expect(() => chain.applyBatch(w.batches[2]!.batch)).toThrow(/closed/);
  });

  /** Flips one byte of stored page 1 behind the chain's back. */
  function damage(dir: string, offset: number): void {
    const env = open({ path: dir, maxDbs: 4, compression: false });
    const pages = env.openDB<Uint8Array, number>({ name: "pages", encoding: "binary", keyEncoding: "uint32" });
    const page = Uint8Array.from(pages.getBinary(1)!);
    page[offset] = page[offset]! ^ 1;
    pages.putSync(1, page);
    void env.close();
  }
  const openError = (dir: string, verify?: "leaves" | "full"): StoreError => {
    try {
      Chain.open({ store: LmdbStore.open(dir), ...DOMAIN, verify }).close();
    } catch (e) {
      return e as StoreError;
    }
    throw new Error("the chain opened");
  };

  it("refuses a store whose leaves do not hash to its committed root", () => {
    const dir = tempDir();
    Chain.open({ store: LmdbStore.open(dir), genesis: w.genesis, ...DOMAIN }).close();
    damage(dir, 48 * 48 + 5 * 32 + 7); // a byte of slot 53's leaf (page 1 holds slots 48..95)
    const err = openError(dir);
    expect(err).toBeInstanceOf(StoreError);
    expect(err.fault).toBe("CORRUPT");
    expect(err.message).toMatch(/leaves hash to 0x[0-9a-f]{64}, not the committed root/);
  });

  it('verify: "full" also catches a damaged slot record', () => {
    const dir = tempDir();
    Chain.open({ store: LmdbStore.open(dir), genesis: w.genesis, ...DOMAIN }).close();
    damage(dir, 6 * 48); // the low balance byte of slot 54
    Chain.open({ store: LmdbStore.open(dir), ...DOMAIN }).close(); // the leaves alone still agree
    const err = openError(dir, "full");
    expect(err.fault).toBe("CORRUPT");
    expect(err.message).toMatch(/slots hash to/);
  });

  /** A one-transfer batch between two slots of one token, neither in `avoid`, valid at genesis. */
  function transferAvoiding(avoid: number[], inbox: bigint): { batch: ChainBatch; signers: Hex[] } {
    const ok = (i: number) => !avoid.includes(i) && w.genesis[i]!.balance > 0n && w.genesis[i]!.balance < (1n << 128n) - 1n;
    const from = w.genesis.findIndex((_, i) => ok(i));
    const to = w.genesis.findIndex((s, i) => i !== from && ok(i) && s.token === w.genesis[from]!.token);
    const tx = { type: "transfer" as const, from, to, amount: 1n, fee: 0n, nonce: w.genesis[from]!.nonce, signature: "0x" as Hex };
    return { batch: { feePairs: [], l1Messages: [], txs: [tx], inbox: { start: inbox, count: 0 } }, signers: [w.genesis[from]!.owner] };
  }
  const corruptFault = (fn: () => unknown): StoreError => {
    try {
      fn();
    } catch (e) {
      return e as StoreError;
    }
    throw new Error("no error");
  };

  it("a damaged record (leaf intact) opens, but the first batch or read touching it is StoreError CORRUPT naming it, with nothing executed", () => {
    const dir = tempDir();
    Chain.open({ store: LmdbStore.open(dir), genesis: w.genesis, ...DOMAIN }).close();
    damage(dir, 6 * 48); // the low balance byte of slot 54's record, not its leaf
    const chain = Chain.open({ store: LmdbStore.open(dir), ...DOMAIN }); // the leaves alone agree with the root
    const head = { ...chain.head };
    // a transfer into slot 54: the check runs before the entry's own checks (whatever its token)
    const valid = transferAvoiding([54], 0n);
    const into54 = { ...(valid.batch.txs[0] as Transfer), to: 54 };
    const touching = { batch: { ...valid.batch, txs: [into54] }, signers: valid.signers };
    let err = corruptFault(() => chain.applyBatch(touching.batch, { signers: touching.signers }));
    expect(err).toBeInstanceOf(StoreError);
    expect(err.fault).toBe("CORRUPT");
    expect(err.message).toMatch(/stored slot 54: its record does not hash to its stored leaf/);
    expect(chain.head).toEqual(head);
    expect(chain.state.stateRoot()).toBe(head.stateRoot);
    expect(chain.state.getSlot(into54.from).nonce).toBe(w.genesis[into54.from]!.nonce); // not consumed
    err = corruptFault(() => chain.state.getSlot(54));
    expect(err.fault).toBe("CORRUPT");
    // a batch that does not read slot 54 runs and commits; slot 54 stays refused
    expect(chain.applyBatch(valid.batch, { signers: valid.signers }).receipts[0]!.status).toBe(0);
    expect(chain.head.batchCount).toBe(1);
    const from54 = { ...into54, from: 54, to: into54.from, nonce: w.genesis[54]!.nonce };
    expect(corruptFault(() => chain.applyBatch({ ...valid.batch, txs: [from54] }, { signers: [w.genesis[54]!.owner] })).message).toMatch(/slot 54/);
    expect(chain.head.batchCount).toBe(1);
    chain.close();
    // a fork inherits the unchecked mark; verify: "full" refuses the store at open instead
    const reopened = Chain.open({ store: LmdbStore.open(dir), ...DOMAIN });
    const fork = reopened.state.fork();
    expect(corruptFault(() => fork.getSlot(54)).fault).toBe("CORRUPT");
    fork.dispose();
    reopened.close();
    expect(openError(dir, "full").fault).toBe("CORRUPT");
  });

  it("a damaged record in the log is caught at first touch too", () => {
    const dir = tempDir();
    let chain = Chain.open({ store: LmdbStore.open(dir), genesis: w.genesis, ...DOMAIN });
    const first = transferAvoiding([], 0n);
    chain.applyBatch(first.batch, { signers: first.signers });
    expect(chain.head.checkpoint).toBe(0); // one transfer: logged, not checkpointed
    chain.close();
    const env = open({ path: dir, maxDbs: 4, compression: false });
    const log = env.openDB<Uint8Array, number>({ name: "log", encoding: "binary", keyEncoding: "uint32" });
    const record = Uint8Array.from(log.getBinary(1)!);
    const slot = new DataView(record.buffer).getUint32(0, true);
    record[4 + 16] = record[4 + 16]! ^ 1; // the slot's nonce, in its logged record
    log.putSync(1, record);
    void env.close();
    chain = Chain.open({ store: LmdbStore.open(dir), ...DOMAIN });
    expect(corruptFault(() => chain.state.getSlot(slot)).message).toMatch(new RegExp(`stored slot ${slot}:`));
    chain.close();
  });

  it("every commit logs the slots it changed and folds a bounded number of the oldest logged pages; the store reopens to the head after each", () => {
    const inner = new MemoryStore();
    const commits: StoreCommit[] = [];
    const spy: StateStore = {
      readHead: () => inner.readHead(),
      readPage: (i) => inner.readPage(i),
      readLog: (n) => inner.readLog(n),
      readBatch: (n) => inner.readBatch(n),
      commit: (c) => {
        commits.push(c);
        inner.commit(c);
      },
      close: () => {},
    };
    const big = workload(5, 2400, 24, 150);
    const chain = Chain.open({ store: spy, genesis: big.genesis, ...DOMAIN });
    expect(checkpointLimit(2400)).toBe(1200);
    // the model: per page, the oldest logged batch that changed it since the page was last written
    const dirty = new Map<number, number>();
    let logEntries = 0;
    const entriesOf = new Map<number, number>();
    let maxPages = 0;
    let advanced = 0;
    let longPage = false;
    for (let k = 0; k < big.batches.length; k++) {
      const number = k + 1;
      const before = chain.state.slotCount();
      const old = chain.head.checkpoint;
      const result = chain.applyBatch(big.batches[k]!.batch, { signers: big.batches[k]!.signers });
      const c = commits[commits.length - 1]!;
      const changed = changedSlots(result, big.batches[k]!.batch.feePairs, before);
      // the log record: exactly the changed slots, ascending
      expect(c.log!.number).toBe(number);
      expect(c.log!.entries.length).toBe(changed.length * LOG_ENTRY_BYTES);
      const view = new DataView(c.log!.entries.buffer, c.log!.entries.byteOffset);
      expect(changed.every((s, i) => view.getUint32(i * LOG_ENTRY_BYTES, true) === s)).toBe(true);
      // the pages: dirty ones, oldest first, no more than the budget unless the log would pass its bound
      const written = [...c.pages.keys()];
      expect(written).toEqual([...written].sort((a, b) => a - b));
      const pageCount = Math.ceil(result.slotCount / PAGE_SLOTS);
      const limit = checkpointLimit(result.slotCount);
      if (logEntries + changed.length <= limit) {
        expect(written.length).toBeLessThanOrEqual(Math.max(1, Math.ceil((FOLD_RATE * pageCount * changed.length) / limit)));
      }
      const newest = Math.max(0, ...written.map((p) => dirty.get(p)!));
      for (const p of written) expect(dirty.has(p)).toBe(true);
      for (const [p, since] of dirty) if (!c.pages.has(p)) expect(since).toBeGreaterThanOrEqual(newest);
      maxPages = Math.max(maxPages, written.length);
      for (const s of changed) {
        const p = Math.floor(s / PAGE_SLOTS);
        if (!dirty.has(p)) dirty.set(p, number);
      }
      for (const p of written) dirty.delete(p);
      entriesOf.set(number, changed.length);
      logEntries += changed.length;
      // the checkpoint: just before the oldest batch whose change some unwritten page still lacks
      const checkpoint = Math.min(number, ...dirty.values()) - 1;
      expect(chain.head.checkpoint).toBe(checkpoint);
      expect(c.dropLog ?? []).toEqual(Array.from({ length: checkpoint - old }, (_, i) => old + 1 + i));
      for (let j = old + 1; j <= checkpoint; j++) logEntries -= entriesOf.get(j)!;
      for (let j = 1; j <= number; j++) expect(inner.readLog(j) !== undefined).toBe(j > checkpoint);
      expect(logEntries).toBeLessThanOrEqual(limit);
      if (checkpoint > old) advanced++;
      // a page written after slots were created may hold more slots than the checkpoint's count
      for (const [p, bytes] of c.pages) if (bytes.length / 80 > Math.min(PAGE_SLOTS, Math.max(0, chain.head.pageSlotCount - p * PAGE_SLOTS))) longPage = true;
      // and whatever was folded, the store reopens to this batch, records and leaves alike
      const again = Chain.open({ store: inner, ...DOMAIN, verify: "full" });
      expect(again.state.stateRoot()).toBe(big.roots[number]);
      again.close();
    }
    expect(advanced).toBeGreaterThan(5);
    expect(longPage).toBe(true);
    // no commit rewrote the pages wholesale (format 4's checkpoint wrote every page the log covered)
    expect(maxPages).toBeLessThan(Math.ceil(chain.state.slotCount() / PAGE_SLOTS) / 3);
    chain.close();
  });

  it("a missing or malformed log record, or a new slot in none, is StoreError CORRUPT at open", () => {
    const big = workload(6, 700, 3, 15);
    const setup = () => {
      const inner = new MemoryStore();
      const chain = Chain.open({ store: inner, genesis: big.genesis, ...DOMAIN });
      for (const { batch, signers } of big.batches) chain.applyBatch(batch, { signers });
      expect(chain.head.checkpoint).toBe(0);
      chain.close();
      return inner;
    };
    const openFault = (store: StateStore) => corruptFault(() => Chain.open({ store, ...DOMAIN }));
    const withLog = (inner: MemoryStore, readLog: (n: number) => Uint8Array | undefined): StateStore => ({
      readHead: () => inner.readHead(),
      readPage: (i) => inner.readPage(i),
      readLog,
      readBatch: (n) => inner.readBatch(n),
      commit: () => {},
      close: () => {},
    });
    let inner = setup();
    expect(openFault(withLog(inner, (n) => (n === 2 ? undefined : inner.readLog(n)))).message).toMatch(/log record 2 is missing/);
    expect(openFault(withLog(inner, (n) => inner.readLog(n)!.subarray(1))).message).toMatch(/log record 1 is \d+ bytes, not a multiple of 84/);
    const swapped = (n: number) => {
      const r = Uint8Array.from(inner.readLog(n)!);
      r.copyWithin(0, LOG_ENTRY_BYTES, 2 * LOG_ENTRY_BYTES); // entry 0 now names entry 1's slot: out of order
      return r;
    };
    expect(openFault(withLog(inner, swapped)).message).toMatch(/log record 1: slot \d+ is out of order/);
    // a batch that created slots: drop its log record's new slots
    inner = setup();
    const head = inner.readHead()!;
    const grew = [1, 2, 3].find(
      (n) => decodeStoredBatch(inner.readBatch(n)!).result.slotCount > (n === 1 ? 700 : decodeStoredBatch(inner.readBatch(n - 1)!).result.slotCount),
    );
    expect(head.slotCount).toBeGreaterThan(700);
    expect(grew).toBeDefined();
    const trimmed = (n: number) => {
      const r = inner.readLog(n)!;
      if (n !== grew) return r;
      const view = new DataView(r.buffer, r.byteOffset);
      let keep = 0;
      while (keep * LOG_ENTRY_BYTES < r.length && view.getUint32(keep * LOG_ENTRY_BYTES, true) < 700) keep++;
      return r.subarray(0, keep * LOG_ENTRY_BYTES);
    };
    expect(openFault(withLog(inner, trimmed)).message).toMatch(/slot \d+ was created after the checkpoint but is in no log record/);
  });

  it("refuses a store with a missing or truncated page, and reads pages only where slots are", () => {
    const dir = tempDir();
    Chain.open({ store: LmdbStore.open(dir), genesis: w.genesis, ...DOMAIN }).close();
    const env = open({ path: dir, maxDbs: 4, compression: false });
    const pages = env.openDB<Uint8Array, number>({ name: "pages", encoding: "binary", keyEncoding: "uint32" });
    const page2 = Uint8Array.from(pages.getBinary(2)!);
    pages.putSync(2, page2.subarray(0, page2.length - 1));
    void env.close();
    let err = openError(dir);
    expect(err.fault).toBe("CORRUPT");
    expect(err.message).toMatch(/page 2 is 3839 bytes, not 3840/);
    const env2 = open({ path: dir, maxDbs: 4, compression: false });
    env2.openDB<Uint8Array, number>({ name: "pages", encoding: "binary", keyEncoding: "uint32" }).removeSync(2);
    void env2.close();
    err = openError(dir);
    expect(err.message).toMatch(/page 2 is missing/);
    const engine = Engine.create({ genesis: w.genesis, ...DOMAIN });
    expect(() => engine.readSlotPages([7], PAGE_SLOTS)).toThrow(InvalidArgumentError); // 300 slots: pages 0..6
    expect(engine.readSlotPages([6], PAGE_SLOTS)[0]!.length).toBe((300 - 6 * 48) * 80);
    engine.dispose();
  });

  it("changedPages covers touched slots, the fee slots settlement credited and every new slot", () => {
    expect(PAGE_SLOTS).toBe(48);
    const result = (feesCredited: bigint[]) => ({ receipts: [{ status: 0, touched: [3, 100], out: [0n, 0n] }], slotCount: 300, feesCredited }) as never;
    const pairs = [
      { token: 1, slot: 48 },
      { token: 2, slot: 150 },
    ];
    expect(changedPages(result([5n, 0n]), pairs, 200)).toEqual([0, 1, 2, 4, 5, 6]); // 200..299 are new: pages 4-6
    expect(changedPages(result([0n, 5n]), pairs, 300)).toEqual([0, 2, 3]); // a burned fee writes no slot
    expect(changedPages(result([]), [], 300)).toEqual([0, 2]);
  });
});

describe("crash safety", () => {
  it("SIGKILL at random moments never leaves a half-written batch (50 runs)", async () => {
    const w = workload(23, 1000, 600, 40);
    const dir = tempDir();
    const file = join(tempDir(), "workload.json");
    writeFileSync(
      file,
      JSON.stringify({ genesis: w.genesis, batches: w.batches, domain: DOMAIN }, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)),
    );
    const rng = new Rng(99);
    const seen = new Set<number>();
    let lastCount = 0;
    for (let run = 0; run < 50; run++) {
      const child = spawn(process.execPath, [join(__dirname, "fixtures/store-crash-child.mjs"), dir, file], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let errOut = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (errOut += d));
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      // kill once it has opened the chain, after a random share of the time a few commits take
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (out.includes("open") || child.exitCode !== null) {
            clearInterval(poll);
            setTimeout(
              () => {
                child.kill("SIGKILL");
                resolve();
              },
              run % 2 ? rng.int(10) : rng.int(150),
            );
          }
        }, 2);
      });
      const code = await exited;
      if (code !== null && code !== 0) throw new Error(`child failed: ${errOut}`);
      // the committed state is exactly the last batch that the child reported or the one after it
      const chain = Chain.open({ store: LmdbStore.open(dir), ...DOMAIN });
      const k = chain.head.batchCount;
      const reported = [...out.matchAll(/committed (\d+)/g)].map((m) => Number(m[1]));
      const lastReported = reported.length ? reported[reported.length - 1]! : lastCount;
      expect(k === lastReported || k === lastReported + 1).toBe(true);
      expect(k).toBeGreaterThanOrEqual(lastCount);
      expect(chain.head.stateRoot).toBe(w.roots[k]);
      expect(chain.state.stateRoot()).toBe(w.roots[k]);
      if (k > 0) expect(chain.batch(k)!.result.postStateRoot).toBe(w.roots[k]);
      expect(chain.batch(k + 1)).toBeUndefined();
      // the stored records rehash (without the stored leaves) to the same root
      const records = (chain.state as Engine).readSlotRecords([...Array(chain.state.slotCount()).keys()]);
      const rehashed = Engine.fromSlotRecords(records, DOMAIN);
      expect(rehashed.stateRoot()).toBe(w.roots[k]);
      rehashed.dispose();
      chain.close();
      seen.add(k);
      lastCount = k;
    }
    // the kills landed at many different points, not all before the first commit
    expect(seen.size).toBeGreaterThan(10);
    expect(lastCount).toBeGreaterThan(0);
  }, 300_000);
});
