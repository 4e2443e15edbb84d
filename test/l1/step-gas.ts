// Gas of one step on L1, per entry type, on a large state: `l1.stepGas.<type>.execution` (the
// StepVerifier call given the entry — the step without its binding, as issue 11 counts it) and
// `.total` (the whole transaction: 21,000 + EIP-7623 calldata, evm.ts's wholeTxGas);
// `l1.stepGasBound.<type>.*` the same step through OneStepProver.verifyStep, which also binds the
// entry to the posted batch; and `l1.stepProofBytes.<type>`. Each step is
// the only entry of its batch, so its binding is the smallest (a one-transaction batch's DA bytes,
// ~100 bytes); `l1.bindGas.max` (gas.ts) is what the largest batch adds to a transaction step.
import { encodeFunctionData, type Hex } from "viem";
import {
  Engine,
  addressOf,
  domainSeparator,
  encodeStepProof,
  proveSteps,
  signTransaction,
  type Batch,
  type L1Message,
  type SignedTx,
  type Slot,
  type Tx,
} from "../../src/index.js";
import { nodeRecovery } from "../../src/node.js";
import { InProcessEvm, artifact, wholeTxGas } from "./evm.js";
import { TEST_DOMAIN, TEST_KEYS, bindingOf, postBatch, verifyStepArgs } from "./glue.js";
import { entryOf, hex } from "./step-builder.js";

export const STEP_TYPES = [
  "deposit",
  "forcedExit",
  "transfer",
  "transferToNew",
  "withdraw",
  "createPool",
  "addLiquidity",
  "removeLiquidity",
  "swap",
  "settlement",
] as const;
export type StepType = (typeof STEP_TYPES)[number];

export interface StepGas {
  /** The step alone: StepVerifier given the entry (issue 11's "not counting the entry binding"). */
  execution: number;
  total: number;
  /** The same step through OneStepProver.verifyStep, which also binds the entry to the posted batch. */
  boundExecution: number;
  boundTotal: number;
  proofBytes: number;
  calldataBytes: number;
}

/**
 * Measures every step type on a state of `slots` slots (filler owners, every sibling non-zero) plus
 * a pool created by a setup batch. Every measured step succeeds (checked through the WASM trace).
 */
export async function measureStepGas(slots = 1 << 20): Promise<{ slots: number; steps: Record<StepType, StepGas> }> {
  const owners = TEST_KEYS.map(addressOf);
  const [alice, bob] = owners as [Hex, Hex];
  const A1 = 12_345 % slots,
    B1 = (slots * 15) >> 4,
    A2 = (slots * 3) >> 2,
    FEE = 42;
  const genesis: Slot[] = Array.from({ length: slots }, (_, i) => ({
    owner: `0x${(0x10000000 + i).toString(16).padStart(40, "f")}` as Hex,
    token: 1 + (i % 2),
    balance: 10n ** 24n,
    nonce: 0n,
  }));
  genesis[A1] = { owner: alice, token: 1, balance: 10n ** 24n, nonce: 5n };
  genesis[B1] = { owner: bob, token: 1, balance: 10n ** 20n, nonce: 0n };
  genesis[A2] = { owner: alice, token: 2, balance: 10n ** 24n, nonce: 0n };
  genesis[FEE] = { owner: owners[2]!, token: 1, balance: 10n ** 18n, nonce: 0n };
  const engine = Engine.create({ genesis, ...TEST_DOMAIN, recovery: nodeRecovery });
  try {
    const sign = (tx: Tx) => signTransaction(tx, TEST_KEYS[0]!, TEST_DOMAIN) as SignedTx;
    const feePairs = [{ token: 1, slot: FEE }];
    // setup: a pool (slots `slots` … `slots` + 2) and alice's LP slot `slots` + 3
    const pool = slots;
    const setup: Batch = {
      feePairs,
      l1Messages: [],
      txs: [sign({ type: "createPool", fromA: A1, fromB: A2, amountA: 10n ** 22n, amountB: 10n ** 22n, feeBps: 30, nonce: 5n })],
    };
    if (engine.applyBatch(setup).receipts[0]!.status !== 0) throw new Error("measureStepGas: the setup pool was not created");
    const n = () => engine.getSlot(A1).nonce;
    const one = (entry: L1Message | Tx): Batch =>
      "kind" in entry ? { feePairs, l1Messages: [entry], txs: [] } : { feePairs, l1Messages: [], txs: [sign(entry)] };
    const batches: [StepType, Batch][] = [
      ["deposit", one({ kind: "deposit", owner: bob, token: 1, amount: 5n * 10n ** 17n, slot: B1 })],
      ["forcedExit", one({ kind: "forcedExit", owner: alice, slot: A1 })],
      ["transfer", one({ type: "transfer", from: A1, to: B1, amount: 10n ** 18n, fee: 10n ** 15n, nonce: n() })],
      ["transferToNew", one({ type: "transferToNew", from: A1, toOwner: owners[3]!, amount: 10n ** 18n, fee: 10n ** 15n, nonce: n() })],
      ["withdraw", one({ type: "withdraw", from: A1, amount: 10n ** 18n, fee: 10n ** 15n, nonce: n() })],
      ["createPool", one({ type: "createPool", fromA: A1, fromB: A2, amountA: 10n ** 20n, amountB: 10n ** 20n, feeBps: 5, nonce: n() })],
      [
        "addLiquidity",
        one({ type: "addLiquidity", pool, fromA: A1, fromB: A2, lpSlot: pool + 3, amountA: 10n ** 20n, amountB: 10n ** 20n, minShares: 0n, nonce: n() }),
      ],
      [
        "removeLiquidity",
        one({
          type: "removeLiquidity",
          pool,
          lpSlot: pool + 3,
          toA: A1,
          toB: A2,
          shares: 10n ** 18n,
          minA: 0n,
          minB: 0n,
          nonce: engine.getSlot(pool + 3).nonce,
        }),
      ], // the LP slot authorizes
      ["swap", one({ type: "swap", pool, from: A1, to: A2, amountIn: 10n ** 20n, minOut: 0n, nonce: n() })],
    ];
    const evm = await InProcessEvm.create();
    const verifier = await evm.deploy(artifact("StepVerifier"));
    const prover = await evm.deploy(artifact("OneStepProver"), [verifier.address.toString()]);
    const ds = domainSeparator(TEST_DOMAIN);
    const out = {} as Record<StepType, StepGas>;
    const measure = async (type: StepType, batch: Batch, j: number, proof: Uint8Array, pre: Hex, post: Hex) => {
      const posted = postBatch(batch);
      const args = verifyStepArgs(ds, pre, posted, j, proof);
      const r = await prover.call<Hex>("verifyStep", args);
      if (!r.ok || r.value !== post) throw new Error(`measureStepGas: ${type} did not verify on the EVM`);
      const data = encodeFunctionData({ abi: prover.abi, functionName: "verifyStep", args } as never);
      // the step alone, on the verifier's own entry points: what the step budget counts
      const { binding, inboxRecord } = bindingOf(posted, j);
      const entry = batch.l1Messages.length > j ? null : batch.txs[j - batch.l1Messages.length];
      const [fn, direct]: [string, readonly unknown[]] =
        type === "settlement"
          ? ["verifySettlement", [hex(ds), pre, hex(proof)]]
          : entry === undefined || entry === null
            ? ["verifyMessage", [hex(ds), pre, hex(binding), inboxRecord, hex(proof)]]
            : ["verifyTransaction", [hex(ds), pre, entryOf(entry), hex(proof)]];
      const v = await verifier.call<Hex>(fn, direct);
      if (!v.ok || v.value !== post) throw new Error(`measureStepGas: ${type} did not verify on StepVerifier.${fn}`);
      const vData = encodeFunctionData({ abi: verifier.abi, functionName: fn, args: direct } as never);
      out[type] = {
        execution: Number(v.gas),
        total: Number(wholeTxGas(vData, v.gas)),
        boundExecution: Number(r.gas),
        boundTotal: Number(wholeTxGas(data, r.gas)),
        proofBytes: proof.length,
        calldataBytes: (data.length - 2) / 2,
      };
    };
    for (const [type, batch] of batches) {
      const fork = engine.fork();
      const { steps, result } = fork.traceBatch(batch);
      fork.dispose();
      if (result.receipts[0]!.status !== 0) throw new Error(`measureStepGas: the ${type} step failed with reason ${result.receipts[0]!.status}`);
      const proofs = [...proveSteps(engine, batch)].map(encodeStepProof);
      await measure(type, batch, 0, proofs[0]!, steps[0]!, steps[1]!);
      // settlement credits the transfer's fee to the fee slot
      if (type === "transfer") await measure("settlement", batch, 1, proofs[1]!, steps[1]!, steps[2]!);
    }
    // the pool entries and the deposit were proven on a state where the others had not run: fine,
    // each batch is measured alone on the same pre-state
    return { slots, steps: out };
  } finally {
    engine.dispose();
  }
}

// `npx vite-node test/l1/step-gas.ts --json`: bench/l1.js reads this (and measureBindGas's) output
if (process.argv.includes("--json")) {
  const { measureBindGas } = await import("./gas.js");
  const slots = process.argv.includes("--quick") ? 1 << 16 : 1 << 20;
  const steps = await measureStepGas(slots);
  const bind = await measureBindGas();
  process.stdout.write(`${JSON.stringify({ steps, bind })}\n`);
}
