// The state transition: (a) 10,000-transaction batches with senders already recovered, WASM
// engine vs the TS reference, for transfers and a mixed workload on a 2^20-slot state (2^16 in
// quick mode); (b) end to end with signature recovery on 1 and 2 worker threads.
//
// Each engine gets its own transaction objects; every slot signs at most once per batch, so a
// run only bumps every nonce by one in place and the same batch stays valid run after run.

import {
  Engine,
  ReferenceEngine,
  RecoverPool,
  addressOf,
  recoverTransactionSigner,
  secp256k1WasmRecovery,
  secp256k1NativeRecovery,
  nodeRecovery,
  txDigest,
  fromHex,
  toHex,
} from "../dist/node.js";
import { signRecoverable } from "tiny-secp256k1";
import { runSuite } from "./lib.js";

const DOMAIN = { chainId: 1n, verifyingContract: "0x" + "11".repeat(20) };
const OWNERS = 1000;
const KEYS = Array.from({ length: OWNERS }, (_, i) => "0x" + (i + 1).toString(16).padStart(64, "0"));
const ADDRS = KEYS.map(addressOf);
const TOKENS = 2;

/** Slots 2k and 2k + 1 belong to owner k % OWNERS and hold tokens 1 and 2. */
const ownerOf = (slot) => Math.floor(slot / 2) % OWNERS;
function genesis(slots) {
  return Array.from({ length: slots }, (_, i) => ({ owner: ADDRS[ownerOf(i)], token: 1 + (i % TOKENS), balance: 10n ** 30n, nonce: 0n }));
}

/** Creates 4 pools (tokens 1/2) owned by owners 0..3 through a real batch; returns their first slots. */
function createPools(apply, first) {
  const txs = [0, 1, 2, 3].map((o) => ({
    type: "createPool",
    fromA: pickSlot(o, 1),
    fromB: pickSlot(o, 2),
    amountA: 10n ** 24n,
    amountB: 10n ** 24n,
    feeBps: 30,
    nonce: 0n,
    signature: "0x",
  }));
  const res = apply(
    { feePairs: [], l1Messages: [], txs },
    txs.map((_, o) => ADDRS[o]),
  );
  if (!res.receipts.every((r) => r.status === 0)) throw new Error("pool creation failed");
  return [0, 1, 2, 3].map((k) => first + 4 * k);
}

/** Signs like signTransaction, with libsecp256k1 for speed (bench setup only): low-s, v = 27/28. */
const KEY_BYTES = KEYS.map((k) => fromHex(k));
function fastSign(tx, owner) {
  const { signature, recoveryId } = signRecoverable(txDigest(tx, DOMAIN), KEY_BYTES[owner]);
  return { ...tx, signature: `${toHex(signature)}${(27 + recoveryId).toString(16)}` };
}

/** The first slot of `owner` holding `token` in the genesis layout. */
const pickSlot = (owner, token) => 2 * owner + token - 1;

/** A workload of `size` entries over `slots` slots; returns {batch, signers, bump}. */
function workload(kind, size, slots, pools, nonceOf) {
  const txs = [];
  const signers = [];
  const l1Messages = [];
  // distinct authorizing slots, spread over the state, skipping owners 0..3 (pool creators)
  const stride = Math.max(1, Math.floor((slots - 2 * OWNERS) / size));
  let next = 2 * OWNERS;
  const fresh = () => {
    const s = next;
    next += stride;
    return s;
  };
  for (let i = 0; i < size; i++) {
    const r = kind === "transfer" ? 0 : i % 10;
    if (r < 6) {
      const from = fresh();
      const to = ((from * 7919 + 13) % (slots / 2)) * 2 + (from % 2); // same token, random owner
      txs.push({ type: "transfer", from, to, amount: 1000n, fee: 1n, nonce: 0n, signature: "0x" });
      signers.push(ADDRS[ownerOf(from)]);
    } else if (r < 8) {
      const from = fresh();
      const pool = pools[i % pools.length];
      const to = from ^ 1; // the same owner's slot of the other token
      txs.push({ type: "swap", pool, from, to, amountIn: 10n ** 15n, minOut: 0n, nonce: 0n, signature: "0x" });
      signers.push(ADDRS[ownerOf(from)]);
    } else if (r < 9) {
      const from = fresh();
      txs.push({ type: "withdraw", from, amount: 1000n, fee: 1n, nonce: 0n, signature: "0x" });
      signers.push(ADDRS[ownerOf(from)]);
    } else {
      const slot = (i * 104729) % slots;
      l1Messages.push({ kind: "deposit", owner: ADDRS[ownerOf(slot)], token: 1 + (slot % TOKENS), amount: 10n ** 18n, slot });
    }
  }
  // every authorizing slot appears once, so run k uses nonce (its nonce now) + k
  const authorizing = txs.map((tx) => tx.from);
  const base = authorizing.map(nonceOf);
  let round = 0n;
  return {
    batch: {
      feePairs: [
        { token: 1, slot: 0 },
        { token: 2, slot: 1 },
      ],
      l1Messages,
      txs,
    },
    signers,
    bump() {
      for (let i = 0; i < txs.length; i++) txs[i].nonce = base[i] + round;
      round++;
    },
  };
}

export function engineSuites({ quick }) {
  const slots = quick ? 1 << 16 : 1 << 20;
  const size = quick ? 2000 : 10_000;
  const results = [];
  const extras = {};
  const log2 = Math.log2(slots);
  const title = (kind) => `${kind} batches of ${size}, senders recovered, 2^${log2} slots`;
  // The two engines are measured one after the other so that neither runs with the other's heap
  // alive: the reference's ~1M slot objects and Map-based tree would tax every GC of the WASM runs.
  console.log(`\n(engine: building a 2^${log2}-slot genesis in WASM …)`);
  const wasm = Engine.create({ genesis: genesis(slots), ...DOMAIN });
  const pools = createPools((b, signers) => wasm.applyBatch(b, { signers }), slots);
  const perm = () => wasm.core.instance.exports.keccakPermutations();
  for (const kind of ["transfer", "mixed"]) {
    const w = workload(kind, size, slots, pools, (i) => wasm.getSlot(i).nonce);
    w.bump();
    const p0 = perm();
    const check = wasm.applyBatch(w.batch, { signers: w.signers });
    const perTx = (perm() - p0) / size;
    const ok = check.receipts.filter((x) => x.status === 0).length;
    if (ok !== check.receipts.length) throw new Error(`${kind}: only ${ok}/${check.receipts.length} entries succeeded`);
    extras[`${kind}.permutationsPerTx`] = perTx;
    console.log(`  ${kind}: ${ok}/${check.receipts.length} entries succeed; ${perTx.toFixed(2)} keccak permutations per entry`);
    const cases = [
      {
        name: "l2engine WASM engine",
        unit: "tx/s",
        opsPerCall: size,
        fn: () => {
          w.bump();
          wasm.applyBatch(w.batch, { signers: w.signers });
        },
      },
    ];
    // the cost of a dispute trace: the same batches, with a step commitment after every entry
    if (kind === "transfer") {
      cases.push({
        name: "l2engine WASM engine, traceBatch",
        unit: "tx/s",
        opsPerCall: size,
        minSamples: quick ? 2 : 4,
        fn: () => {
          w.bump();
          wasm.traceBatch(w.batch, { signers: w.signers });
        },
      });
    }
    results.push(...runSuite(title(kind), cases, { quick }));
  }
  console.log(`\n(engine: building the same genesis in the TS reference …)`);
  let ref = new ReferenceEngine(genesis(slots));
  createPools((b, signers) => ref.applyBatch(b, signers), slots);
  for (const kind of ["transfer", "mixed"]) {
    const r = workload(kind, size, slots, pools, (i) => ref.slots[i].nonce);
    results.push(
      ...runSuite(
        title(kind),
        [
          {
            name: "TS reference engine",
            unit: "tx/s",
            opsPerCall: size,
            minSamples: quick ? 2 : 3,
            maxTime: quick ? 1 : 2,
            fn: () => {
              r.bump();
              ref.applyBatch(r.batch, r.signers);
            },
          },
        ],
        { quick },
      ),
    );
  }
  ref = undefined; // let the reference's heap go before the recovery runs
  return { results, extras, wasm, pools };
}

/** (b): signature recovery + execution, pipelined; and the single-core recovery rate. */
export async function recoverySuites({ quick }, wasm) {
  const size = quick ? 1000 : 10_000;
  const rounds = quick ? 3 : 6;
  const results = [];
  const extras = {};
  // two disjoint ranges of slots (one per thread count), each signing `rounds` batches
  const ranges = [2 * OWNERS + 7, 2 * OWNERS + 7 + size + 11];
  console.log(`\n(recovery: signing 2 × ${rounds} × ${size} transfers …)`);
  const t0 = performance.now();
  const signedFor = ranges.map((base) => {
    const nonces = Array.from({ length: size }, (_, i) => wasm.getSlot(base + i).nonce);
    return Array.from({ length: rounds }, (_, k) =>
      Array.from({ length: size }, (_, i) => {
        const from = base + i;
        return fastSign({ type: "transfer", from, to: from + TOKENS, amount: 1n, fee: 0n, nonce: nonces[i] + BigInt(k) }, ownerOf(from));
      }),
    );
  });
  console.log(`  signed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  let s = 0;
  const sample = signedFor[0][0];
  const cases = [
    { name: "tiny-secp256k1 (libsecp256k1 in WASM)", unit: "tx/s", fn: () => recoverTransactionSigner(sample[s++ % size], DOMAIN, secp256k1WasmRecovery) },
  ];
  if (secp256k1NativeRecovery) {
    cases.push({
      name: "secp256k1 (native libsecp256k1, N-API)",
      unit: "tx/s",
      fn: () => recoverTransactionSigner(sample[s++ % size], DOMAIN, secp256k1NativeRecovery),
    });
  }
  results.push(...runSuite("signature recovery on one core (EIP-712 digest + ecrecover + address)", cases, { quick }));
  extras["recovery.wasm.singleCore.txPerSecond"] = results[0].perSecond;
  if (secp256k1NativeRecovery) extras["recovery.native.singleCore.txPerSecond"] = results[1].perSecond;
  // the pool's workers use the Node default (native where it loads): efficiency is against that rate
  const single = secp256k1NativeRecovery ? results[1].perSecond : results[0].perSecond;
  extras["recovery.singleCore.txPerSecond"] = single;
  console.log(`  the worker pool uses ${nodeRecovery.name}`);
  console.log(`\n## end to end: recover on worker threads while the engine applies (${rounds} batches of ${size})`);
  for (const threads of [1, 2]) {
    const signed = signedFor[threads - 1];
    const pool = new RecoverPool({ domain: DOMAIN, threads });
    await pool.recover(signed[0]); // warm the workers (JIT, WASM compile): recovery has no side effects
    const start = performance.now();
    let pending = pool.recover(signed[0]);
    let ok = 0;
    for (let k = 0; k < rounds; k++) {
      const signers = await pending;
      if (k + 1 < rounds) pending = pool.recover(signed[k + 1]);
      const res = wasm.applyBatch({ feePairs: [], l1Messages: [], txs: signed[k] }, { signers });
      ok += res.receipts.filter((x) => x.status === 0).length;
    }
    const rate = (rounds * size) / ((performance.now() - start) / 1000);
    await pool.close();
    const efficiency = rate / (threads * single);
    extras[`endToEnd.threads${threads}.txPerSecond`] = rate;
    extras[`endToEnd.threads${threads}.efficiency`] = efficiency;
    console.log(
      `  ${threads} worker(s): ${rate.toFixed(0)} tx/s end to end (${ok}/${rounds * size} ok) = ${(efficiency * 100).toFixed(1)}% of ${threads} × ${single.toFixed(0)}/s`,
    );
    if (ok !== rounds * size) throw new Error("end-to-end batches failed");
  }
  return { results, extras };
}
