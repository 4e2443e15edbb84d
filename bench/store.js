// The durable store: reopening a chain from LMDB (the target: a 1M-slot state in under a
// second) with stored leaves vs rehashing every slot, what committing each batch costs on top of
// executing it (rate and bytes written per commit), and the durable node end to end: DA bytes of
// signed transfers decoded, recovered on every core, applied and committed with fsync. Wall-clock
// samples (median of several runs): benchmark.js is built for operations that take micro- to
// milliseconds, not half a second of setup each. Run alone with
// `node bench/store.js [--quick] [--store-only]`.

import { mkdtempSync, rmSync, statSync, readdirSync, readFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { signRecoverable } from "tiny-secp256k1";
import {
  Chain,
  LmdbStore,
  RecoverPool,
  addressOf,
  decodeBatch,
  encodeBatch,
  fromHex,
  recoverTransactionSigner,
  secp256k1NativeRecovery,
  nodeRecovery,
  toHex,
  txDigest,
} from "../dist/node.js";

const DOMAIN = { chainId: 1n, verifyingContract: "0x" + "22".repeat(20) };
const OWNERS = 1000;
const KEYS = Array.from({ length: OWNERS }, (_, i) => fromHex("0x" + (i + 1).toString(16).padStart(64, "0")));
const ADDRS = KEYS.map((k) => addressOf(toHex(k)));
/** Slots 2k and 2k + 1 belong to owner k % OWNERS and hold tokens 1 and 2. */
const ownerOf = (slot) => Math.floor(slot / 2) % OWNERS;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (fn) => {
  const t0 = performance.now();
  const v = fn();
  return [performance.now() - t0, v];
};
/** CPU milliseconds (user + system, all threads) this process spent in fn: steadier than wall time on a shared machine. */
const cpuTime = (fn) => {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

/** Bytes this process has handed to write(2) so far: LMDB writes its pages with pwrite, not through the map. */
function writtenBytes() {
  try {
    return Number(/wchar:\s*(\d+)/.exec(readFileSync("/proc/self/io", "utf8"))[1]);
  } catch {
    return NaN; // not Linux
  }
}

/** Transfer batches over spread-out slots, each valid after the previous (nonces counted here). */
function transferBatches(slots, count, size) {
  const nonces = new Map();
  const out = [];
  for (let b = 0; b < count; b++) {
    const txs = [];
    const signers = [];
    for (let i = 0; i < size; i++) {
      const from = ((b * size + i) * 7919) % (slots - 2);
      const nonce = nonces.get(from) ?? 0n;
      nonces.set(from, nonce + 1n);
      let to = (from * 31 + 2 + b) % (slots - 2);
      if ((to - from) % 2 !== 0) to = to === 0 ? 2 : to - 1; // same token: same parity
      txs.push({ type: "transfer", from, to, amount: 1n, fee: 0n, nonce, signature: "0x" });
      signers.push(ADDRS[ownerOf(from)]);
    }
    out.push({ batch: { feePairs: [], l1Messages: [], txs }, signers });
  }
  return out;
}

/** Signs like signTransaction, with libsecp256k1 for speed (bench setup only): low-s, v = 27/28. */
function fastSign(tx) {
  const { signature, recoveryId } = signRecoverable(txDigest(tx, DOMAIN), KEYS[ownerOf(tx.from)]);
  return { ...tx, signature: `${toHex(signature)}${(27 + recoveryId).toString(16)}` };
}

function diskBytes(dir) {
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

const genesisOf = (slots) =>
  Array.from({ length: slots }, (_, i) => ({ owner: ADDRS[ownerOf(i)], token: 1 + (i % 2), balance: 10n ** 24n + BigInt(i), nonce: 0n }));
const onInbox = (chain, batch) => ({ ...batch, inbox: { start: chain.head.nextInbox, count: batch.l1Messages.length } });

export async function storeSuites({ quick, durable: withDurable = true }) {
  const slots = quick ? 1 << 17 : 1 << 20;
  console.log(`\n## LMDB store: ${slots} slots (fsync on)`);
  const dir = mkdtempSync(join(tmpdir(), "l2engine-bench-store-"));
  const extras = {};
  try {
    const genesis = genesisOf(slots);
    const [genesisMs, root] = time(() => {
      const chain = Chain.open({ store: LmdbStore.open(dir), genesis, ...DOMAIN });
      const r = chain.head.stateRoot;
      chain.close();
      return r;
    });
    const reopenCpu = [];
    const reopen = (verify, want = root) =>
      time(() => {
        reopenCpu.push(
          cpuTime(() => {
            const chain = Chain.open({ store: LmdbStore.open(dir), ...DOMAIN, verify });
            if (chain.state.stateRoot() !== want) throw new Error("reopened to another root");
            chain.close();
          }),
        );
      })[0];
    reopen("leaves"); // compile the core and warm the page cache once
    reopenCpu.length = 0;
    const leaves = Array.from({ length: quick ? 3 : 7 }, () => reopen("leaves"));
    const leavesCpu = median(reopenCpu);
    const full = Array.from({ length: quick ? 2 : 5 }, () => reopen("full"));
    console.log(`  genesis commit                                   ${genesisMs.toFixed(0)} ms`);
    console.log(
      `  reopen, inner nodes over stored leaves (default) ${median(leaves).toFixed(0)} ms median (${leaves.map((x) => x.toFixed(0)).join(", ")}); ${leavesCpu.toFixed(0)} ms of CPU`,
    );
    console.log(`  reopen, every slot rehashed (verify: "full")     ${median(full).toFixed(0)} ms median (${full.map((x) => x.toFixed(0)).join(", ")})`);

    // commit cost: the same batches on the chain and on a fork of its engine that never commits
    const chain = Chain.open({ store: LmdbStore.open(dir), ...DOMAIN });
    const engine = chain.state.fork();
    // batches of ~20k changed slots: every commit logs them and folds ~900 of the oldest logged
    // pages (a rolling checkpoint, D48); 27 batches fill the log to its steady size at 2^20 slots
    const measured = quick ? 8 : 27;
    const batches = transferBatches(slots, measured, 10_000);
    let engineMs = 0;
    let chainMs = 0;
    const commitMs = []; // per batch: the chain's time over the engine's on the same batch
    const w0 = writtenBytes();
    for (const { batch, signers } of batches) {
      const [e, r1] = time(() => engine.applyBatch(batch, { signers }));
      const [c, r2] = time(() => chain.applyBatch(onInbox(chain, batch), { signers }));
      if (r1.postStateRoot !== r2.postStateRoot || r1.receipts.some((r) => r.status !== 0)) throw new Error("store bench batches diverged or failed");
      engineMs += e;
      chainMs += c;
      commitMs.push(c - e);
    }
    const writePerCommit = (writtenBytes() - w0) / batches.length;
    const txs = batches.length * 10_000;
    const engineRate = (txs / engineMs) * 1000;
    const chainRate = (txs / chainMs) * 1000;
    const maxCommitMs = Math.max(...commitMs);
    const meanCommitMs = commitMs.reduce((a, b) => a + b, 0) / commitMs.length;
    const logBatches = chain.head.batchCount - chain.head.checkpoint;
    const lastRoot = chain.head.stateRoot;
    engine.dispose();
    chain.close();
    console.log(`  ${batches.length} 10k-transfer batches, engine only           ${(engineRate / 1000).toFixed(1)}k tx/s`);
    console.log(`  the same through Chain (execute + LMDB commit)   ${(chainRate / 1000).toFixed(1)}k tx/s = ${(chainRate / engineRate).toFixed(2)} × engine`);
    console.log(
      `  commit over execution                            ${meanCommitMs.toFixed(0)} ms mean, ${maxCommitMs.toFixed(0)} ms max; ${(writePerCommit / 2 ** 20).toFixed(1)} MiB written per commit`,
    );
    // reopen after the batches: the pages with the log laid over them, at its steady size
    reopenCpu.length = 0;
    const after = Array.from({ length: quick ? 3 : 5 }, () => reopen("leaves", lastRoot));
    const afterCpu = median(reopenCpu);
    console.log(
      `  reopen with the log (${logBatches} batches)              ${median(after).toFixed(0)} ms median (${after.map((x) => x.toFixed(0)).join(", ")}); ${afterCpu.toFixed(0)} ms of CPU`,
    );
    const bytes = diskBytes(dir);
    console.log(`  database size                                    ${(bytes / 2 ** 20).toFixed(0)} MiB (${(bytes / slots).toFixed(0)} B/slot)`);
    Object.assign(extras, {
      "store.commitTxPerSecond": chainRate,
      "store.engineTxPerSecond": engineRate,
      "store.commitOverEngine": chainRate / engineRate,
      "store.writeBytesPerCommit": writePerCommit,
      "store.commitMsMean": meanCommitMs,
      "store.commitMsMax": maxCommitMs,
      "store.reopenMs": Math.max(median(leaves), median(after)),
      "store.reopenCpuMs": Math.max(leavesCpu, afterCpu),
    });
    if (withDurable) Object.assign(extras, await durableEndToEnd({ quick }, slots));
    return {
      store: {
        slots,
        genesisCommitMs: genesisMs,
        reopenLeavesMs: leaves,
        reopenFullMs: full,
        reopenAfterBatchesMs: after,
        reopenLeavesCpuMs: leavesCpu,
        reopenAfterBatchesCpuMs: afterCpu,
        reopenLeavesMedianMs: median(leaves),
        reopenFullMedianMs: median(full),
        applyEngineTxPerSecond: engineRate,
        applyChainTxPerSecond: chainRate,
        writeBytesPerCommit: writePerCommit,
        databaseBytes: bytes,
      },
      extras,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The durable node's real path: DA bytes of signed transfers → decoded → signers recovered on a
 * RecoverPool of every core (batch k+1 while batch k executes and commits) → applied → committed
 * with fsync, on a fresh chain of `slots` slots. Efficiency is against cores × the single-core
 * recovery rate of the pool's backend, measured here in the same run.
 */
export async function durableEndToEnd({ quick }, slots) {
  const size = 10_000;
  const rounds = quick ? 3 : 6;
  const cores = availableParallelism();
  const dir = mkdtempSync(join(tmpdir(), "l2engine-bench-durable-"));
  try {
    console.log(
      `\n## durable end to end: DA bytes → decode → recover (${cores} workers, ${nodeRecovery.name}) → apply → LMDB commit, ${rounds} × ${size} transfers on ${slots} slots`,
    );
    const stride = Math.floor(slots / size);
    const t0 = performance.now();
    const posted = Array.from({ length: rounds }, (_, k) => {
      const txs = Array.from({ length: size }, (_, i) => {
        const from = i * stride;
        const to = ((from * 7919 + 2 * k + 2) % (slots / 2)) * 2 + (from % 2);
        return fastSign({ type: "transfer", from, to, amount: 1n, fee: 0n, nonce: BigInt(k) });
      });
      return encodeBatch({ feePairs: [], txs });
    });
    console.log(`  signed and encoded in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${(posted[0].length / size).toFixed(1)} DA bytes per transfer`);
    // the pool's backend alone on this thread: the ceiling each worker could reach
    const sample = decodeBatch(posted[0]).txs;
    const backend = secp256k1NativeRecovery ?? nodeRecovery;
    let n = 0;
    const r0 = performance.now();
    const singleCpuMs = cpuTime(() => {
      while (performance.now() - r0 < (quick ? 700 : 2000)) recoverTransactionSigner(sample[n++ % size], DOMAIN, backend);
    });
    const single = (n / (performance.now() - r0)) * 1000;
    const singlePerCpuSecond = (n / singleCpuMs) * 1000;
    console.log(`  single-core recovery (${backend.name})             ${(single / 1000).toFixed(1)}k tx/s`);

    const chain = Chain.open({ store: LmdbStore.open(dir), genesis: genesisOf(slots), ...DOMAIN, recovery: nodeRecovery });
    const pool = new RecoverPool({ domain: DOMAIN, threads: cores });
    await pool.recover(sample.slice(0, 2000)); // warm the workers (JIT, binary load)
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    const decode = (k) => decodeBatch(posted[k]);
    let next = decode(0);
    let pending = pool.recover(next.txs);
    let ok = 0;
    const phase = { wait: 0, decode: 0, apply: 0 };
    for (let k = 0; k < rounds; k++) {
      const batch = { feePairs: next.feePairs, l1Messages: [], txs: next.txs };
      let t = performance.now();
      const signers = await pending;
      phase.wait += performance.now() - t;
      if (k + 1 < rounds) {
        t = performance.now();
        next = decode(k + 1);
        pending = pool.recover(next.txs);
        phase.decode += performance.now() - t;
      }
      t = performance.now();
      const res = chain.applyBatch(onInbox(chain, batch), { signers });
      phase.apply += performance.now() - t;
      ok += res.receipts.filter((x) => x.status === 0).length;
    }
    console.log(
      `  main thread per batch: waiting for signers ${(phase.wait / rounds).toFixed(0)} ms, decode + hand to the pool ${(phase.decode / rounds).toFixed(0)} ms, apply + commit ${(phase.apply / rounds).toFixed(0)} ms`,
    );
    const rate = (rounds * size) / ((performance.now() - start) / 1000);
    const cpu = process.cpuUsage(cpu0);
    // transactions per CPU-second of the whole process (workers included) against the backend's own
    // rate per CPU-second: the share of the CPU that went into recovery, whatever else the machine runs
    const cpuEfficiency = (rounds * size) / ((cpu.user + cpu.system) / 1e6) / singlePerCpuSecond;
    await pool.close();
    chain.close();
    if (ok !== rounds * size) throw new Error(`durable end to end: only ${ok}/${rounds * size} transfers succeeded`);
    const efficiency = rate / (cores * single);
    console.log(
      `  end to end, durable                              ${(rate / 1000).toFixed(1)}k tx/s = ${(efficiency * 100).toFixed(0)}% of ${cores} × ${(single / 1000).toFixed(1)}k; per CPU-second ${(cpuEfficiency * 100).toFixed(0)}% of the backend's`,
    );
    return {
      "endToEnd.durable.txPerSecond": rate,
      "endToEnd.durable.efficiency": efficiency,
      "endToEnd.durable.cpuEfficiency": cpuEfficiency,
      "endToEnd.durable.cores": cores,
      "endToEnd.durable.singleCoreRecoveryTxPerSecond": single,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const quick = process.argv.includes("--quick");
  // --store-only: the store's figures without the durable end-to-end case
  const { extras } = await storeSuites({ quick, durable: !process.argv.includes("--store-only") });
  console.log("\n## extras");
  for (const [k, v] of Object.entries(extras)) console.log(`  ${k.padEnd(48)} ${Number.isInteger(v) ? v : v.toFixed(3)}`);
}
