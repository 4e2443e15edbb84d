// The durable store: reopening a chain from LMDB (the target: a 1M-slot state in under a
// second) with stored leaves vs rehashing every slot, and what committing each batch costs on top
// of executing it. Wall-clock samples (median of several runs): benchmark.js is built for
// operations that take micro- to milliseconds, not half a second of setup each.

import { mkdtempSync, rmSync, statSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Chain, LmdbStore } from "../dist/node.js";

const DOMAIN = { chainId: 1n, verifyingContract: "0x" + "22".repeat(20) };
const OWNERS = 1000;
const ADDRS = Array.from({ length: OWNERS }, (_, i) => "0x" + "ab" + (i + 1).toString(16).padStart(38, "0"));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (fn) => {
  const t0 = performance.now();
  const v = fn();
  return [performance.now() - t0, v];
};

/** Transfer batches over distinct slots, each valid after the previous (nonces counted here). */
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
      txs.push({ type: "transfer", from, to: (from * 31 + 2) % (slots - 2), amount: 1n, fee: 0n, nonce, signature: "0x" });
      signers.push(ADDRS[from % OWNERS]);
    }
    // a transfer needs both slots to hold one token: keep `to` on the same parity as `from`
    for (const tx of txs) if ((tx.to - tx.from) % 2 !== 0) tx.to = tx.to === 0 ? 2 : tx.to - 1;
    out.push({ batch: { feePairs: [], l1Messages: [], txs }, signers });
  }
  return out;
}

function diskBytes(dir) {
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

export function storeSuites({ quick }) {
  const slots = quick ? 1 << 17 : 1 << 20;
  console.log(`\n## LMDB store: ${slots} slots`);
  const dir = mkdtempSync(join(tmpdir(), "l2engine-bench-store-"));
  try {
    const genesis = Array.from({ length: slots }, (_, i) => ({ owner: ADDRS[i % OWNERS], token: 1 + (i % 2), balance: 10n ** 24n + BigInt(i), nonce: 0n }));
    const [genesisMs, root] = time(() => {
      const chain = Chain.open({ store: LmdbStore.open(dir), genesis, ...DOMAIN });
      const r = chain.head.stateRoot;
      chain.close();
      return r;
    });
    const reopen = (verify) =>
      time(() => {
        const chain = Chain.open({ store: LmdbStore.open(dir), ...DOMAIN, verify });
        if (chain.state.stateRoot() !== root) throw new Error("reopened to another root");
        chain.close();
      })[0];
    reopen("leaves"); // compile the core and warm the page cache once
    const leaves = Array.from({ length: quick ? 3 : 7 }, () => reopen("leaves"));
    const full = Array.from({ length: quick ? 2 : 5 }, () => reopen("full"));
    console.log(`  genesis commit                                   ${genesisMs.toFixed(0)} ms`);
    console.log(`  reopen, inner nodes over stored leaves (default) ${median(leaves).toFixed(0)} ms median (${leaves.map((x) => x.toFixed(0)).join(", ")})`);
    console.log(`  reopen, every slot rehashed (verify: "full")     ${median(full).toFixed(0)} ms median (${full.map((x) => x.toFixed(0)).join(", ")})`);

    // commit cost: the same batches on the chain and on a fork of its engine that never commits
    const chain = Chain.open({ store: LmdbStore.open(dir), ...DOMAIN });
    const engine = chain.state.fork();
    const batches = transferBatches(slots, quick ? 3 : 8, 10_000);
    let engineMs = 0;
    let chainMs = 0;
    for (const { batch, signers } of batches) {
      const [e, r1] = time(() => engine.applyBatch(batch, { signers }));
      const [c, r2] = time(() => chain.applyBatch({ ...batch, inbox: { start: chain.head.nextInbox, count: batch.l1Messages.length } }, { signers }));
      if (r1.postStateRoot !== r2.postStateRoot || r1.receipts.some((r) => r.status !== 0)) throw new Error("store bench batches diverged or failed");
      engineMs += e;
      chainMs += c;
    }
    const txs = batches.length * 10_000;
    const engineRate = (txs / engineMs) * 1000;
    const chainRate = (txs / chainMs) * 1000;
    console.log(`  10k-transfer batches, engine only                ${(engineRate / 1000).toFixed(1)}k tx/s`);
    console.log(`  the same through Chain (execute + LMDB commit)   ${(chainRate / 1000).toFixed(1)}k tx/s`);
    engine.dispose();
    chain.close();
    const bytes = diskBytes(dir);
    console.log(`  database size                                    ${(bytes / 2 ** 20).toFixed(0)} MiB (${(bytes / slots).toFixed(0)} B/slot)`);
    return {
      store: {
        slots,
        genesisCommitMs: genesisMs,
        reopenLeavesMs: leaves,
        reopenFullMs: full,
        reopenLeavesMedianMs: median(leaves),
        reopenFullMedianMs: median(full),
        applyEngineTxPerSecond: engineRate,
        applyChainTxPerSecond: chainRate,
        databaseBytes: bytes,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
