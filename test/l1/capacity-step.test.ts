// The one reason the random differential cannot reach: CAPACITY (15) needs a state of 2^24 slots.
// A step proof is stateless, so a sparse pre-state does: slotCount = 2^24 with only the witness
// leaves set (every other leaf is unconstrained by the proof). Both verifiers — the WASM core and
// StepVerifier.sol — must give the same post for the entries that create slots, and the post must
// be the one SPEC §6 fixes: the nonce consumed (transferToNew, createPool, addLiquidity with a new
// LP slot) or the deposit refunded as a withdrawal, nothing created.
import { describe, expect, it } from "vitest";
import type { Hex } from "viem";
import { keccak_256 } from "@noble/hashes/sha3.js";
import {
  WasmCore,
  addressOf,
  domainSeparator,
  encodeSlot,
  encodeStepProof,
  signTransaction,
  verifyStep,
  MAX_SLOTS,
  type L1Message,
  type SignedTx,
  type Slot,
  type StepProof,
  type Tx,
} from "../../src/index.js";
import { referenceComputeProofRoot } from "../../src/reference.js";
import { nodeRecovery } from "../../src/node.js";
import { InProcessEvm, artifact } from "./evm.js";
import { concat, entryOf, hex, messageOf } from "./step-builder.js";

const domain = { chainId: 1n, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Hex };
const DS = domainSeparator(domain);
const KEY = `0x${"0b".padStart(64, "0")}` as Hex;
const ALICE = addressOf(KEY);
const EMPTY_ROOT = hex(referenceComputeProofRoot({}, allZeroProof([0]), [new Uint8Array(32)]));

/** A §3.3 multiproof of `indices` in a tree whose other leaves are all zero: every sibling elided. */
function allZeroProof(indices: number[]): Uint8Array {
  let positions = 0;
  let level = indices;
  for (let l = 0; l < 16; l++) {
    const parents = [...new Set(level.map((i) => Math.floor(i / 4)))];
    positions += 4 * parents.length - level.length;
    level = parents;
  }
  const bitmap = new Uint8Array(Math.ceil(positions / 8));
  for (let j = 0; j < positions; j++) bitmap[j >> 3]! |= 1 << (j & 7);
  const head = new Uint8Array(4 + 4 * indices.length);
  const view = new DataView(head.buffer);
  view.setUint32(0, indices.length, true);
  indices.forEach((i, k) => view.setUint32(4 + 4 * k, i, true));
  return concat(head, bitmap);
}

/** A full state of MAX_SLOTS slots, of which only `witness` is known. */
function proofOf(witness: { index: number; slot: Slot }[], withdrawal: boolean): StepProof {
  const indices = witness.map((w) => w.index);
  // an empty witness proves nothing about the tree: any root will do
  const slotProof = indices.length > 0 ? allZeroProof(indices) : new Uint8Array(0);
  const treeRoot =
    indices.length > 0
      ? hex(
          referenceComputeProofRoot(
            {},
            slotProof,
            witness.map((w) => keccak_256(encodeSlot(w.slot))),
          ),
        )
      : hex(keccak_256(new Uint8Array([42])));
  return {
    treeRoot,
    slotCount: MAX_SLOTS,
    withdrawalsRoot: EMPTY_ROOT,
    withdrawalCount: 0,
    baseSlotCount: MAX_SLOTS,
    fees: [{ token: 1, slot: 0, owed: 0n }],
    witness,
    slotProof,
    withdrawalProof: withdrawal ? allZeroProof([0]) : null,
  };
}

const sign = (tx: Tx) => signTransaction(tx, KEY, domain) as SignedTx;
const mine = (token: number, balance = 10n ** 21n, nonce = 0n): Slot => ({ owner: ALICE, token, balance, nonce });

describe("CAPACITY (reason 15) on a 2^24-slot state, WASM core and StepVerifier.sol", () => {
  it("refuses every slot-creating entry with the same post on both verifiers", async () => {
    const core = WasmCore.createSync();
    const evm = await InProcessEvm.create();
    const verifier = await evm.deploy(artifact("StepVerifier"));
    const cases: { name: string; entry: SignedTx | L1Message; proof: StepProof }[] = [
      {
        name: "transferToNew",
        entry: sign({ type: "transferToNew", from: 5, toOwner: `0x${"77".repeat(20)}`, amount: 10n, fee: 0n, nonce: 3n }),
        proof: proofOf([{ index: 5, slot: mine(1, 10n ** 21n, 3n) }], false),
      },
      {
        name: "createPool",
        entry: sign({ type: "createPool", fromA: 5, fromB: 9, amountA: 10n ** 6n, amountB: 10n ** 6n, feeBps: 30, nonce: 0n }),
        proof: proofOf(
          [
            { index: 5, slot: mine(1) },
            { index: 9, slot: mine(2) },
          ],
          false,
        ),
      },
      {
        name: "deposit without a slot",
        entry: { kind: "deposit", owner: ALICE, token: 1, amount: 7n },
        proof: proofOf([], true),
      },
    ];
    for (const c of cases) {
      const bytes = encodeStepProof(c.proof);
      const wasm = verifyStep(bytes, c.entry, domain, { core, recovery: nodeRecovery });
      expect(wasm.status, c.name).toBe(15);
      if ("kind" in c.entry) {
        const message = messageOf(c.entry, 1n);
        const record = hex(keccak_256(message));
        const r = await verifier.call<Hex>("verifyMessage", [hex(DS), wasm.pre, hex(message), record, hex(bytes)]);
        expect(r.ok, c.name).toBe(true);
        expect(r.value, c.name).toBe(wasm.post);
      } else {
        const r = await verifier.call<Hex>("verifyTransaction", [hex(DS), wasm.pre, entryOf(c.entry), hex(bytes)]);
        expect(r.ok, c.name).toBe(true);
        expect(r.value, c.name).toBe(wasm.post);
      }
      // the post is not the pre: a nonce was consumed or a refund appended
      expect(wasm.post, c.name).not.toBe(wasm.pre);
    }
    // one below the limit, the same transfer-to-new creates its slot: the refusal is the limit's
    const below = proofOf([{ index: 5, slot: mine(1, 10n ** 21n, 3n) }], false);
    below.slotCount = MAX_SLOTS - 1;
    below.baseSlotCount = MAX_SLOTS - 1;
    const created = { ...below, witness: [...below.witness, { index: MAX_SLOTS - 1, slot: null }], slotProof: allZeroProof([5, MAX_SLOTS - 1]) };
    const v = verifyStep(encodeStepProof(created), cases[0]!.entry as SignedTx, domain, { core, recovery: nodeRecovery });
    expect(v.status).toBe(0);
  }, 120_000);
});
