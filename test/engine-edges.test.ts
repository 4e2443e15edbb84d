// Targeted edge cases of the state transition, each run through the WASM engine and the
// reference (and compared), with the expected outcome asserted explicitly.
import { describe, expect, it } from "vitest";
import { privateKeyToAccount } from "viem/accounts";
import { Wallet } from "ethers";
import { Engine } from "../src/engine/engine.js";
import { ReferenceEngine } from "../src/reference/engine.js";
import { typedDataFor } from "../src/protocol/eip712.js";
import { addressOf, signTransaction } from "../src/protocol/signatures.js";
import { encodeWithdrawal, poolAddress } from "../src/protocol/slot-encoding.js";
import { MAX_RESERVE, MAX_U128, NEW_SLOT, Reason, type Batch, type Hex, type SignedTx, type Slot, type Tx } from "../src/protocol/types.js";
import { InvalidArgumentError } from "../src/protocol/errors.js";

const DOMAIN = { chainId: 31337n, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Hex };
const KEY_A = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" as const;
const KEY_B = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" as const;
const A = addressOf(KEY_A);
const B = addressOf(KEY_B);
const unsigned = (tx: Tx): SignedTx => ({ ...tx, signature: "0x" });

/** Applies `batch` to fresh engines over `genesis`, checks both agree, returns the result. */
function run(genesis: Slot[], batch: Batch, signers?: (Hex | null)[]) {
  const engine = Engine.create({ genesis, ...DOMAIN });
  const ref = new ReferenceEngine(genesis);
  const s = signers ?? batch.txs.map(() => A);
  const got = engine.applyBatch(batch, { signers: s });
  expect(got).toEqual(ref.applyBatch(batch, s));
  const slots = Array.from({ length: engine.slotCount() }, (_, i) => engine.getSlot(i));
  expect(slots).toEqual(ref.slots);
  return { got, slots, engine };
}

describe("signatures from real wallets", () => {
  const genesis: Slot[] = [
    { owner: A, token: 1, balance: 1000n, nonce: 0n },
    { owner: B, token: 1, balance: 0n, nonce: 0n },
  ];
  const tx: Tx = { type: "transfer", from: 0, to: 1, amount: 250n, fee: 0n, nonce: 0n };

  it("accepts a transfer signed with viem's signTypedData", async () => {
    const signature = await privateKeyToAccount(KEY_A).signTypedData(typedDataFor(tx, DOMAIN) as never);
    const engine = Engine.create({ genesis, ...DOMAIN });
    const res = engine.applyBatch({ feePairs: [], l1Messages: [], txs: [{ ...tx, signature }] });
    expect(res.receipts[0]!.status).toBe(Reason.OK);
    expect(engine.getSlot(1).balance).toBe(250n);
  });

  it("accepts a transfer signed with ethers' signTypedData", async () => {
    const td = typedDataFor(tx, DOMAIN);
    const signature = (await new Wallet(KEY_A).signTypedData(td.domain, td.types as never, td.message)) as Hex;
    const engine = Engine.create({ genesis, ...DOMAIN });
    expect(engine.applyBatch({ feePairs: [], l1Messages: [], txs: [{ ...tx, signature }] }).receipts[0]!.status).toBe(Reason.OK);
  });

  it("rejects a signature made for another chain id or contract, and changes nothing", () => {
    for (const other of [
      { ...DOMAIN, chainId: 1n },
      { ...DOMAIN, verifyingContract: "0x0000000000000000000000000000000000000001" as Hex },
    ]) {
      const engine = Engine.create({ genesis, ...DOMAIN });
      const before = engine.stateRoot();
      const signed = signTransaction(tx, KEY_A, other);
      const res = engine.applyBatch({ feePairs: [], l1Messages: [], txs: [signed] });
      expect(res.receipts[0]!.status).toBe(Reason.BAD_SIGNATURE);
      expect(res.postStateRoot).toBe(before);
    }
  });

  it("rejects a valid signature by someone who does not own the slot", () => {
    const engine = Engine.create({ genesis, ...DOMAIN });
    const res = engine.applyBatch({ feePairs: [], l1Messages: [], txs: [signTransaction(tx, KEY_B, DOMAIN)] });
    expect(res.receipts[0]!.status).toBe(Reason.BAD_SIGNATURE);
  });
});

describe("edge cases (WASM and reference agree, outcome asserted)", () => {
  it("a batch of nothing keeps the state root", () => {
    const genesis: Slot[] = [{ owner: A, token: 1, balance: 5n, nonce: 0n }];
    const { got } = run(genesis, { feePairs: [], l1Messages: [], txs: [] });
    expect(got.postStateRoot).toBe(got.preStateRoot);
    expect(got.receipts).toEqual([]);
  });

  it("max u128 balances: a credit that would overflow fails; the full balance moves", () => {
    const genesis: Slot[] = [
      { owner: A, token: 1, balance: MAX_U128, nonce: 0n },
      { owner: A, token: 1, balance: 1n, nonce: 0n },
    ];
    const { got, slots } = run(genesis, {
      feePairs: [],
      l1Messages: [],
      txs: [
        unsigned({ type: "transfer", from: 1, to: 0, amount: 1n, fee: 0n, nonce: 0n }),
        unsigned({ type: "transfer", from: 0, to: 1, amount: MAX_U128 - 1n, fee: 0n, nonce: 0n }),
      ],
    });
    expect(got.receipts.map((r) => r.status)).toEqual([Reason.OVERFLOW, Reason.OK]);
    expect(slots.map((s) => s.balance)).toEqual([1n, MAX_U128]);
  });

  it("amount + fee overflowing u128 is an insufficient balance, not a wrap-around", () => {
    const genesis: Slot[] = [
      { owner: A, token: 1, balance: MAX_U128, nonce: 0n },
      { owner: A, token: 1, balance: 0n, nonce: 0n },
    ];
    const { got } = run(genesis, {
      feePairs: [{ token: 1, slot: 1 }],
      l1Messages: [],
      txs: [unsigned({ type: "transfer", from: 0, to: 1, amount: MAX_U128, fee: 1n, nonce: 0n })],
    });
    expect(got.receipts[0]!.status).toBe(Reason.INSUFFICIENT_BALANCE);
  });

  it("owed fees do not count against the fee slot's headroom; settlement burns what does not fit (SPEC §5.1)", () => {
    const genesis: Slot[] = [
      { owner: B, token: 1, balance: MAX_U128 - 10n, nonce: 0n }, // the pair's slot
      { owner: A, token: 1, balance: 100n, nonce: 0n },
    ];
    const { got, slots } = run(genesis, {
      feePairs: [{ token: 1, slot: 0 }],
      l1Messages: [],
      txs: [
        unsigned({ type: "transfer", from: 1, to: 1, amount: 0n, fee: 6n, nonce: 0n }), // owes 6 to the pair
        unsigned({ type: "transfer", from: 1, to: 0, amount: 5n, fee: 0n, nonce: 1n }), // fits the balance: owed fees are not counted
        unsigned({ type: "transfer", from: 1, to: 0, amount: 6n, fee: 0n, nonce: 2n }), // MAX − 5 + 6 > MAX: OVERFLOW (nonce consumed)
        unsigned({ type: "transfer", from: 1, to: 1, amount: 0n, fee: 1n, nonce: 3n }), // owed 7
      ],
    });
    expect(got.receipts.map((r) => r.status)).toEqual([Reason.OK, Reason.OK, Reason.OVERFLOW, Reason.OK]);
    expect(got.fees).toEqual([7n]);
    // MAX − 5 + 7 does not fit: the 7 are burned, the slot keeps its balance
    expect(got.feesCredited).toEqual([0n]);
    expect(slots[0]!.balance).toBe(MAX_U128 - 5n);
    expect(slots[1]!.balance).toBe(100n - 7n - 5n);
  });

  it("a fee is owed only while the pair's owed amount stays within u128", () => {
    const genesis: Slot[] = [
      { owner: A, token: 1, balance: MAX_U128, nonce: 0n },
      { owner: A, token: 1, balance: 1n, nonce: 0n },
      { owner: B, token: 1, balance: 0n, nonce: 0n },
    ];
    const { got, slots } = run(genesis, {
      feePairs: [{ token: 1, slot: 2 }],
      l1Messages: [],
      txs: [
        unsigned({ type: "transfer", from: 0, to: 0, amount: 0n, fee: MAX_U128, nonce: 0n }), // owed = 2^128 − 1
        unsigned({ type: "transfer", from: 1, to: 1, amount: 0n, fee: 1n, nonce: 0n }), // owed + 1 > MAX: OVERFLOW
      ],
    });
    expect(got.receipts.map((r) => r.status)).toEqual([Reason.OK, Reason.OVERFLOW]);
    expect(got.fees).toEqual([MAX_U128]);
    expect(got.feesCredited).toEqual([MAX_U128]);
    expect(slots.map((x) => x.balance)).toEqual([0n, 1n, MAX_U128]);
  });

  it("zero amounts and self-transfers are valid and only cost the fee and a nonce", () => {
    const genesis: Slot[] = [
      { owner: A, token: 1, balance: 10n, nonce: 0n },
      { owner: B, token: 1, balance: 0n, nonce: 0n },
    ];
    const { got, slots } = run(genesis, {
      feePairs: [{ token: 1, slot: 1 }],
      l1Messages: [],
      txs: [
        unsigned({ type: "transfer", from: 0, to: 0, amount: 7n, fee: 2n, nonce: 0n }),
        unsigned({ type: "transfer", from: 0, to: 1, amount: 0n, fee: 0n, nonce: 1n }),
        unsigned({ type: "withdraw", from: 0, amount: 0n, fee: 0n, nonce: 2n }),
      ],
    });
    expect(got.receipts.map((r) => r.status)).toEqual([Reason.OK, Reason.OK, Reason.OK]);
    expect(slots[0]).toEqual({ owner: A, token: 1, balance: 8n, nonce: 3n });
    expect(slots[1]!.balance).toBe(2n);
    expect(got.withdrawals).toEqual([{ owner: A, token: 1, amount: 0n }]);
  });

  it("a pool cannot be drained: huge swaps leave reserves positive; reserves stay below 2^112", () => {
    const genesis: Slot[] = [
      { owner: A, token: 1, balance: MAX_U128, nonce: 0n },
      { owner: A, token: 2, balance: MAX_RESERVE, nonce: 0n },
    ];
    const { got, slots } = run(genesis, {
      feePairs: [],
      l1Messages: [],
      txs: [
        unsigned({ type: "createPool", fromA: 0, fromB: 1, amountA: 1_000_000n, amountB: 1_000_000n, feeBps: 30, nonce: 0n }),
        // pool at 2 (reserves 2, 3; supply 4); creator's LP slot 5
        unsigned({ type: "swap", pool: 2, from: 0, to: 1, amountIn: MAX_RESERVE - 1_000_000n, minOut: 0n, nonce: 1n }),
        unsigned({ type: "swap", pool: 2, from: 0, to: 1, amountIn: 1n, minOut: 0n, nonce: 2n }), // reserve would pass 2^112
        unsigned({ type: "swap", pool: 2, from: 0, to: 1, amountIn: 0n, minOut: 1n, nonce: 3n }), // the failure above consumed nonce 2
      ],
    });
    expect(got.receipts.map((r) => r.status)).toEqual([Reason.OK, Reason.OK, Reason.OVERFLOW, Reason.SLIPPAGE]);
    expect(slots[2]!.owner).toBe(poolAddress(2));
    expect(slots[2]!.balance).toBe(MAX_RESERVE);
    expect(slots[3]!.balance).toBeGreaterThan(0n);
    expect(got.receipts[1]!.out[0]).toBe(1_000_000n - slots[3]!.balance);
  });

  it("liquidity round trip: add in ratio, remove returns at most what was added", () => {
    const genesis: Slot[] = [
      { owner: A, token: 1, balance: 10n ** 24n, nonce: 0n },
      { owner: A, token: 2, balance: 10n ** 24n, nonce: 0n },
      { owner: B, token: 1, balance: 10n ** 24n, nonce: 0n },
      { owner: B, token: 2, balance: 10n ** 24n, nonce: 0n },
    ];
    const { got, slots } = run(
      genesis,
      {
        feePairs: [],
        l1Messages: [],
        txs: [
          unsigned({ type: "createPool", fromA: 0, fromB: 1, amountA: 4n * 10n ** 18n, amountB: 10n ** 18n, feeBps: 30, nonce: 0n }),
          unsigned({ type: "addLiquidity", pool: 4, fromA: 2, fromB: 3, lpSlot: NEW_SLOT, amountA: 10n ** 18n, amountB: 10n ** 18n, minShares: 0n, nonce: 0n }),
          unsigned({ type: "removeLiquidity", pool: 4, lpSlot: 8, toA: 2, toB: 3, shares: 5n * 10n ** 17n, minA: 0n, minB: 0n, nonce: 0n }),
        ],
        // tx 0 signed by A, txs 1–2 by B
      },
      [A, B, B],
    );
    expect(got.receipts.map((r) => r.status)).toEqual([Reason.OK, Reason.OK, Reason.OK]);
    expect(got.receipts[0]!.out[0]).toBe(2n * 10n ** 18n - 1000n); // sqrt(4e18 · 1e18) − locked
    // B added 1e18 of token 1 and, at the 4:1 ratio, 0.25e18 of token 2
    expect(slots[3]!.balance).toBe(10n ** 24n - 25n * 10n ** 16n + got.receipts[2]!.out[1]);
    const [outA] = got.receipts[2]!.out;
    expect(outA).toBeLessThanOrEqual(10n ** 18n);
  });

  it("deposits credit a matching slot, else create one; failed deposits are refunded", () => {
    const genesis: Slot[] = [{ owner: A, token: 1, balance: 5n, nonce: 0n }];
    const { got, slots } = run(genesis, {
      feePairs: [],
      l1Messages: [
        { kind: "deposit", owner: A, token: 1, amount: 10n, slot: 0 },
        { kind: "deposit", owner: B, token: 1, amount: 3n, slot: 0 }, // owner mismatch: new slot
        { kind: "deposit", owner: B, token: 0x80000001, amount: 9n }, // LP token: refunded
        { kind: "deposit", owner: poolAddress(7), token: 1, amount: 4n }, // reserved owner: refunded
        { kind: "forcedExit", owner: A, slot: 0 },
      ],
      txs: [],
    });
    expect(got.receipts.map((r) => r.status)).toEqual([Reason.OK, Reason.OK, Reason.INVALID_TOKEN, Reason.RESERVED_OWNER, Reason.OK]);
    expect(slots.map((s) => s.balance)).toEqual([0n, 3n]);
    expect(got.withdrawals.map((w) => w.amount)).toEqual([9n, 4n, 15n]);
    expect(got.receipts[2]!.out).toEqual([0n, 9n]);
    expect(got.receipts[4]!.out).toEqual([2n, 15n]);
  });

  it("rejects a malformed batch with a typed error and no state change", () => {
    const genesis: Slot[] = [
      { owner: A, token: 1, balance: 5n, nonce: 0n },
      { owner: B, token: 1, balance: 5n, nonce: 0n },
    ];
    const engine = Engine.create({ genesis, ...DOMAIN });
    const root = engine.stateRoot();
    const bad: Batch[] = [
      { feePairs: Array.from({ length: 17 }, (_, token) => ({ token, slot: 0 })), l1Messages: [], txs: [] }, // more than 16 pairs
      { feePairs: [{ token: -1, slot: 0 }], l1Messages: [], txs: [] },
      { feePairs: [{ token: 1, slot: 2 ** 32 }], l1Messages: [], txs: [] },
      {
        feePairs: [
          { token: 2, slot: 0 },
          { token: 1, slot: 1 },
        ],
        l1Messages: [],
        txs: [],
      }, // tokens not increasing
      {
        feePairs: [
          { token: 1, slot: 0 },
          { token: 1, slot: 1 },
        ],
        l1Messages: [],
        txs: [],
      }, // two pairs for one token
      { feeSlots: [0], l1Messages: [], txs: [] } as unknown as Batch, // the draft's field
      { feePairs: [], l1Messages: [{ kind: "deposit", owner: A, token: 1, amount: -1n }], txs: [] },
      { feePairs: [], l1Messages: [], txs: [unsigned({ type: "transfer", from: 0, to: 1, amount: 2n ** 128n, fee: 0n, nonce: 0n })] },
      { feePairs: [], l1Messages: [], txs: [{ type: "mint", signature: "0x" } as unknown as SignedTx] },
    ];
    for (const b of bad) {
      expect(() => engine.applyBatch(b, { signers: b.txs.map(() => A) })).toThrow(InvalidArgumentError);
      expect(engine.stateRoot()).toBe(root);
    }
    expect(() => Engine.create({ genesis: [{ owner: poolAddress(1), token: 1, balance: 0n, nonce: 0n }], ...DOMAIN })).toThrow(InvalidArgumentError);
    expect(() => Engine.create({ genesis: [{ owner: A, token: 0x80000000, balance: 0n, nonce: 0n }], ...DOMAIN })).toThrow(InvalidArgumentError);
  });

  it("a pair whose slot cannot take its fees burns them; no step reads a fee slot before settlement (SPEC §5.1)", () => {
    const genesis: Slot[] = [
      { owner: A, token: 1, balance: 1000n, nonce: 0n },
      { owner: B, token: 1, balance: 1000n, nonce: 0n },
      { owner: B, token: 2, balance: 1000n, nonce: 0n },
    ];
    // token 1 → slot 9 (never exists): burned; token 2 → slot 0 (holds token 1): burned;
    // token 3 → slot 3, created by the deposit inside the batch: credited (it exists at settlement)
    const batch: Batch = {
      feePairs: [
        { token: 1, slot: 9 },
        { token: 2, slot: 0 },
        { token: 3, slot: 3 },
      ],
      l1Messages: [{ kind: "deposit", owner: A, token: 3, amount: 5n }],
      txs: [
        unsigned({ type: "transfer", from: 1, to: 0, amount: 1n, fee: 7n, nonce: 0n }),
        unsigned({ type: "transfer", from: 2, to: 2, amount: 1n, fee: 1n, nonce: 0n }),
        unsigned({ type: "transfer", from: 3, to: 3, amount: 0n, fee: 2n, nonce: 0n }),
      ],
    };
    const { got, slots } = run(genesis, batch, [B, B, A]);
    expect(got.receipts.map((r) => r.status)).toEqual([Reason.OK, Reason.OK, Reason.OK, Reason.OK]);
    expect(got.receipts.slice(1).map((r) => r.touched)).toEqual([[1, 0], [2], [3]]); // no fee slot among them
    expect(got.fees).toEqual([7n, 1n, 2n]);
    expect(got.feesCredited).toEqual([0n, 0n, 2n]);
    expect(slots.map((x) => x.balance)).toEqual([1001n, 1000n - 8n, 999n, 5n]);
    // without a pair for its token, a fee is NO_FEE_SLOT; a zero fee needs none
    const none = run(
      genesis,
      {
        feePairs: [{ token: 2, slot: 2 }],
        l1Messages: [],
        txs: [
          unsigned({ type: "transfer", from: 1, to: 0, amount: 1n, fee: 1n, nonce: 0n }),
          unsigned({ type: "transfer", from: 1, to: 0, amount: 1n, fee: 0n, nonce: 1n }),
        ],
      },
      [B, B],
    );
    expect(none.got.receipts.map((r) => r.status)).toEqual([Reason.NO_FEE_SLOT, Reason.OK]);
    // a pool's slot never takes fees: create a pool, then name its token-1 reserve
    const poolGenesis: Slot[] = [
      { owner: A, token: 1, balance: 10n ** 20n, nonce: 0n },
      { owner: A, token: 2, balance: 10n ** 20n, nonce: 0n },
    ];
    const engine = Engine.create({ genesis: poolGenesis, ...DOMAIN });
    const ref = new ReferenceEngine(poolGenesis);
    const create: Batch = {
      feePairs: [],
      l1Messages: [],
      txs: [unsigned({ type: "createPool", fromA: 0, fromB: 1, amountA: 10n ** 18n, amountB: 10n ** 18n, feeBps: 30, nonce: 0n })],
    };
    expect(engine.applyBatch(create, { signers: [A] })).toEqual(ref.applyBatch(create, [A]));
    const onPool: Batch = { feePairs: [{ token: 1, slot: 2 }], l1Messages: [], txs: [unsigned({ type: "withdraw", from: 0, amount: 1n, fee: 1n, nonce: 1n })] };
    const res = engine.applyBatch(onPool, { signers: [A] });
    expect(res).toEqual(ref.applyBatch(onPool, [A]));
    expect(res.receipts[0]!.status).toBe(Reason.OK);
    expect([res.fees, res.feesCredited]).toEqual([[1n], [0n]]);
    expect(engine.getSlot(2).balance).toBe(10n ** 18n);
  });

  it("a batch of 100,000 transfers matches the reference", () => {
    const genesis: Slot[] = Array.from({ length: 1000 }, (_, i) => ({ owner: i % 2 ? A : B, token: 1, balance: 10n ** 20n, nonce: 0n }));
    const nonces = new Array<bigint>(1000).fill(0n);
    const txs: SignedTx[] = [];
    const signers: Hex[] = [];
    for (let i = 0; i < 100_000; i++) {
      const from = (i * 7919) % 1000;
      const to = (i * 104729 + 1) % 1000;
      txs.push(unsigned({ type: "transfer", from, to, amount: BigInt(i % 1000), fee: BigInt(i % 3), nonce: nonces[from]!++ }));
      signers.push(from % 2 ? A : B);
    }
    const { got } = run(genesis, { feePairs: [{ token: 1, slot: 0 }], l1Messages: [], txs }, signers);
    expect(got.receipts.every((r) => r.status === Reason.OK)).toBe(true);
  }, 60_000);
});

describe("proofs an L1 bridge needs", () => {
  it("withdrawal records prove against the batch's withdrawalsRoot; slots against the tree root", async () => {
    const { WasmCore, STATE_TREE_SHAPE, fromHex, keccak256Slot } = await import("./helpers.js");
    const genesis: Slot[] = [
      { owner: A, token: 1, balance: 100n, nonce: 0n },
      { owner: B, token: 2, balance: 50n, nonce: 0n },
    ];
    const engine = Engine.create({ genesis, ...DOMAIN });
    const res = engine.applyBatch(
      {
        feePairs: [],
        l1Messages: [{ kind: "forcedExit", owner: B, slot: 1 }],
        txs: [unsigned({ type: "withdraw", from: 0, amount: 30n, fee: 0n, nonce: 0n })],
      },
      { signers: [A] },
    );
    expect(res.withdrawals).toEqual([
      { owner: B, token: 2, amount: 50n },
      { owner: A, token: 1, amount: 30n },
    ]);
    const { root, proof, leaves } = engine.proveWithdrawals(res.withdrawals, [1]);
    expect(root).toBe(res.withdrawalsRoot);
    const core = WasmCore.createSync();
    expect(core.verifyMultiproof(STATE_TREE_SHAPE, fromHex(root), proof, leaves)).toBe(true);
    // a record with another amount does not verify
    const forged = core.keccak256(encodeWithdrawal({ owner: A, token: 1, amount: 31n }));
    expect(core.verifyMultiproof(STATE_TREE_SHAPE, fromHex(root), proof, [forged])).toBe(false);
    expect(() => engine.proveWithdrawals(res.withdrawals, [2])).toThrow(InvalidArgumentError);
    // slot proofs: leaves are keccak256(encodeSlot(slot)); a not-yet-created slot proves the zero leaf
    const slotProof = engine.proveSlots([0, 1, 2]);
    const slotLeaves = [keccak256Slot(engine.getSlot(0)), keccak256Slot(engine.getSlot(1)), new Uint8Array(32)];
    expect(core.verifyMultiproof(STATE_TREE_SHAPE, fromHex(res.postTreeRoot), slotProof, slotLeaves)).toBe(true);
  });
});

describe("one call into WASM per batch", () => {
  it("applyBatch makes exactly one export call in steady state", () => {
    const genesis: Slot[] = [
      { owner: A, token: 1, balance: 1000n, nonce: 0n },
      { owner: B, token: 1, balance: 0n, nonce: 0n },
    ];
    const engine = Engine.create({ genesis, ...DOMAIN });
    const batch = (nonce: bigint): Batch => ({
      feePairs: [{ token: 1, slot: 1 }],
      l1Messages: [{ kind: "deposit", owner: B, token: 1, amount: 1n, slot: 1 }],
      txs: [unsigned({ type: "transfer", from: 0, to: 1, amount: 1n, fee: 1n, nonce })],
    });
    engine.applyBatch(batch(0n), { signers: [A] }); // first batch may grow the io regions
    const inst = engine.core.instance;
    const real = inst.exports;
    const calls: string[] = [];
    const counting = Object.fromEntries(
      Object.entries(real).map(([k, v]) => [k, typeof v === "function" ? (...a: number[]) => (calls.push(k), (v as (...x: number[]) => number)(...a)) : v]),
    );
    Object.defineProperty(inst, "exports", { value: counting, configurable: true });
    try {
      const res = engine.applyBatch(batch(1n), { signers: [A] });
      expect(res.receipts.map((r) => r.status)).toEqual([Reason.OK, Reason.OK]);
      expect(calls).toEqual(["engineApplyBatch"]);
    } finally {
      Object.defineProperty(inst, "exports", { value: real, configurable: true });
    }
  });
});
