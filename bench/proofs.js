// Step proofs on the engine state of bench/engine.js (2^20 slots in a full run): bytes of the flat
// v1 encoding per step by entry type (the stepProofSizes table; the l1.stepProofBytes.* extras of
// every type come from bench/l1.js), proveStep time, verifyStep time (all hashes checked,
// signature recovered).

import {
  entryAt,
  proveStep,
  verifyStep,
  encodeStepProof,
  decodeStepProof,
  secp256k1WasmRecovery,
  nobleRecovery,
  txDigest,
  fromHex,
  toHex,
  addressOf,
} from "../dist/node.js";
import { signRecoverable } from "tiny-secp256k1";
import { runSuite } from "./lib.js";

const DOMAIN = { chainId: 1n, verifyingContract: "0x" + "11".repeat(20) };
const OWNERS = 1000;
const KEYS = Array.from({ length: OWNERS }, (_, i) => "0x" + (i + 1).toString(16).padStart(64, "0"));
const ownerOf = (slot) => Math.floor(slot / 2) % OWNERS;

function sign(tx) {
  const { signature, recoveryId } = signRecoverable(txDigest(tx, DOMAIN), fromHex(KEYS[ownerOf(tx.from ?? tx.fromA)]));
  return { ...tx, signature: `${toHex(signature)}${(27 + recoveryId).toString(16)}` };
}

export function proofSuites({ quick }, wasm, pools) {
  const slots = wasm.slotCount();
  const base = 4 * OWNERS + 101; // slots the other suites leave alone at this point
  const nonce = (i) => wasm.getSlot(i).nonce;
  const from = base,
    to = base + 2000 * 2 + 1 - ((base + 2000 * 2 + 1) % 2) + (base % 2);
  const txs = [
    sign({ type: "transfer", from, to: (slots >> 1) + (from % 2) + 2 * 7919, amount: 1000n, fee: 1n, nonce: nonce(from) }),
    sign({ type: "swap", pool: pools[0], from: base + 20, to: (base + 20) ^ 1, amountIn: 10n ** 15n, minOut: 0n, nonce: nonce(base + 20) }),
    sign({ type: "withdraw", from: base + 40, amount: 1000n, fee: 1n, nonce: nonce(base + 40) }),
  ];
  const batch = {
    feePairs: [
      { token: 1, slot: 0 },
      { token: 2, slot: 1 },
    ],
    l1Messages: [{ kind: "deposit", owner: addressOf(KEYS[ownerOf(base + 60)]), token: 1 + ((base + 60) % 2), amount: 10n ** 18n, slot: base + 60 }],
    txs,
  };
  const names = ["deposit (L1)", "transfer", "swap", "withdraw", "fee settlement"];
  const extras = {};
  const sizes = [];
  const proofs = [];
  console.log(`\n## step proofs on ${slots} slots (bytes of the flat v1 encoding; witness = the slots the step touches)`);
  for (let j = 0; j <= 4; j++) {
    const t = performance.now();
    const p = proveStep(wasm, batch, j);
    const ms = performance.now() - t;
    const bytes = encodeStepProof(p);
    const v = verifyStep(decodeStepProof(bytes), entryAt(batch, j).entry, DOMAIN, { core: wasm.core });
    if (v.status !== 0) throw new Error(`step ${j} (${names[j]}) failed with status ${v.status}`);
    sizes.push({ step: names[j], bytes: bytes.length, witnessSlots: p.witness.length, proveMs: ms });
    proofs.push(bytes);
    console.log(`  ${names[j].padEnd(16)} ${String(bytes.length).padStart(5)} bytes, ${p.witness.length} witness slots, proveStep ${ms.toFixed(0)} ms`);
  }
  const transfer = proofs[1];
  const entry = entryAt(batch, 1).entry;
  const results = runSuite(
    "verifyStep of a transfer (decode, every hash, signature recovery, re-execution)",
    [
      {
        name: "verifyStep, libsecp256k1 recovery",
        unit: "steps/s",
        fn: () => verifyStep(decodeStepProof(transfer), entry, DOMAIN, { core: wasm.core, recovery: secp256k1WasmRecovery }),
      },
      {
        name: "verifyStep, @noble/curves recovery (browser default)",
        unit: "steps/s",
        fn: () => verifyStep(decodeStepProof(transfer), entry, DOMAIN, { core: wasm.core, recovery: nobleRecovery }),
      },
    ],
    { quick },
  );
  return { results, sizes, extras };
}
