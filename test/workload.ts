// Random batch workloads for differential tests and benches: every transaction type and every
// failure reason, generated from a seed against the current state so most entries are plausible.

import {
  MAX_RESERVE,
  MAX_U128,
  NEW_SLOT,
  type Batch,
  type FeePair,
  type Hex,
  type L1Message,
  type SignedTx,
  type Slot,
  type Tx,
} from "../src/protocol/types.js";
import { isLpToken, isReservedOwner, poolAddress } from "../src/protocol/slot-encoding.js";
import type { Eip712Domain } from "../src/protocol/eip712.js";
import { signTransaction } from "../src/protocol/signatures.js";

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.s = x;
    return x;
  }
  int(n: number): number {
    return this.next() % n;
  }
  chance(p: number): boolean {
    return this.next() / 2 ** 32 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  big(max: bigint): bigint {
    if (max <= 0n) return 0n;
    let v = 0n;
    for (let i = 0; i < 5; i++) v = (v << 32n) | BigInt(this.next());
    return v % (max + 1n);
  }
  /** An amount: usually a fraction of `bal`, sometimes an edge value. */
  amount(bal: bigint): bigint {
    const r = this.int(10);
    if (r === 0) return 0n;
    if (r === 1) return bal;
    if (r === 2) return bal + 1n > MAX_U128 ? MAX_U128 : bal + 1n;
    if (r === 3) return this.big(MAX_U128);
    return bal === 0n ? this.big(1000n) : this.big(bal / 2n);
  }
}

export function address(n: number): Hex {
  return `0x${(0xa0000000 + n)
    .toString(16)
    .padStart(40, "0")
    .replace(/^00000000/, "abcdef01")}` as Hex;
}

export function genesis(rng: Rng, owners: number, slots: number, tokens: number): Slot[] {
  const out: Slot[] = [];
  for (let i = 0; i < slots; i++) {
    const r = rng.int(12);
    const balance = r === 0 ? MAX_U128 : r === 1 ? 0n : r === 2 ? MAX_RESERVE : rng.big(r < 6 ? 10n ** 30n : 10n ** 6n);
    out.push({ owner: address(rng.int(owners)), token: 1 + rng.int(tokens), balance, nonce: rng.chance(0.1) ? BigInt(rng.int(5)) : 0n });
  }
  return out;
}

/** A view of the state the generator needs. */
export interface StateView {
  slotCount(): number;
  slot(i: number): Slot;
}

export interface GeneratedBatch {
  batch: Batch;
  signers: (Hex | null)[];
}

/** One batch of `size` entries drawn against `state` (which is not modified). */
export function generateBatch(rng: Rng, state: StateView, size: number, owners: number): GeneratedBatch {
  const count = state.slotCount();
  const slot = (i: number) => state.slot(i);
  const userSlots = [...Array(count).keys()].filter((i) => !isReservedOwner(slot(i).owner));
  const pools = [...Array(count).keys()].filter((i) => i + 2 < count && slot(i).owner === poolAddress(i));
  const nonces = new Map<number, bigint>();
  const nextNonce = (i: number) => {
    if (i >= count) return 0n;
    const n = nonces.get(i) ?? slot(i).nonce;
    nonces.set(i, n + 1n);
    return rng.chance(0.08) ? n + 1n : n;
  };
  const anySlot = () => (rng.chance(0.04) ? count + rng.int(5) : userSlots.length ? rng.pick(userSlots) : 0);
  const sameOwnerToken = (i: number, token?: number) => {
    if (i >= count) return anySlot();
    const want = token ?? slot(i).token;
    const c = userSlots.filter((j) => slot(j).owner === slot(i).owner && slot(j).token === want);
    return c.length && rng.chance(0.85) ? rng.pick(c) : anySlot();
  };
  // fee pairs (SPEC §5.1): mostly a user slot of the pair's token; sometimes a slot that cannot take
  // the fees (another token, not yet created, a pool's), so that settlement burns them
  const feePairs: FeePair[] = [];
  for (let k = 0; k < 3 && userSlots.length; k++) {
    const s = rng.pick(userSlots);
    const token = slot(s).token;
    if (feePairs.some((p) => p.token === token)) continue;
    const odd = rng.chance(0.15) ? (rng.chance(0.5) ? count + rng.int(3) : rng.int(count)) : s;
    feePairs.push({ token, slot: odd });
  }
  feePairs.sort((x, y) => x.token - y.token);
  const l1Messages: L1Message[] = [];
  const txs: SignedTx[] = [];
  const signers: (Hex | null)[] = [];
  for (let e = 0; e < size; e++) {
    const kind = rng.int(20);
    if (kind < 3) {
      const target = userSlots.length && rng.chance(0.6) ? rng.pick(userSlots) : undefined;
      const base = target !== undefined ? slot(target) : undefined;
      l1Messages.push({
        kind: "deposit",
        owner: base && rng.chance(0.8) ? base.owner : rng.chance(0.05) ? poolAddress(3) : address(rng.int(owners + 2)),
        token: base && rng.chance(0.8) ? base.token : rng.chance(0.05) ? 0x80000005 : 1 + rng.int(4),
        amount: rng.amount(10n ** 20n),
        slot: target,
      });
      continue;
    }
    if (kind === 3) {
      const s = anySlot();
      l1Messages.push({ kind: "forcedExit", slot: s, owner: s < count && rng.chance(0.8) ? slot(s).owner : address(rng.int(owners)) });
      continue;
    }
    let tx: Tx;
    let auth: number;
    const t = rng.int(16);
    if (t < 5) {
      const from = anySlot();
      const to = rng.chance(0.1)
        ? from
        : rng.chance(0.05) && pools.length
          ? rng.pick(pools)
          : sameOwnerToken(rng.chance(0.5) ? from : anySlot(), from < count ? slot(from).token : undefined);
      const bal = from < count ? slot(from).balance : 0n;
      tx = { type: "transfer", from, to, amount: rng.amount(bal), fee: rng.chance(0.5) ? 0n : rng.amount(bal / 100n), nonce: nextNonce(from) };
      auth = from;
    } else if (t < 7) {
      const from = anySlot();
      const bal = from < count ? slot(from).balance : 0n;
      tx = {
        type: "transferToNew",
        from,
        toOwner: rng.chance(0.05) ? poolAddress(9) : address(rng.int(owners + 3)),
        amount: rng.amount(bal),
        fee: rng.chance(0.6) ? 0n : rng.amount(bal / 100n),
        nonce: nextNonce(from),
      };
      auth = from;
    } else if (t < 8) {
      const from = anySlot();
      const bal = from < count ? slot(from).balance : 0n;
      tx = { type: "withdraw", from, amount: rng.amount(bal), fee: rng.chance(0.6) ? 0n : rng.amount(bal / 100n), nonce: nextNonce(from) };
      auth = from;
    } else if (t < 10) {
      const fromA = anySlot();
      const fromB =
        rng.chance(0.85) && fromA < count
          ? (() => {
              const c = userSlots.filter((j) => slot(j).owner === slot(fromA).owner && slot(j).token !== slot(fromA).token);
              return c.length ? rng.pick(c) : anySlot();
            })()
          : anySlot();
      const balA = fromA < count ? slot(fromA).balance : 0n;
      const balB = fromB < count ? slot(fromB).balance : 0n;
      tx = {
        type: "createPool",
        fromA,
        fromB,
        amountA: rng.chance(0.1) ? rng.big(2000n) : rng.amount(balA),
        amountB: rng.chance(0.1) ? rng.big(2000n) : rng.amount(balB),
        feeBps: rng.chance(0.1) ? 1000 + rng.int(3) : rng.pick([0, 5, 30, 100]),
        nonce: nextNonce(fromA),
      };
      auth = fromA;
    } else {
      const pool = pools.length && rng.chance(0.9) ? rng.pick(pools) : anySlot();
      const tA = pool + 1 < count ? slot(pool).token : 1;
      const tB = pool + 1 < count ? slot(pool + 1).token : 2;
      const lpTok = (0x80000000 | pool) >>> 0;
      const someone = userSlots.length ? slot(rng.pick(userSlots)).owner : address(0);
      const ownedBy = (owner: string, token: number) => {
        const c = userSlots.filter((j) => slot(j).owner === owner && slot(j).token === token);
        return c.length && rng.chance(0.9) ? rng.pick(c) : anySlot();
      };
      if (t < 12) {
        const fromA = ownedBy(someone, tA);
        const fromB = ownedBy(someone, tB);
        const lp = rng.chance(0.5) ? NEW_SLOT : ownedBy(someone, lpTok);
        const balA = fromA < count ? slot(fromA).balance : 0n;
        const balB = fromB < count ? slot(fromB).balance : 0n;
        tx = {
          type: "addLiquidity",
          pool,
          fromA,
          fromB,
          lpSlot: lp,
          amountA: rng.amount(balA),
          amountB: rng.amount(balB),
          minShares: rng.chance(0.8) ? 0n : rng.big(10n ** 12n),
          nonce: nextNonce(fromA),
        };
        auth = fromA;
      } else if (t < 13) {
        const lpHolders = userSlots.filter((j) => slot(j).token === lpTok);
        const lpSlot = lpHolders.length && rng.chance(0.9) ? rng.pick(lpHolders) : anySlot();
        const owner = lpSlot < count ? slot(lpSlot).owner : someone;
        const bal = lpSlot < count ? slot(lpSlot).balance : 0n;
        tx = {
          type: "removeLiquidity",
          pool,
          lpSlot,
          toA: ownedBy(owner, tA),
          toB: ownedBy(owner, tB),
          shares: rng.amount(bal),
          minA: rng.chance(0.8) ? 0n : rng.big(10n ** 12n),
          minB: 0n,
          nonce: nextNonce(lpSlot),
        };
        auth = lpSlot;
      } else {
        const aToB = rng.chance(0.5);
        const from = ownedBy(someone, aToB ? tA : tB);
        const to = ownedBy(someone, aToB ? tB : tA);
        const bal = from < count ? slot(from).balance : 0n;
        tx = { type: "swap", pool, from, to, amountIn: rng.amount(bal), minOut: rng.chance(0.8) ? 0n : rng.big(10n ** 15n), nonce: nextNonce(from) };
        auth = from;
      }
    }
    const owner = auth < count ? slot(auth).owner : address(0);
    const r = rng.int(20);
    signers.push(r === 0 ? null : r === 1 ? address(owners + 7) : owner);
    txs.push({ ...tx, signature: "0x" } as SignedTx);
  }
  // keep LP-token deposits and reserved owners rare but present
  void isLpToken;
  return { batch: { feePairs, l1Messages, txs }, signers };
}

/**
 * A random workload over the state `engine` holds, signed for real with `keys` (index i signs for
 * owner `addressOf(keys[i])`); entries meant for a signer outside the keys get the last key, which
 * owns nothing, so they fail as BAD_SIGNATURE — verifiers recover every signer themselves.
 */
export function signedWorkload(
  seed: number,
  engine: { slotCount(): number; getSlot(i: number): Slot },
  size: number,
  keys: readonly Hex[],
  owners: readonly Hex[],
  domain: Eip712Domain,
): Batch {
  const rng = new Rng(seed);
  const view = { slotCount: () => engine.slotCount(), slot: (i: number) => engine.getSlot(i) };
  const { batch, signers } = generateBatch(rng, view, size, owners.length);
  const txs = batch.txs.map((tx, i) => {
    const k = owners.indexOf(signers[i] as Hex);
    return signTransaction(tx as Tx, keys[k >= 0 ? k : keys.length - 1]!, domain) as SignedTx;
  });
  return { ...batch, txs };
}
