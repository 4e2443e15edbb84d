// Execution-rule regressions from issue 10 ("Sound disputes"): each entry rule here once let the
// WASM engine and the reference disagree, or let a batch break an invariant both must keep.
// Every test runs both engines and compares roots, receipts and every slot.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Engine } from "../src/engine/engine.js";
import { ReferenceEngine } from "../src/reference/engine.js";
import { entryAt, proveStep, verifyStep } from "../src/dispute/step-proof.js";
import { addressOf, signTransaction } from "../src/protocol/signatures.js";
import { poolAddress } from "../src/protocol/slot-encoding.js";
import {
  MAX_RESERVE,
  MAX_U128,
  MAX_U64,
  NEW_SLOT,
  Reason,
  reasonName,
  type Batch,
  type FeePair,
  type Hex,
  type SignedTx,
  type Slot,
  type Tx,
} from "../src/protocol/types.js";

const DOMAIN = { chainId: 31337n, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Hex };
const A = addressOf("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
const B = addressOf("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const C = "0xc0ffee0000000000000000000000000000000001" as Hex;
const D = "0xd00d000000000000000000000000000000000002" as Hex;
const unsigned = (tx: Tx): SignedTx => ({ ...tx, signature: "0x" });
const E18 = 10n ** 18n;

function snapshot(engine: Engine): Slot[] {
  return Array.from({ length: engine.slotCount() }, (_, i) => engine.getSlot(i));
}

/** Two engines over one genesis, fed the same batches and compared after each. */
class Both {
  readonly wasm: Engine;
  readonly ref: ReferenceEngine;
  constructor(genesis: Slot[]) {
    this.wasm = Engine.create({ genesis, ...DOMAIN });
    this.ref = new ReferenceEngine(genesis);
    expect(this.wasm.stateRoot()).toBe(this.ref.stateRoot());
  }
  apply(batch: Batch, signers: (Hex | null)[]) {
    const expected = this.ref.applyBatch(batch, signers);
    const got = this.wasm.applyBatch(batch, { signers });
    expect(got.receipts).toEqual(expected.receipts);
    expect(got).toEqual(expected);
    expect(snapshot(this.wasm)).toEqual(this.ref.slots);
    return got;
  }
}

/** `count` slots: A's tokens 1 and 2, B's tokens 1 and 2, then filler slots of C. */
function bigGenesis(count: number): Slot[] {
  const g: Slot[] = [
    { owner: A, token: 1, balance: 10n ** 24n, nonce: 0n },
    { owner: A, token: 2, balance: 10n ** 24n, nonce: 0n },
    { owner: B, token: 1, balance: 10n ** 24n, nonce: 0n },
    { owner: B, token: 2, balance: 10n ** 24n, nonce: 0n },
  ];
  while (g.length < count) g.push({ owner: C, token: 3, balance: BigInt(g.length), nonce: 0n });
  return g;
}

describe("slot-array growth inside an entry (issue 10 item 4)", () => {
  it("addLiquidity whose new LP slot grows the slot array still updates the pool", () => {
    // 1020 slots: the pool takes 1020..1023, the new LP slot is 1024, the first one past capacity
    const g = bigGenesis(1020);
    g.splice(2, 2, { owner: C, token: 3, balance: 2n, nonce: 0n }, { owner: C, token: 3, balance: 3n, nonce: 0n });
    const both = new Both(g);
    const got = both.apply(
      {
        feePairs: [],
        l1Messages: [],
        txs: [
          unsigned({ type: "createPool", fromA: 0, fromB: 1, amountA: 10n ** 20n, amountB: 10n ** 20n, feeBps: 30, nonce: 0n }),
          unsigned({ type: "addLiquidity", pool: 1020, fromA: 0, fromB: 1, lpSlot: NEW_SLOT, amountA: E18, amountB: E18, minShares: 0n, nonce: 1n }),
        ],
      },
      [A, A],
    );
    expect(got.receipts.map((r) => r.status)).toEqual([Reason.OK, Reason.OK]);
    expect(both.wasm.getSlot(1020).balance).toBe(10n ** 20n + E18);
    expect(both.wasm.getSlot(1022).balance).toBe(10n ** 20n + E18);
    expect(both.wasm.getSlot(1024)).toEqual({ owner: A, token: 0x80000000 + 1020, balance: E18, nonce: 0n });
  });
});

/**
 * One batch that creates slots with every kind of entry, interleaved with entries that read and
 * write the slots created before them. `g` is the genesis size; created slots follow in order.
 */
function growthBatch(g: number): { batch: Batch; signers: Hex[] } {
  const p = g + 2; // first pool (after the two deposits): p..p+3, creator's LP slot p+3
  const q = g + 9; // second pool
  const txs: SignedTx[] = [];
  const signers: Hex[] = [];
  const add = (tx: Tx, signer: Hex) => {
    txs.push(unsigned(tx));
    signers.push(signer);
  };
  add({ type: "createPool", fromA: 0, fromB: 1, amountA: 10n ** 20n, amountB: 10n ** 20n, feeBps: 30, nonce: 0n }, A);
  add({ type: "addLiquidity", pool: p, fromA: 2, fromB: 3, lpSlot: NEW_SLOT, amountA: E18, amountB: E18, minShares: 1n, nonce: 0n }, B); // g+6
  add({ type: "transferToNew", from: 0, toOwner: D, amount: E18, fee: 10n, nonce: 1n }, A); // g+7
  add({ type: "addLiquidity", pool: p, fromA: 0, fromB: 1, lpSlot: NEW_SLOT, amountA: 2n * E18, amountB: 3n * E18, minShares: 1n, nonce: 2n }, A); // g+8
  add({ type: "swap", pool: p, from: 2, to: 3, amountIn: E18, minOut: 1n, nonce: 1n }, B);
  add({ type: "createPool", fromA: 2, fromB: 3, amountA: 10n ** 19n, amountB: 2n * 10n ** 19n, feeBps: 5, nonce: 2n }, B); // g+9..g+12
  add({ type: "addLiquidity", pool: q, fromA: 0, fromB: 1, lpSlot: NEW_SLOT, amountA: E18, amountB: E18, minShares: 1n, nonce: 3n }, A); // g+13
  add({ type: "removeLiquidity", pool: p, lpSlot: g + 6, toA: 2, toB: 3, shares: 10n ** 17n, minA: 1n, minB: 1n, nonce: 0n }, B);
  add({ type: "addLiquidity", pool: p, fromA: 2, fromB: 3, lpSlot: g + 6, amountA: E18, amountB: E18, minShares: 1n, nonce: 3n }, B);
  add({ type: "transfer", from: 0, to: 2, amount: E18, fee: 7n, nonce: 4n }, A);
  add({ type: "transferToNew", from: 2, toOwner: C, amount: 5n, fee: 1n, nonce: 4n }, B); // g+14
  add({ type: "swap", pool: q, from: 1, to: 0, amountIn: E18, minOut: 1n, nonce: 0n }, A);
  add({ type: "withdraw", from: 0, amount: E18, fee: 3n, nonce: 5n }, A);
  return {
    batch: {
      feePairs: [
        { token: 1, slot: 2 },
        { token: 2, slot: 3 },
      ],
      l1Messages: [
        { kind: "deposit", owner: C, token: 5, amount: 11n }, // g
        { kind: "deposit", owner: D, token: 6, amount: 12n }, // g+1
        { kind: "deposit", owner: B, token: 1, amount: 13n, slot: 2 },
      ],
      txs,
    },
    signers,
  };
}

describe("slot-array growth at every boundary, with every slot-creating entry (issue 10 item 4)", () => {
  // The slot array holds 1024 slots, then doubles; a genesis of `boundary − offset` slots makes
  // the growth happen inside a different entry of the batch for each offset (0 ≤ offset ≤ 15
  // covers the two deposits, both pools, three new LP slots and both transfers to new owners).
  for (const boundary of [1024, 2048, 4096]) {
    it(`crossing ${boundary} slots: WASM and reference agree on every receipt and slot`, () => {
      for (let offset = 0; offset <= 15; offset++) {
        const g = boundary - offset;
        const both = new Both(bigGenesis(g));
        const { batch, signers } = growthBatch(g);
        const got = both.apply(batch, signers);
        expect(got.receipts.map((r) => r.status)).toEqual(got.receipts.map(() => Reason.OK));
        expect(got.slotCount).toBe(g + 15);
        // later batches still see the moved array: a transfer, a swap and a new LP slot
        const next = both.apply(
          {
            feePairs: [],
            l1Messages: [{ kind: "deposit", owner: A, token: 1, amount: 1n }],
            txs: [
              unsigned({ type: "swap", pool: g + 2, from: 3, to: 2, amountIn: E18, minOut: 1n, nonce: 0n }),
              unsigned({ type: "addLiquidity", pool: g + 9, fromA: 2, fromB: 3, lpSlot: NEW_SLOT, amountA: E18, amountB: E18, minShares: 1n, nonce: 5n }),
            ],
          },
          [B, B],
        );
        expect(next.receipts.map((r) => r.status)).toEqual([Reason.OK, Reason.OK, Reason.OK]);
        both.wasm.dispose();
      }
    }, 120_000);
  }
});

describe("a transfer to a pair's slot: its credit and its fee are checked apart, settlement burns what does not fit (SPEC §5.1)", () => {
  it("the credit needs room in the balance, the fee in what is owed; the owed fees are burned at settlement", () => {
    const genesis: Slot[] = [
      { owner: B, token: 1, balance: MAX_U128 - 10n, nonce: 0n }, // the pair's slot
      { owner: A, token: 1, balance: 100n, nonce: 0n },
    ];
    const both = new Both(genesis);
    const got = both.apply(
      {
        feePairs: [{ token: 1, slot: 0 }],
        l1Messages: [],
        txs: [
          unsigned({ type: "transfer", from: 1, to: 0, amount: 10n, fee: 10n, nonce: 0n }), // credit fits exactly, fee owed
          unsigned({ type: "transfer", from: 1, to: 0, amount: 6n, fee: 5n, nonce: 1n }), // no room for the credit
          unsigned({ type: "transfer", from: 1, to: 0, amount: 0n, fee: 1n, nonce: 2n }), // owed 11
        ],
      },
      [A, A, A],
    );
    expect(got.receipts.map((r) => r.status)).toEqual([Reason.OK, Reason.OVERFLOW, Reason.OK]);
    expect([got.fees, got.feesCredited]).toEqual([[11n], [0n]]);
    expect(both.wasm.getSlot(0).balance).toBe(MAX_U128);
    expect(both.wasm.getSlot(1)).toEqual({ owner: A, token: 1, balance: 79n, nonce: 3n });
  });

  it("property: with the pairs' slots near 2^128 − 1, every slot stays within u128 and both engines agree", () => {
    const owners = [A, B, C, D];
    const headroom = fc.nat(30).map((k) => MAX_U128 - BigInt(k));
    const small = fc.oneof(fc.nat(20).map(BigInt), fc.nat(20).map(BigInt), fc.constantFrom(0n, MAX_U128, MAX_U128 - 5n, 2n ** 127n));
    const sender = fc.record({
      owner: fc.constantFrom(...owners),
      token: fc.integer({ min: 1, max: 2 }),
      balance: fc.oneof(fc.constant(10n ** 30n), fc.nat(100).map(BigInt), headroom),
      nonce: fc.constant(0n),
    });
    const entryArb = fc.record({ kind: fc.integer({ min: 0, max: 9 }), from: fc.nat(), to: fc.nat(), amount: small, fee: small, who: fc.nat(3) });
    fc.assert(
      fc.property(
        fc.tuple(headroom, headroom, fc.constantFrom(...owners), fc.constantFrom(...owners)),
        fc.array(sender, { minLength: 1, maxLength: 6 }),
        fc.array(fc.array(entryArb, { maxLength: 25 }), { minLength: 1, maxLength: 3 }),
        ([b1, b2, o1, o2], senders, batches) => {
          // slots 0 and 1 are the fee slots of tokens 1 and 2, a few units below 2^128 − 1
          const genesis: Slot[] = [{ owner: o1, token: 1, balance: b1, nonce: 0n }, { owner: o2, token: 2, balance: b2, nonce: 0n }, ...senders];
          const both = new Both(genesis);
          for (const entries of batches) {
            const slots = both.ref.slots;
            const n = slots.length;
            const nonces = new Map<number, bigint>();
            const nonce = (i: number) => {
              const v = nonces.get(i) ?? slots[i]!.nonce;
              nonces.set(i, v + 1n);
              return v;
            };
            const l1Messages: Batch["l1Messages"] = [];
            const txs: SignedTx[] = [];
            const signers: Hex[] = [];
            for (const e of entries) {
              const from = 2 + (e.from % (n - 2));
              const token = slots[from]!.token;
              const feeSlot = token - 1;
              const to = e.to % 5 < 3 ? feeSlot : e.to % n; // mostly the fee slot
              let tx: Tx;
              if (e.kind === 0) {
                l1Messages.push({ kind: "deposit", owner: slots[feeSlot]!.owner, token, amount: e.amount, slot: feeSlot });
                continue;
              } else if (e.kind <= 5) tx = { type: "transfer", from, to, amount: e.amount, fee: e.fee, nonce: nonce(from) };
              else if (e.kind === 6)
                tx = { type: "transfer", from: feeSlot, to: e.to % 2 ? feeSlot : from, amount: e.amount, fee: e.fee, nonce: nonce(feeSlot) };
              else if (e.kind === 7) tx = { type: "transferToNew", from, toOwner: owners[e.who]!, amount: e.amount, fee: e.fee, nonce: nonce(from) };
              else tx = { type: "withdraw", from: e.kind === 8 ? from : feeSlot, amount: e.amount, fee: e.fee, nonce: nonce(e.kind === 8 ? from : feeSlot) };
              txs.push(unsigned(tx));
              signers.push(slots[tx.from]!.owner);
            }
            // the reference itself throws ReferenceInvariantError if a balance or an owed fee leaves u128
            const got = both.apply(
              {
                feePairs: [
                  { token: 1, slot: 0 },
                  { token: 2, slot: 1 },
                ],
                l1Messages,
                txs,
              },
              signers,
            );
            for (const s of both.ref.slots) expect(s.balance >= 0n && s.balance <= MAX_U128).toBe(true);
            expect(got.fees.every((f) => f <= MAX_U128)).toBe(true);
          }
          both.wasm.dispose();
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("a pool's reserves cannot be exited (issue 10 item 8)", () => {
  const genesis: Slot[] = [
    { owner: A, token: 1, balance: 10n ** 24n, nonce: 0n },
    { owner: A, token: 2, balance: 10n ** 24n, nonce: 0n },
  ];
  const pool = 2; // reserves 2, 3; supply 4; creator's LP slot 5

  it("a forced exit naming a pool's reserved owner fails with RESERVED_OWNER and changes nothing", () => {
    const both = new Both(genesis);
    both.apply(
      {
        feePairs: [],
        l1Messages: [],
        txs: [unsigned({ type: "createPool", fromA: 0, fromB: 1, amountA: 10n ** 20n, amountB: 10n ** 20n, feeBps: 30, nonce: 0n })],
      },
      [A],
    );
    const before = both.wasm.stateRoot();
    const got = both.apply(
      {
        feePairs: [],
        l1Messages: [2, 3, 4, 99].map((slot) => ({ kind: "forcedExit" as const, owner: poolAddress(pool), slot })),
        txs: [],
      },
      [],
    );
    expect(got.receipts.map((r) => r.status)).toEqual([Reason.RESERVED_OWNER, Reason.RESERVED_OWNER, Reason.RESERVED_OWNER, Reason.RESERVED_OWNER]);
    expect(got.receipts.map((r) => r.touched)).toEqual([[2], [3], [4], [99]]);
    expect(got.withdrawals).toEqual([]);
    expect(got.postStateRoot).toBe(before);
    // the pool still works, in both engines alike
    const next = both.apply(
      {
        feePairs: [],
        l1Messages: [],
        txs: [
          unsigned({ type: "addLiquidity", pool, fromA: 0, fromB: 1, lpSlot: 5, amountA: E18, amountB: E18, minShares: 1n, nonce: 1n }),
          unsigned({ type: "swap", pool, from: 0, to: 1, amountIn: E18, minOut: 1n, nonce: 2n }),
        ],
      },
      [A, A],
    );
    expect(next.receipts.map((r) => r.status)).toEqual([Reason.OK, Reason.OK]);
  });

  it("a pool slot never authorizes a transaction, whoever the caller names as its signer", () => {
    const both = new Both(genesis);
    both.apply(
      {
        feePairs: [],
        l1Messages: [],
        txs: [unsigned({ type: "createPool", fromA: 0, fromB: 1, amountA: 10n ** 20n, amountB: 10n ** 20n, feeBps: 30, nonce: 0n })],
      },
      [A],
    );
    const got = both.apply(
      {
        feePairs: [],
        l1Messages: [],
        txs: [
          unsigned({ type: "transfer", from: 2, to: 2, amount: 0n, fee: 0n, nonce: 30n }), // slot 2's nonce field is the fee
          unsigned({ type: "withdraw", from: 3, amount: 10n ** 20n, fee: 0n, nonce: 0n }),
        ],
      },
      [poolAddress(pool), poolAddress(pool)],
    );
    expect(got.receipts.map((r) => r.status)).toEqual([Reason.BAD_SIGNATURE, Reason.BAD_SIGNATURE]);
    expect(got.postStateRoot).toBe(got.preStateRoot);
  });
});

describe("property: every entry kind, hostile values — both engines agree and neither throws (issue 10 items 6, 8, 9)", () => {
  const owners = [A, B, C, D];
  const amount = fc.oneof(
    fc.nat(2000).map(BigInt),
    fc.constantFrom(0n, 1n, 999n, 1000n, 1001n, E18, MAX_RESERVE, MAX_RESERVE + 1n, MAX_U128 - 1n, MAX_U128),
    fc.bigInt({ min: 0n, max: 10n ** 21n }),
    fc.bigInt({ min: 0n, max: MAX_U128 }),
  );
  const slotArb = fc.record({
    owner: fc.constantFrom(...owners),
    token: fc.integer({ min: 1, max: 3 }),
    balance: fc.oneof(
      fc.constant(10n ** 24n),
      amount,
      fc.nat(1000).map((k) => MAX_U128 - BigInt(k)),
    ),
    nonce: fc.oneof(fc.constant(0n), fc.constantFrom(MAX_U64 - 1n, MAX_U64)),
  });
  // raw numbers, resolved against the state when the batch is built (indices modulo slot count)
  const entryArb = fc.record({
    kind: fc.integer({ min: 0, max: 11 }),
    i: fc.nat(),
    j: fc.nat(),
    k: fc.nat(),
    l: fc.nat(),
    x: amount,
    y: amount,
    z: amount,
    signer: fc.integer({ min: 0, max: 11 }),
    nonceSkew: fc.constantFrom(0, 0, 0, 0, 0, 1, -1),
  });
  type Entry = typeof entryArb extends fc.Arbitrary<infer T> ? T : never;

  function build(slots: readonly Slot[], entries: Entry[], feePick: number) {
    const n = slots.length;
    const pools = slots.map((_, p) => p).filter((p) => p + 2 < n && slots[p]!.owner === poolAddress(p));
    const slotAt = (v: number) => (v % 17 === 16 ? n + (v % 3) : v % n); // sometimes one that does not exist
    const poolAt = (v: number) => (pools.length && v % 8 !== 7 ? pools[v % pools.length]! : slotAt(v));
    const nonces = new Map<number, bigint>();
    const nonce = (i: number, skew: number) => {
      const v = nonces.get(i) ?? (i < n ? slots[i]!.nonce : 0n);
      nonces.set(i, v + 1n);
      const w = v + BigInt(skew);
      return w < 0n ? 0n : w > MAX_U64 ? MAX_U64 : w;
    };
    const userSlots = slots.map((_, i) => i).filter((i) => !slots[i]!.owner.startsWith("0x00000000000000000000000000000000"));
    // fee pairs: a user slot of the token, or now and then one that cannot take the fees (another
    // token's, a pool's, not yet created), so that settlement burns them
    const feePairs: FeePair[] = [];
    for (const t of [1, 2, 3, 0x80000000]) {
      const c = userSlots.filter((i) => (t === 0x80000000 ? slots[i]!.token >= t : slots[i]!.token === t));
      if (!c.length || !((feePick >> (t % 8)) & 1)) continue;
      const own = c[feePick % c.length]!;
      feePairs.push({ token: slots[own]!.token, slot: (feePick >> 4) % 5 === 0 ? slotAt(feePick >> 6) : own });
    }
    const l1Messages: Batch["l1Messages"] = [];
    const txs: SignedTx[] = [];
    const signers: (Hex | null)[] = [];
    for (const e of entries) {
      const owner = (v: number) => (v % 5 === 4 && pools.length ? poolAddress(pools[v % pools.length]!) : owners[v % 4]!);
      if (e.kind === 0) {
        const slot = slotAt(e.i);
        l1Messages.push({
          kind: "deposit",
          owner: slot < n && e.j % 2 ? slots[slot]!.owner : owner(e.j),
          token: e.k % 9 === 8 ? 0x80000000 + (e.k % 5) : 1 + (e.k % 3),
          amount: e.x,
          slot: e.l % 3 ? slot : undefined,
        });
        continue;
      }
      if (e.kind === 1) {
        // forced exits, half of them aimed at pool slots with the pool's own (reserved) owner
        const slot = pools.length && e.j % 2 ? poolAt(e.i) + (e.k % 4) : slotAt(e.i);
        l1Messages.push({ kind: "forcedExit", slot, owner: slot < n && e.l % 4 ? slots[slot]!.owner : owner(e.l) });
        continue;
      }
      let tx: Tx;
      let auth: number;
      const pool = poolAt(e.i);
      // pool entries mostly name slots of one owner holding the pool's tokens, so many succeed
      const someone = owners[e.signer % 2]!;
      const holding = (token: number, v: number) => {
        const c = userSlots.filter((i) => slots[i]!.owner === someone && slots[i]!.token === token);
        return c.length && v % 7 !== 6 ? c[v % c.length]! : slotAt(v);
      };
      const tokenA = pool + 1 < n ? slots[pool]!.token : 1;
      const tokenB = pool + 1 < n ? slots[pool + 1]!.token : 2;
      const lpToken = (0x80000000 | pool) >>> 0;
      if (e.kind <= 4) {
        auth = slotAt(e.j);
        // a pair's slot, or the fullest slot of the sender's token, or any slot
        const token = auth < n ? slots[auth]!.token : 1;
        const fullest = userSlots.filter((i) => slots[i]!.token === token).sort((x, y) => (slots[y]!.balance > slots[x]!.balance ? 1 : -1))[0];
        const to = e.k % 4 === 0 && feePairs.length ? feePairs[e.k % feePairs.length]!.slot : e.k % 4 === 1 && fullest !== undefined ? fullest : slotAt(e.k);
        tx = { type: "transfer", from: auth, to, amount: e.x, fee: e.l % 3 ? e.y % 1000n : e.y, nonce: nonce(auth, e.nonceSkew) };
      } else if (e.kind === 5) {
        auth = slotAt(e.j);
        tx = { type: "transferToNew", from: auth, toOwner: owner(e.k), amount: e.x, fee: e.y % 100n, nonce: nonce(auth, e.nonceSkew) };
      } else if (e.kind === 6) {
        auth = slotAt(e.j);
        tx = { type: "withdraw", from: auth, amount: e.x, fee: e.y % 100n, nonce: nonce(auth, e.nonceSkew) };
      } else if (e.kind === 7) {
        auth = holding(1 + (e.k % 3), e.j);
        tx = {
          type: "createPool",
          fromA: auth,
          fromB: holding(1 + ((e.k + 1) % 3), e.k),
          amountA: e.x,
          amountB: e.y,
          feeBps: e.l % 1003,
          nonce: nonce(auth, e.nonceSkew),
        };
      } else if (e.kind === 8) {
        auth = holding(tokenA, e.j);
        tx = {
          type: "addLiquidity",
          pool,
          fromA: auth,
          fromB: holding(tokenB, e.k),
          lpSlot: e.l % 2 ? NEW_SLOT : holding(lpToken, e.l),
          amountA: e.x,
          amountB: e.y,
          minShares: e.z % 3n === 0n ? e.z : 0n,
          nonce: nonce(auth, e.nonceSkew),
        };
      } else if (e.kind === 9) {
        auth = holding(lpToken, e.j);
        tx = {
          type: "removeLiquidity",
          pool,
          lpSlot: auth,
          toA: holding(tokenA, e.k),
          toB: holding(tokenB, e.l),
          shares: e.x,
          minA: 0n,
          minB: e.z % 5n === 0n ? e.z : 0n,
          nonce: nonce(auth, e.nonceSkew),
        };
      } else {
        const aToB = e.l % 2 === 0;
        auth = holding(aToB ? tokenA : tokenB, e.j);
        tx = {
          type: "swap",
          pool,
          from: auth,
          to: holding(aToB ? tokenB : tokenA, e.k),
          amountIn: e.x,
          minOut: e.z % 3n === 0n ? e.z % 10n ** 19n : 0n,
          nonce: nonce(auth, e.nonceSkew),
        };
      }
      txs.push(unsigned(tx));
      const own = auth < n ? slots[auth]!.owner : A;
      signers.push(e.signer === 10 ? null : e.signer === 11 ? (pools.length ? poolAddress(pools[0]!) : B) : e.signer === 9 ? owners[e.i % 4]! : own);
    }
    return { batch: { feePairs, l1Messages, txs }, signers };
  }

  /** Deterministic opening: two pools over A's and B's tokens, so pool entries have targets. */
  const opening = (g: number): { batch: Batch; signers: Hex[] } => ({
    batch: {
      feePairs: [],
      l1Messages: [],
      txs: [
        unsigned({ type: "createPool", fromA: 0, fromB: 1, amountA: 10n ** 20n, amountB: 3n * 10n ** 20n, feeBps: 30, nonce: 0n }),
        unsigned({ type: "createPool", fromA: 2, fromB: 3, amountA: 2000n, amountB: 2000n, feeBps: 1000, nonce: 0n }),
        unsigned({ type: "addLiquidity", pool: g, fromA: 0, fromB: 1, lpSlot: NEW_SLOT, amountA: E18, amountB: E18, minShares: 0n, nonce: 1n }),
      ],
    },
    signers: [A, B, A],
  });

  it("random batches (fast-check), traced step by step", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        fc.array(slotArb, { minLength: 0, maxLength: 8 }),
        fc.array(fc.tuple(fc.array(entryArb, { maxLength: 30 }), fc.nat()), { minLength: 1, maxLength: 4 }),
        (extra, batches) => {
          const genesis: Slot[] = [
            { owner: A, token: 1, balance: 10n ** 24n, nonce: 0n },
            { owner: A, token: 2, balance: 10n ** 24n, nonce: 0n },
            { owner: B, token: 1, balance: 10n ** 24n, nonce: 0n },
            { owner: B, token: 2, balance: 10n ** 24n, nonce: 0n },
            ...extra,
          ];
          const both = new Both(genesis);
          const first = opening(genesis.length);
          expect(both.apply(first.batch, first.signers).receipts.every((r) => r.status === Reason.OK)).toBe(true);
          for (const [entries, feePick] of batches) {
            const { batch, signers } = build(both.ref.slots, entries, feePick);
            // the reference throws (and fails the property) on any untyped error or broken invariant
            const { steps, ...expected } = both.ref.applyBatch(batch, signers, { trace: true, domain: DOMAIN });
            const traced = both.wasm.traceBatch(batch, { signers });
            expect(traced.result).toEqual(expected);
            expect(traced.steps).toEqual(steps);
            expect(snapshot(both.wasm)).toEqual(both.ref.slots);
            expected.receipts.forEach((r, i) => {
              const kind = i < batch.l1Messages.length ? batch.l1Messages[i]!.kind : batch.txs[i - batch.l1Messages.length]!.type;
              seen.add(`${kind}:${reasonName(r.status)}`);
            });
            for (const [p, s] of both.ref.slots.entries()) {
              expect(s.balance >= 0n && s.balance <= MAX_U128).toBe(true);
              if (s.owner === poolAddress(p)) {
                // a pool's reserves and supply stay positive (SPEC §4.2)
                expect(both.ref.slots[p]!.balance >= 1n && both.ref.slots[p + 1]!.balance >= 1n && both.ref.slots[p + 2]!.balance >= 1000n).toBe(true);
              }
            }
          }
          both.wasm.dispose();
        },
      ),
      // pinned: the coverage check below is about this generator, so it must not depend on the run's luck
      // (an unpinned run missed transfer:OVERFLOW once in CI)
      { numRuns: 200, seed: 1 },
    );
    // the generator must reach the outcomes this file is about
    for (const outcome of [
      "forcedExit:RESERVED_OWNER",
      "forcedExit:OK",
      "transfer:OVERFLOW",
      "transfer:INSUFFICIENT_BALANCE",
      "swap:OK",
      "addLiquidity:OK",
      "removeLiquidity:OK",
      "createPool:OK",
      "transferToNew:OK",
      "withdraw:OK",
      "deposit:OK",
      "transfer:BAD_NONCE",
      "swap:BAD_SIGNATURE",
    ]) {
      expect(seen).toContain(outcome);
    }
  }, 120_000);
});

describe("a failed transaction consumes its nonce once it passed the nonce check (issue 10 item 9)", () => {
  const KEY_A = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" as const;

  it("the same signed bytes that failed in batch k fail with BAD_NONCE in batch k + 1", () => {
    const genesis: Slot[] = [
      { owner: A, token: 1, balance: 500n, nonce: 0n },
      { owner: B, token: 1, balance: 0n, nonce: 0n },
    ];
    const wasm = Engine.create({ genesis, ...DOMAIN });
    const ref = new ReferenceEngine(genesis);
    const signed = signTransaction({ type: "transfer", from: 0, to: 1, amount: 1000n, fee: 0n, nonce: 0n }, KEY_A, DOMAIN);
    const run = (batch: Batch) => {
      const got = wasm.applyBatch(batch); // recovers the signature itself
      expect(got).toEqual(
        ref.applyBatch(
          batch,
          batch.txs.map(() => A),
        ),
      );
      return got;
    };
    const k = run({ feePairs: [], l1Messages: [], txs: [signed] });
    expect(k.receipts[0]!.status).toBe(Reason.INSUFFICIENT_BALANCE);
    expect(wasm.getSlot(0)).toEqual({ owner: A, token: 1, balance: 500n, nonce: 1n });
    expect(wasm.getSlot(1).balance).toBe(0n);
    // the slot is funded now; replaying the bytes must not move the money
    const k1 = run({ feePairs: [], l1Messages: [{ kind: "deposit", owner: A, token: 1, amount: 1000n, slot: 0 }], txs: [signed] });
    expect(k1.receipts.map((r) => r.status)).toEqual([Reason.OK, Reason.BAD_NONCE]);
    expect(wasm.getSlot(0)).toEqual({ owner: A, token: 1, balance: 1500n, nonce: 1n });
    expect(wasm.getSlot(1).balance).toBe(0n);
    // a fresh signature with the next nonce does
    const again = signTransaction({ type: "transfer", from: 0, to: 1, amount: 1000n, fee: 0n, nonce: 1n }, KEY_A, DOMAIN);
    expect(run({ feePairs: [], l1Messages: [], txs: [again] }).receipts[0]!.status).toBe(Reason.OK);
    expect(wasm.getSlot(1).balance).toBe(1000n);
  });

  // A pool at 4 (reserves 4, 5, supply 6), A's LP slot 7, B's token slots 2 and 3; token 1's fees go to slot 0.
  const genesis: Slot[] = [
    { owner: A, token: 1, balance: 10n ** 24n, nonce: 0n },
    { owner: A, token: 2, balance: 10n ** 24n, nonce: 0n },
    { owner: B, token: 1, balance: 10n ** 24n, nonce: 0n },
    { owner: B, token: 3, balance: 10n ** 24n, nonce: 0n },
  ];
  const setup: Tx = { type: "createPool", fromA: 0, fromB: 1, amountA: 10n ** 20n, amountB: 10n ** 20n, feeBps: 30, nonce: 0n };
  // [description, transaction, its authorizing slot, expected reason, consumes the nonce]
  const cases: [string, Tx, number, number, boolean][] = [
    ["transfer: bad nonce", { type: "transfer", from: 0, to: 2, amount: 1n, fee: 0n, nonce: 7n }, 0, Reason.BAD_NONCE, false],
    ["transfer: unknown slot", { type: "transfer", from: 0, to: 99, amount: 1n, fee: 0n, nonce: 1n }, 0, Reason.UNKNOWN_SLOT, false],
    ["transfer: token mismatch", { type: "transfer", from: 0, to: 3, amount: 1n, fee: 0n, nonce: 1n }, 0, Reason.TOKEN_MISMATCH, true],
    ["transfer: to a pool", { type: "transfer", from: 0, to: 4, amount: 1n, fee: 0n, nonce: 1n }, 0, Reason.RESERVED_OWNER, true],
    ["transfer: no fee slot", { type: "transfer", from: 1, to: 1, amount: 1n, fee: 1n, nonce: 0n }, 1, Reason.NO_FEE_SLOT, true],
    ["transfer: insufficient balance", { type: "transfer", from: 0, to: 2, amount: 10n ** 25n, fee: 5n, nonce: 1n }, 0, Reason.INSUFFICIENT_BALANCE, true],
    [
      "transferToNew: reserved owner",
      { type: "transferToNew", from: 0, toOwner: poolAddress(4), amount: 1n, fee: 0n, nonce: 1n },
      0,
      Reason.RESERVED_OWNER,
      true,
    ],
    [
      "transferToNew: insufficient balance",
      { type: "transferToNew", from: 0, toOwner: C, amount: 10n ** 25n, fee: 0n, nonce: 1n },
      0,
      Reason.INSUFFICIENT_BALANCE,
      true,
    ],
    ["withdraw: LP token", { type: "withdraw", from: 7, amount: 1n, fee: 0n, nonce: 0n }, 7, Reason.INVALID_TOKEN, true],
    ["withdraw: insufficient balance", { type: "withdraw", from: 0, amount: 10n ** 25n, fee: 1n, nonce: 1n }, 0, Reason.INSUFFICIENT_BALANCE, true],
    [
      "createPool: owner mismatch",
      { type: "createPool", fromA: 0, fromB: 3, amountA: E18, amountB: E18, feeBps: 30, nonce: 1n },
      0,
      Reason.OWNER_MISMATCH,
      false,
    ],
    [
      "createPool: bad params",
      { type: "createPool", fromA: 0, fromB: 0, amountA: E18, amountB: E18, feeBps: 30, nonce: 1n },
      0,
      Reason.INVALID_POOL_PARAMS,
      true,
    ],
    [
      "createPool: too little",
      { type: "createPool", fromA: 0, fromB: 1, amountA: 1000n, amountB: 1000n, feeBps: 30, nonce: 1n },
      0,
      Reason.INSUFFICIENT_OUTPUT,
      true,
    ],
    [
      "addLiquidity: owner mismatch",
      { type: "addLiquidity", pool: 4, fromA: 0, fromB: 3, lpSlot: NEW_SLOT, amountA: E18, amountB: E18, minShares: 0n, nonce: 1n },
      0,
      Reason.OWNER_MISMATCH,
      false,
    ],
    [
      "addLiquidity: not a pool",
      { type: "addLiquidity", pool: 0, fromA: 0, fromB: 1, lpSlot: NEW_SLOT, amountA: E18, amountB: E18, minShares: 0n, nonce: 1n },
      0,
      Reason.NOT_A_POOL,
      true,
    ],
    [
      "addLiquidity: slippage",
      { type: "addLiquidity", pool: 4, fromA: 0, fromB: 1, lpSlot: 7, amountA: E18, amountB: E18, minShares: 10n ** 30n, nonce: 1n },
      0,
      Reason.SLIPPAGE,
      true,
    ],
    [
      "removeLiquidity: owner mismatch",
      { type: "removeLiquidity", pool: 4, lpSlot: 7, toA: 2, toB: 1, shares: 1n, minA: 0n, minB: 0n, nonce: 0n },
      7,
      Reason.OWNER_MISMATCH,
      false,
    ],
    [
      "removeLiquidity: too many shares",
      { type: "removeLiquidity", pool: 4, lpSlot: 7, toA: 0, toB: 1, shares: 10n ** 30n, minA: 0n, minB: 0n, nonce: 0n },
      7,
      Reason.INSUFFICIENT_BALANCE,
      true,
    ],
    [
      "removeLiquidity: slippage",
      { type: "removeLiquidity", pool: 4, lpSlot: 7, toA: 0, toB: 1, shares: E18, minA: 10n ** 30n, minB: 0n, nonce: 0n },
      7,
      Reason.SLIPPAGE,
      true,
    ],
    ["swap: bad signature", { type: "swap", pool: 4, from: 2, to: 1, amountIn: E18, minOut: 0n, nonce: 0n }, 2, Reason.BAD_SIGNATURE, false],
    ["swap: owner mismatch", { type: "swap", pool: 4, from: 0, to: 3, amountIn: E18, minOut: 0n, nonce: 1n }, 0, Reason.OWNER_MISMATCH, false],
    ["swap: slippage", { type: "swap", pool: 4, from: 0, to: 1, amountIn: E18, minOut: 10n ** 30n, nonce: 1n }, 0, Reason.SLIPPAGE, true],
    ["swap: nothing out", { type: "swap", pool: 4, from: 0, to: 1, amountIn: 1n, minOut: 0n, nonce: 1n }, 0, Reason.INSUFFICIENT_OUTPUT, true],
  ];
  for (const [what, tx, auth, reason, consumes] of cases) {
    it(`${what}: ${consumes ? "only the authorizing slot's nonce changes" : "nothing changes"}`, () => {
      const both = new Both(genesis);
      both.apply({ feePairs: [], l1Messages: [], txs: [unsigned(setup)] }, [A]);
      const before = both.ref.slots.map((s) => ({ ...s }));
      const got = both.apply({ feePairs: [{ token: 1, slot: 0 }], l1Messages: [], txs: [unsigned(tx)] }, [A]);
      expect(got.receipts[0]!.status).toBe(reason);
      expect(got.receipts[0]!.out).toEqual([0n, 0n]);
      expect(got.fees).toEqual([0n]);
      expect(got.withdrawals).toEqual([]);
      const after = snapshot(both.wasm);
      const want = before.map((s, i) => (i === auth && consumes ? { ...s, nonce: s.nonce + 1n } : s));
      expect(after).toEqual(want);
      if (!consumes) expect(got.postStateRoot).toBe(got.preStateRoot);
    });
  }
});

describe("one-step proofs of a failure that consumes a nonce", () => {
  it("verifyStep lands on the trace's commitment, which differs from the step before", () => {
    const KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" as const;
    const genesis: Slot[] = [
      { owner: A, token: 1, balance: 500n, nonce: 0n },
      { owner: B, token: 1, balance: 0n, nonce: 0n },
    ];
    const engine = Engine.create({ genesis, ...DOMAIN });
    const batch: Batch = {
      feePairs: [{ token: 1, slot: 1 }],
      l1Messages: [],
      txs: [signTransaction({ type: "transfer", from: 0, to: 1, amount: 1000n, fee: 1n, nonce: 0n }, KEY, DOMAIN)],
    };
    const { steps } = engine.fork().traceBatch(batch);
    const proof = proveStep(engine, batch, 0);
    const v = verifyStep(proof, entryAt(batch, 0).entry, DOMAIN);
    expect(v.status).toBe(Reason.INSUFFICIENT_BALANCE);
    expect([v.pre, v.post]).toEqual([steps[0], steps[1]]);
    expect(v.post).not.toBe(v.pre);
  });
});
