// The dispute path against a forger: proofs mutated at the level of meaning (fields, membership,
// counts, the step they belong to), with multiproofs re-made honestly wherever a forger could.
// A verdict must never start at the agreed C_j and end anywhere but the honest C_{j+1}: an honest
// proposer is never convicted, a dishonest one never cleared, whatever proof either side brings.
import { describe, expect, it } from "vitest";
import { Engine, withLeafTree, withdrawalLeaves } from "../src/engine/engine.js";
import { EMPTY_TREE_ROOT, MAX_WITNESS_SLOTS, proveStep, type StepProof } from "../src/dispute/step-proof.js";
import { StepReferee } from "../src/dispute/referee.js";
import { L2EngineError, ProofError } from "../src/protocol/errors.js";
import { STATE_TREE_SHAPE } from "../src/protocol/shape.js";
import { addressOf, signTransaction } from "../src/protocol/signatures.js";
import { secp256k1WasmRecovery } from "../src/node/secp256k1-wasm.js";
import type { Batch, Hex, SignedTx, Slot } from "../src/protocol/types.js";
import { Rng, signedWorkload } from "./workload.js";

const domain = { chainId: 5n, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Hex };
const KEYS = Array.from({ length: 5 }, (_, i) => `0x${(i + 21).toString(16).padStart(64, "0")}` as Hex);
const OWNERS = KEYS.map(addressOf);
const referee = new StepReferee(domain, { recovery: secp256k1WasmRecovery });
/** Under `npm run mutate` (vitest.mutate.config.ts) the forgery sweep is shorter: it runs once for every mutant it covers. */
const SWEEP_SEEDS = process.env.L2ENGINE_MUTATE === "1" ? 1 : 6;

function genesisFor(seed: number): Slot[] {
  const rng = new Rng(seed);
  return Array.from({ length: 16 }, (_, i) => ({ owner: OWNERS[i % 4]!, token: 1 + (i % 3), balance: rng.big(10n ** 24n), nonce: 0n }));
}

/** A random signed batch; some batches also list a fee pair whose slot does not exist. */
function signedBatch(seed: number, engine: Engine, size: number): Batch {
  const batch = signedWorkload(seed, engine, size, KEYS, OWNERS, domain);
  const feePairs = seed % 3 === 0 ? [...batch.feePairs, { token: 1000, slot: engine.slotCount() + 2 }] : batch.feePairs;
  return { ...batch, feePairs };
}

/** One signed transfer of 5 from slot 0 to slot 1, traced and proved. */
function oneTransfer() {
  const g: Slot[] = [
    { owner: OWNERS[0]!, token: 1, balance: 10n ** 20n, nonce: 0n },
    { owner: OWNERS[1]!, token: 1, balance: 0n, nonce: 0n },
  ];
  const engine = Engine.create({ genesis: g, ...domain });
  const tx = signTransaction({ type: "transfer", from: 0, to: 1, amount: 5n, fee: 0n, nonce: 0n }, KEYS[0]!, domain) as SignedTx;
  const batch: Batch = { feePairs: [], l1Messages: [], txs: [tx] };
  const { steps } = engine.fork().traceBatch(batch);
  return { engine, batch, steps, proof: proveStep(engine, batch, 0) };
}

/** The pre-state of step j, for re-making witnesses and withdrawal proofs as a forger could. */
function preStateOf(engine: Engine, batch: Batch, j: number) {
  const fork = engine.fork();
  const parts = fork.applyPrefix(batch, j, { signers: engine.recoverSigners(batch) });
  const witnessOf = (indices: number[]): Pick<StepProof, "witness" | "slotProof"> => {
    const sorted = [...new Set(indices)].sort((a, b) => a - b);
    return {
      witness: sorted.map((index) => ({ index, slot: index < parts.slotCount ? fork.getSlot(index) : null })),
      slotProof: sorted.length ? fork.proveSlots(sorted) : new Uint8Array(0),
    };
  };
  const withdrawalProofAt = (position: number) => withLeafTree(engine.core, withdrawalLeaves(engine.core, parts.withdrawals), (t) => t.prove([position]));
  return { fork, parts, witnessOf, withdrawalProofAt };
}

/** Meaningful forgeries of the honest proof of step j. */
function mutations(p: StepProof, pre: ReturnType<typeof preStateOf>, neighbours: StepProof[], rng: Rng): [string, StepProof][] {
  const out: [string, StepProof][] = [];
  const add = (name: string, m: Partial<StepProof>) => out.push([name, { ...p, ...m }]);
  const ix = p.witness.map((w) => w.index);
  const count = p.slotCount;
  // fee pairs: to whom fees are owed, and how much, re-witnessed honestly where a forger could
  const fees = p.fees;
  if (fees.length > 1) add("fee pairs reversed", { fees: [...fees].reverse() });
  if (fees.length > 0) {
    const other = (fees[0]!.slot + 1) % count;
    add("fee pair's slot replaced", { fees: [{ ...fees[0]!, slot: other }, ...fees.slice(1)] });
    add("fee pair's slot replaced, witness re-made", { fees: [{ ...fees[0]!, slot: other }, ...fees.slice(1)], ...pre.witnessOf([...ix, other]) });
    add("fee pair's token replaced", { fees: [{ ...fees[0]!, token: fees[0]!.token + 7 }, ...fees.slice(1)].sort((a, b) => a.token - b.token) });
    add("fee pair dropped", { fees: fees.slice(1) });
    fees.forEach((_, k) => add(`owed fee ${k} + 1`, { fees: fees.map((f, i) => (i === k ? { ...f, owed: f.owed + 1n } : f)) }));
    if (fees[0]!.slot < count && !ix.includes(fees[0]!.slot)) add("fee pair's slot witnessed", pre.witnessOf([...ix, fees[0]!.slot]));
  }
  add("fee pair added", { fees: [...fees, { token: (fees[fees.length - 1]?.token ?? 0) + 1, slot: 0, owed: 0n }] });
  for (const b of [0, p.baseSlotCount - 1, p.baseSlotCount + 1, count]) if (b >= 0 && b !== p.baseSlotCount) add(`baseSlotCount ${b}`, { baseSlotCount: b });
  // counts and roots
  add("slotCount + 1", { slotCount: count + 1 });
  if (count > 0) add("slotCount - 1", { slotCount: count - 1, baseSlotCount: Math.min(p.baseSlotCount, count - 1) });
  const remade = (position: number) => (p.withdrawalProof === null ? null : pre.withdrawalProofAt(position));
  add("withdrawalCount + 1, proof re-made", { withdrawalCount: p.withdrawalCount + 1, withdrawalProof: remade(p.withdrawalCount + 1) });
  if (p.withdrawalCount > 0) {
    add("withdrawalCount - 1", { withdrawalCount: p.withdrawalCount - 1, withdrawalProof: remade(p.withdrawalCount - 1) });
    add("withdrawals root emptied", { withdrawalsRoot: EMPTY_TREE_ROOT });
  }
  // the withdrawal proof is there exactly when the step appends a withdrawal
  if (p.withdrawalProof === null) add("withdrawal proof added", { withdrawalProof: pre.withdrawalProofAt(p.withdrawalCount) });
  else add("withdrawal proof dropped", { withdrawalProof: null });
  // membership: drop or add witness slots, re-proved honestly
  ix.forEach((i) => add(`witness ${i} dropped`, pre.witnessOf(ix.filter((x) => x !== i))));
  add("extra witness slot", pre.witnessOf([...ix, rng.int(count + 3)]));
  // existence and fields (a forger cannot re-prove these)
  p.witness.forEach((w, k) => {
    const set = (name: string, slot: Slot | null) => add(`witness ${w.index} ${name}`, { witness: p.witness.map((x, i) => (i === k ? { ...x, slot } : x)) });
    if (w.slot) {
      set("balance + 1", { ...w.slot, balance: w.slot.balance + 1n });
      set("nonce + 1", { ...w.slot, nonce: w.slot.nonce + 1n });
      set("token + 1", { ...w.slot, token: w.slot.token + 1 });
      set("owner", { ...w.slot, owner: OWNERS[(OWNERS.indexOf(w.slot.owner as Hex) + 1) % OWNERS.length]! });
      set("balance -5", { ...w.slot, balance: -5n });
      set("absent", null);
    } else {
      set("present", { owner: OWNERS[0]!, token: 1, balance: 0n, nonce: 0n });
    }
  });
  // the proofs of the neighbouring steps: the right state, the wrong moment
  neighbours.forEach((n, k) => out.push([`proof of a neighbouring step ${k}`, n]));
  // ranges and sizes: refused before anything reaches the core
  add("owed fee negative", { fees: [{ token: 1, slot: 0, owed: -1n }] });
  add("witness index 2^32", { witness: [...p.witness, { index: 2 ** 32, slot: null }] });
  add("witness too long", { witness: Array.from({ length: MAX_WITNESS_SLOTS + 1 }, (_, i) => ({ index: count + i, slot: null })) });
  add("slot proof 4 MiB", { slotProof: new Uint8Array(4 << 20) });
  add("withdrawal proof 1 MiB", { withdrawalProof: new Uint8Array(1 << 20) });
  add("tree root not hex", { treeRoot: "0x1234" as Hex });
  return out;
}

describe("the referee against forged step proofs", () => {
  it("never returns a verdict that starts at the agreed C_j and ends anywhere but the honest C_{j+1}", () => {
    const outcomes = new Map<string, number>();
    let forgeries = 0;
    for (let seed = 1; seed <= SWEEP_SEEDS; seed++) {
      const engine = Engine.create({ genesis: genesisFor(seed), ...domain, recovery: secp256k1WasmRecovery });
      const rng = new Rng(seed * 7);
      for (let b = 0; b < 2; b++) {
        const batch = signedBatch(seed * 10 + b, engine, 10);
        const tracer = engine.fork();
        const { steps } = tracer.traceBatch(batch);
        tracer.dispose();
        const entries = batch.l1Messages.length + batch.txs.length;
        const proofs = Array.from({ length: entries + 1 }, (_, j) => proveStep(engine, batch, j));
        for (let j = 0; j <= entries; j++) {
          const honestPost = steps[j + 1]!;
          const dishonestPost = steps[j]!; // a proposer claiming the step changed nothing, or anything else
          const liar = honestPost === dishonestPost ? (`0x${"ab".repeat(32)}` as Hex) : dishonestPost;
          const good = referee.judgeStep({ batch, step: j, agreed: steps[j]!, claimed: honestPost, proof: proofs[j]! });
          expect([good.post, good.convicted], `seed ${seed} batch ${b} step ${j}`).toEqual([honestPost, false]);
          const pre = preStateOf(engine, batch, j);
          const neighbours = [proofs[j - 1], proofs[j + 1]].filter((x): x is StepProof => x !== undefined);
          for (const [name, forged] of mutations(proofs[j]!, pre, neighbours, rng)) {
            for (const claimed of [honestPost, liar]) {
              let outcome: string;
              try {
                const v = referee.judgeStep({ batch, step: j, agreed: steps[j]!, claimed, proof: forged });
                expect(v.post, `${name} at step ${j}: a verdict, so the honest one`).toBe(honestPost);
                // the matrix: the honest proposer is never convicted, the dishonest one always
                expect(v.convicted, name).toBe(claimed !== honestPost);
                outcome = "same verdict";
              } catch (e) {
                expect(e, `${name}: ${String(e)}`).toBeInstanceOf(L2EngineError);
                outcome = e instanceof ProofError ? `rejected ${e.fault}` : `rejected ${(e as L2EngineError).code}`;
              }
              outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
              forgeries++;
            }
          }
          pre.fork.dispose();
        }
        engine.applyBatch(batch);
      }
      engine.dispose();
    }
    if (process.env.SHOW_OUTCOMES) console.log(forgeries, [...outcomes]);
    expect(forgeries).toBeGreaterThan(333 * SWEEP_SEEDS);
    // every class of check fires somewhere
    for (const fault of ["FIELD", "TOO_LARGE", "WITNESS", "NOT_AGREED"]) expect(outcomes.get(`rejected ${fault}`) ?? 0, fault).toBeGreaterThan(0);
  }, 300_000);

  it("binds the fee pairs: swapping their slots, with the witness re-made, no longer starts at the agreed C_j", () => {
    // on an earlier protocol C_j hashed only the owed amounts: this forgery kept pre == C_j and moved the fees
    const g: Slot[] = [
      { owner: OWNERS[0]!, token: 1, balance: 10n ** 20n, nonce: 0n },
      { owner: OWNERS[1]!, token: 1, balance: 0n, nonce: 0n },
      { owner: OWNERS[2]!, token: 2, balance: 0n, nonce: 0n },
    ];
    const engine = Engine.create({ genesis: g, ...domain });
    const tx = signTransaction({ type: "transfer", from: 0, to: 1, amount: 5n, fee: 3n, nonce: 0n }, KEYS[0]!, domain) as SignedTx;
    const batch: Batch = {
      feePairs: [
        { token: 1, slot: 1 },
        { token: 2, slot: 2 },
      ],
      l1Messages: [],
      txs: [tx],
    };
    const { steps } = engine.fork().traceBatch(batch);
    const settle = proveStep(engine, batch, 1);
    expect(settle.fees.map((f) => f.owed)).toEqual([3n, 0n]);
    expect(settle.witness.map((w) => w.index)).toEqual([1]); // only the slot that is owed something
    const { fork, witnessOf } = preStateOf(engine, batch, 1);
    const forged = {
      ...settle,
      fees: [
        { token: 1, slot: 2, owed: 3n },
        { token: 2, slot: 1, owed: 0n },
      ],
      ...witnessOf([2]),
    };
    fork.dispose();
    expect(() => referee.judgeStep({ batch, step: 1, agreed: steps[1]!, claimed: steps[2]!, proof: forged })).toThrow(
      expect.objectContaining({ fault: "NOT_AGREED" }),
    );
    expect(referee.judgeStep({ batch, step: 1, agreed: steps[1]!, claimed: steps[2]!, proof: settle }).convicted).toBe(false);
  });

  it("takes the step's entry and kind from the batch: a proof cannot turn a transaction into an L1 message", () => {
    const g: Slot[] = [
      { owner: OWNERS[0]!, token: 1, balance: 10n ** 20n, nonce: 0n },
      { owner: OWNERS[1]!, token: 1, balance: 0n, nonce: 0n },
    ];
    const engine = Engine.create({ genesis: g, ...domain });
    const tx = signTransaction({ type: "transfer", from: 0, to: 1, amount: 5n, fee: 0n, nonce: 0n }, KEYS[0]!, domain) as SignedTx;
    const batch: Batch = { feePairs: [], l1Messages: [{ kind: "deposit", owner: OWNERS[1]!, token: 1, amount: 7n, slot: 1 }], txs: [tx] };
    const { steps } = engine.fork().traceBatch(batch);
    // the deposit's proof offered for the transfer step, and the other way round
    const p0 = proveStep(engine, batch, 0);
    const p1 = proveStep(engine, batch, 1);
    for (const [step, proof] of [
      [1, p0],
      [0, p1],
    ] as const) {
      try {
        const v = referee.judgeStep({ batch, step, agreed: steps[step]!, claimed: steps[step + 1]!, proof });
        expect(v.post).toBe(steps[step + 1]);
      } catch (e) {
        expect(e).toBeInstanceOf(ProofError);
      }
    }
    expect(() => referee.judgeStep({ batch, step: 3, agreed: steps[0]!, claimed: steps[1]!, proof: p0 })).toThrow(/step must be/);
  });

  it("refuses a referee for another domain instead of convicting", () => {
    const { batch, steps, proof } = oneTransfer();
    const wrong = new StepReferee({ ...domain, chainId: 6n });
    expect(() => wrong.judgeStep({ batch, step: 0, agreed: steps[0]!, claimed: steps[1]!, proof })).toThrow(expect.objectContaining({ fault: "NOT_AGREED" }));
  });

  it("keeps hostile proofs out of any core whose state matters, and stays usable after them", () => {
    const { engine, batch, steps, proof } = oneTransfer();
    const memory = engine.core.memoryBytes();
    const huge = { ...proof, slotProof: new Uint8Array(64 << 20) };
    expect(() => referee.judgeStep({ batch, step: 0, agreed: steps[0]!, claimed: steps[1]!, proof: huge })).toThrow(
      expect.objectContaining({ fault: "TOO_LARGE" }),
    );
    expect(engine.core.memoryBytes()).toBe(memory);
    expect(referee.judgeStep({ batch, step: 0, agreed: steps[0]!, claimed: steps[1]!, proof }).convicted).toBe(false);
    expect(engine.stateRoot()).toBe(engine.fork().stateRoot());
  });
});

describe("shape of STATE_TREE_SHAPE assumed by the bounds", () => {
  it("is the 4-ary depth-16 tree", () => {
    expect(STATE_TREE_SHAPE).toEqual({ arity: 4, depth: 16 });
  });
});
