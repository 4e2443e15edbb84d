// Reference state transition in plain TypeScript (BigInt, Maps, @noble/hashes): the executable
// form of docs/SPEC.md §5–7, used as the oracle of differential tests against the WASM engine.
// It favours the obvious over the fast; each check happens in the order the spec lists.

import { keccak_256 } from "@noble/hashes/sha3.js";
import { fromHex as fromHexBytes, toHex } from "../protocol/bytes.js";
import { InvalidArgumentError, L2EngineError } from "../protocol/errors.js";
import { domainSeparator, type Eip712Domain } from "../protocol/eip712.js";
import {
  checkSlot,
  checksumAddress,
  encodeSlot,
  encodeStateCommitment,
  encodeWithdrawal,
  isLpToken,
  isReservedOwner,
  lpToken,
  poolAddress,
} from "../protocol/slot-encoding.js";
import {
  MAX_FEE_PAIRS,
  MAX_POOL_FEE_BPS,
  MAX_RESERVE,
  MAX_SLOTS,
  MAX_U128,
  MAX_U64,
  MINIMUM_LIQUIDITY,
  NEW_SLOT,
  Reason,
  type Batch,
  type BatchResult,
  type FeePair,
  type Hex,
  type L1Message,
  type Receipt,
  type ReasonCode,
  type Slot,
  type Tx,
  type Withdrawal,
} from "../protocol/types.js";
import { ReferenceMerkleTree, concat } from "./tree.js";
import { STATE_TREE_SHAPE } from "../protocol/shape.js";
import { BPS_DENOMINATOR } from "../protocol/constants.generated.js";

/** Most fee pairs one batch may list (the protocol's, SPEC §5.1). */
export { MAX_FEE_PAIRS };
/** Basis points in one, for the swap rule (SPEC §6.5). */
const BPS = BigInt(BPS_DENOMINATOR);

/** floor(sqrt(n)) for n ≥ 0 (Newton's method on bigints). */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = n;
  let y = (x + 1n) >> 1n;
  while (y < x) {
    x = y;
    y = (x + n / x) >> 1n;
  }
  return x;
}

const hex = toHex;
const sameAddress = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The reference broke an invariant of the protocol (a balance outside u128, a division by a zero
 * reserve): a bug in the reference or in the rules, never a property of the input. It is thrown
 * instead of computing on, so a differential test cannot pass over such a state silently.
 */
export class ReferenceInvariantError extends L2EngineError {
  constructor(message: string) {
    super("INVARIANT_BROKEN", message);
  }
}

/** floor(n / d) for a divisor the rules keep positive (pool reserves and share supply, SPEC §4.2). */
function div(n: bigint, d: bigint, what: string): bigint {
  if (d <= 0n) throw new ReferenceInvariantError(`${what} is ${d}; pool reserves and supply stay positive`);
  return n / d;
}

class Failure {
  constructor(readonly code: ReasonCode) {}
}

/** Throws the failure that ends validation; caught per entry. */
function fail(code: ReasonCode): never {
  throw new Failure(code);
}

export class ReferenceEngine {
  readonly slots: Slot[] = [];
  private readonly tree = new ReferenceMerkleTree(STATE_TREE_SHAPE);

  constructor(genesis: readonly Slot[] = []) {
    if (genesis.length > MAX_SLOTS) throw new InvalidArgumentError(`genesis may hold at most ${MAX_SLOTS} slots`);
    genesis.forEach((s, i) => {
      // owners are kept checksummed, as the WASM engine outputs them (D37)
      const slot = { ...checkSlot(s, `genesis[${i}]`), owner: checksumAddress(s.owner) };
      if (isReservedOwner(slot.owner)) throw new InvalidArgumentError(`genesis[${i}].owner is a reserved pool address`);
      if (isLpToken(slot.token)) throw new InvalidArgumentError(`genesis[${i}].token is an LP token id`);
      this.slots.push(slot);
      this.tree.set(i, keccak_256(encodeSlot(slot)));
    });
  }

  stateRoot(): Hex {
    return hex(keccak_256(encodeStateCommitment(this.tree.root(), this.slots.length)));
  }

  treeRoot(): Hex {
    return hex(this.tree.root());
  }

  /**
   * Applies a batch. `signers[i]` is the address recovered from `batch.txs[i]`'s signature, or
   * null when it did not recover. Throws InvalidArgumentError (and changes nothing) when the
   * batch-level fields are invalid.
   */
  applyBatch(batch: Batch, signers: readonly (Hex | null)[], options: { trace?: boolean; domain?: Eip712Domain } = {}): BatchResult & { steps?: Hex[] } {
    // a trace's step commitments bind the domain the signatures were checked under (SPEC §11.1)
    if (options.trace && options.domain === undefined) throw new InvalidArgumentError("a trace needs the batch's EIP-712 domain");
    const separator = options.trace ? domainSeparator(options.domain!) : new Uint8Array(32);
    const preStateRoot = this.stateRoot();
    const pairs = checkFeePairs(batch.feePairs);
    if (signers.length !== batch.txs.length) throw new InvalidArgumentError("one signer per transaction");
    const baseSlotCount = this.slots.length;
    const run = new BatchRun(this.slots, pairs);
    const wtree = new ReferenceMerkleTree(STATE_TREE_SHAPE);
    let inTree = 0;
    const flush = () => {
      for (const index of run.dirty) this.tree.set(index, keccak_256(encodeSlot(this.slots[index]!)));
      run.dirty.clear();
      for (; inTree < run.withdrawals.length; inTree++) wtree.set(inTree, keccak_256(encodeWithdrawal(run.withdrawals[inTree]!)));
    };
    // SPEC §11.1: keccak256(stateRoot ‖ withdrawalsRoot ‖ u32 withdrawalCount ‖ contextHash), where
    // contextHash = keccak256(domainSeparator ‖ u32 baseSlotCount ‖ per fee pair: u32 token ‖ u32 slot ‖ u128 owed)
    const steps: Hex[] = [];
    const u32be = (v: number) => {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint32(0, v);
      return b;
    };
    const u128be = (f: bigint) => {
      const b = new Uint8Array(16);
      let v = f;
      for (let i = 15; i >= 0; i--) {
        b[i] = Number(v & 0xffn);
        v >>= 8n;
      }
      return b;
    };
    const step = () => {
      if (!options.trace) return;
      flush();
      const fees = concat([separator, u32be(baseSlotCount), ...run.owed().flatMap((f, k) => [u32be(pairs[k]!.token), u32be(pairs[k]!.slot), u128be(f)])]);
      steps.push(hex(keccak_256(concat([fromHexBytes(this.stateRoot()), wtree.root(), u32be(inTree), keccak_256(fees)]))));
    };
    const receipts: Receipt[] = [];
    step();
    for (const msg of batch.l1Messages) {
      receipts.push(run.entry(() => run.l1(msg)));
      step();
    }
    batch.txs.forEach((tx, i) => {
      receipts.push(run.entry(() => run.tx(tx, signers[i] ?? null)));
      step();
    });
    const credited = run.settle();
    step();
    flush();
    return {
      ...(options.trace ? { steps } : {}),
      preStateRoot,
      postStateRoot: this.stateRoot(),
      postTreeRoot: this.treeRoot(),
      slotCount: this.slots.length,
      receipts,
      withdrawals: run.withdrawals,
      withdrawalsRoot: hex(wtree.root()),
      fees: [...run.owed()],
      feesCredited: credited,
    };
  }
}

/**
 * At most MAX_FEE_PAIRS pairs of u32s with strictly increasing tokens (SPEC §5.1); nothing about
 * the state is checked: settlement decides per pair whether its slot can take the fees.
 */
function checkFeePairs(pairs: readonly FeePair[]): FeePair[] {
  if (!Array.isArray(pairs) || pairs.length > MAX_FEE_PAIRS) {
    throw new InvalidArgumentError(`feePairs must be an array of at most ${MAX_FEE_PAIRS} pairs`);
  }
  const u32 = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;
  return pairs.map((p, k) => {
    if (p === null || typeof p !== "object" || !u32(p.token) || !u32(p.slot)) {
      throw new InvalidArgumentError(`feePairs[${k}] must be { token, slot } with u32 values`);
    }
    if (k > 0 && p.token <= pairs[k - 1]!.token) throw new InvalidArgumentError(`feePairs[${k}].token must be greater than the one before`);
    return { token: p.token, slot: p.slot };
  });
}

/** A deposit that failed: its refund was appended to the withdrawals. */
class RefundFailure extends Failure {
  constructor(
    code: ReasonCode,
    readonly withdrawalIndex: bigint,
    readonly amount: bigint,
  ) {
    super(code);
  }
}

/** One batch in progress: the entry semantics of docs/SPEC.md §6–7. */
class BatchRun {
  readonly dirty = new Set<number>();
  readonly withdrawals: Withdrawal[] = [];
  private readonly pending: bigint[];
  private touched: number[] = [];
  /** The slot whose nonce the current transaction passed, or -1 before its nonce check. */
  private nonceSlot = -1;

  constructor(
    private readonly slots: Slot[],
    private readonly pairs: readonly FeePair[],
  ) {
    this.pending = pairs.map(() => 0n);
  }

  entry(apply: () => [bigint, bigint] | void): Receipt {
    this.touched = [];
    let receipt: Receipt;
    try {
      const out = apply() ?? [0n, 0n];
      receipt = { status: Reason.OK, touched: this.touched, out };
    } catch (e) {
      if (!(e instanceof Failure)) throw e;
      const out: [bigint, bigint] = e instanceof RefundFailure ? [e.withdrawalIndex, e.amount] : [0n, 0n];
      receipt = { status: e.code, touched: this.touched, out };
    }
    // every slot an entry can write is touched (SPEC §6)
    for (const i of this.touched) if (this.exists(i)) this.checkInvariant(i);
    return receipt;
  }

  /** Balances stay u128 and nonces u64 at all times. */
  private checkInvariant(i: number): void {
    const s = this.slot(i);
    if (s.balance < 0n || s.balance > MAX_U128) throw new ReferenceInvariantError(`slot ${i}: balance ${s.balance} is outside u128`);
    this.pending.forEach((f, k) => {
      if (f < 0n || f > MAX_U128) throw new ReferenceInvariantError(`fee pair ${k}: owed ${f} is outside u128`);
    });
    if (s.nonce < 0n || s.nonce > MAX_U64) throw new ReferenceInvariantError(`slot ${i}: nonce ${s.nonce} is outside u64`);
  }

  /** The fees owed so far, in fee-pair order. */
  owed(): bigint[] {
    return this.pending;
  }

  /**
   * SPEC §5.1 settlement: each pair's owed fee is credited to its slot when that slot exists now,
   * holds the pair's token, is not pool-owned and has room; otherwise it is burned. Returns what
   * each pair's slot was credited.
   */
  settle(): bigint[] {
    return this.pairs.map(({ token, slot: s }, k) => {
      const owed = this.pending[k]!;
      const slot = this.slots[s];
      if (owed === 0n || slot === undefined || slot.token !== token || isReservedOwner(slot.owner) || slot.balance + owed > MAX_U128) return 0n;
      slot.balance += owed;
      this.dirty.add(s);
      return owed;
    });
  }

  // ---- helpers ----

  private touch(...indices: number[]): void {
    for (const i of indices) if (!this.touched.includes(i)) this.touched.push(i);
  }

  private exists(i: number): boolean {
    return i < this.slots.length;
  }

  private slot(i: number): Slot {
    return this.slots[i]!;
  }

  /** A credit of `amount` to slot `i` fits in u128 (owed fees are not counted: SPEC §5.1). */
  private fits(i: number, amount: bigint): boolean {
    return this.slot(i).balance + amount <= MAX_U128;
  }

  /** The fee pair for `token`, from the batch's list alone (SPEC §5.1); NO_FEE_SLOT for a fee without one. */
  private checkFee(token: number, fee: bigint): number {
    const k = this.pairs.findIndex((p) => p.token === token);
    if (fee > 0n && k < 0) fail(Reason.NO_FEE_SLOT);
    return k;
  }

  /** The fee fits what pair k is owed: owed + fee ≤ 2^128 − 1 (SPEC §5.1). */
  private checkFeeFits(k: number, fee: bigint): void {
    if (k >= 0 && this.pending[k]! + fee > MAX_U128) fail(Reason.OVERFLOW);
  }

  /** The nonce check; once it passes, slot i's nonce is consumed whatever follows (SPEC §6). */
  private checkNonce(i: number, nonce: bigint): void {
    const s = this.slot(i);
    if (nonce !== s.nonce || s.nonce === MAX_U64) fail(Reason.BAD_NONCE);
    this.nonceSlot = i;
  }

  private mark(...indices: number[]): void {
    for (const i of indices) this.dirty.add(i);
  }

  private create(slot: Slot): number {
    const index = this.slots.length;
    this.slots.push({ ...slot, owner: checksumAddress(slot.owner) });
    this.mark(index);
    this.touch(index);
    return index;
  }

  private withdraw(w: Withdrawal): [bigint, bigint] {
    this.withdrawals.push({ ...w, owner: checksumAddress(w.owner) });
    return [BigInt(this.withdrawals.length - 1), w.amount];
  }

  /** The pool at `pool`: its reserve slots and LP-supply slot, after touch and existence checks. */
  private poolSlots(pool: number): void {
    if (pool + 2 < this.slots.length) this.touch(pool, pool + 1, pool + 2);
    else this.touch(pool);
  }

  private checkPool(pool: number): { a: Slot; b: Slot; supply: Slot; feeBps: bigint } {
    const a = this.slot(pool);
    if (!sameAddress(a.owner, poolAddress(pool))) fail(Reason.NOT_A_POOL);
    return { a, b: this.slot(pool + 1), supply: this.slot(pool + 2), feeBps: a.nonce };
  }

  // ---- L1 messages ----

  l1(msg: L1Message): [bigint, bigint] | void {
    if (msg.kind === "deposit") {
      const { owner, token, amount } = msg;
      const named = msg.slot;
      if (named !== undefined) this.touch(named);
      const refund = (code: ReasonCode): never => {
        this.withdrawals.push({ owner: checksumAddress(owner), token, amount });
        throw new RefundFailure(code, BigInt(this.withdrawals.length - 1), amount);
      };
      if (isLpToken(token)) refund(Reason.INVALID_TOKEN);
      if (isReservedOwner(owner)) refund(Reason.RESERVED_OWNER);
      if (named !== undefined && this.exists(named)) {
        const s = this.slot(named);
        if (sameAddress(s.owner, owner) && s.token === token && this.fits(named, amount)) {
          s.balance += amount;
          this.mark(named);
          return;
        }
      }
      if (this.slots.length >= MAX_SLOTS) refund(Reason.CAPACITY);
      this.create({ owner: owner.toLowerCase() as Hex, token, balance: amount, nonce: 0n });
      return;
    }
    // forced exit: a pool's reserves leave only through the AMM (SPEC §4.2)
    this.touch(msg.slot);
    if (isReservedOwner(msg.owner)) fail(Reason.RESERVED_OWNER);
    if (!this.exists(msg.slot)) fail(Reason.UNKNOWN_SLOT);
    const s = this.slot(msg.slot);
    if (!sameAddress(s.owner, msg.owner)) fail(Reason.OWNER_MISMATCH);
    if (isLpToken(s.token)) fail(Reason.INVALID_TOKEN);
    const amount = s.balance;
    s.balance = 0n;
    this.mark(msg.slot);
    return this.withdraw({ owner: s.owner, token: s.token, amount });
  }

  // ---- L2 transactions ----

  /**
   * One transaction. Once its nonce check has passed, the authorizing slot's nonce is consumed
   * whether it then succeeds or fails (SPEC §6), so its signed bytes cannot succeed later.
   */
  tx(tx: Tx, signer: Hex | null): [bigint, bigint] | void {
    this.nonceSlot = -1;
    try {
      return this.execute(tx, signer);
    } finally {
      if (this.nonceSlot >= 0) {
        this.slot(this.nonceSlot).nonce += 1n;
        this.mark(this.nonceSlot);
      }
    }
  }

  private execute(tx: Tx, signer: Hex | null): [bigint, bigint] | void {
    switch (tx.type) {
      case "transfer": {
        this.touch(tx.from, tx.to);
        if (!this.exists(tx.from) || !this.exists(tx.to)) fail(Reason.UNKNOWN_SLOT);
        const from = this.slot(tx.from);
        const to = this.slot(tx.to);
        this.checkSigner(from, signer);
        this.checkNonce(tx.from, tx.nonce);
        if (to.token !== from.token) fail(Reason.TOKEN_MISMATCH);
        // pool reserves move only through the AMM, so they stay below MAX_RESERVE
        if (isReservedOwner(to.owner)) fail(Reason.RESERVED_OWNER);
        const k = this.checkFee(from.token, tx.fee);
        if (tx.amount + tx.fee > from.balance) fail(Reason.INSUFFICIENT_BALANCE);
        if (tx.to !== tx.from && !this.fits(tx.to, tx.amount)) fail(Reason.OVERFLOW);
        // `to` may be the fee slot itself: then its balance takes the amount and its owed fees the fee
        this.checkFeeFits(k, tx.fee);
        from.balance -= tx.amount + tx.fee;
        to.balance += tx.amount;
        if (k >= 0) this.pending[k]! += tx.fee;
        this.mark(tx.from, tx.to);
        return;
      }
      case "transferToNew": {
        this.touch(tx.from);
        if (!this.exists(tx.from)) fail(Reason.UNKNOWN_SLOT);
        const from = this.slot(tx.from);
        this.checkSigner(from, signer);
        this.checkNonce(tx.from, tx.nonce);
        if (isReservedOwner(tx.toOwner)) fail(Reason.RESERVED_OWNER);
        const k = this.checkFee(from.token, tx.fee);
        if (tx.amount + tx.fee > from.balance) fail(Reason.INSUFFICIENT_BALANCE);
        this.checkFeeFits(k, tx.fee);
        if (this.slots.length >= MAX_SLOTS) fail(Reason.CAPACITY);
        from.balance -= tx.amount + tx.fee;
        if (k >= 0) this.pending[k]! += tx.fee;
        this.mark(tx.from);
        this.create({ owner: tx.toOwner.toLowerCase() as Hex, token: from.token, balance: tx.amount, nonce: 0n });
        return;
      }
      case "withdraw": {
        this.touch(tx.from);
        if (!this.exists(tx.from)) fail(Reason.UNKNOWN_SLOT);
        const from = this.slot(tx.from);
        this.checkSigner(from, signer);
        this.checkNonce(tx.from, tx.nonce);
        if (isLpToken(from.token)) fail(Reason.INVALID_TOKEN);
        const k = this.checkFee(from.token, tx.fee);
        if (tx.amount + tx.fee > from.balance) fail(Reason.INSUFFICIENT_BALANCE);
        this.checkFeeFits(k, tx.fee);
        from.balance -= tx.amount + tx.fee;
        if (k >= 0) this.pending[k]! += tx.fee;
        this.mark(tx.from);
        return this.withdraw({ owner: from.owner, token: from.token, amount: tx.amount });
      }
      case "createPool": {
        this.touch(tx.fromA, tx.fromB);
        if (!this.exists(tx.fromA) || !this.exists(tx.fromB)) fail(Reason.UNKNOWN_SLOT);
        const a = this.slot(tx.fromA);
        const b = this.slot(tx.fromB);
        this.checkSigner(a, signer);
        if (!sameAddress(b.owner, a.owner)) fail(Reason.OWNER_MISMATCH);
        this.checkNonce(tx.fromA, tx.nonce);
        if (isLpToken(a.token) || isLpToken(b.token)) fail(Reason.INVALID_TOKEN);
        if (a.token === b.token || tx.feeBps > MAX_POOL_FEE_BPS || tx.amountA === 0n || tx.amountB === 0n) {
          fail(Reason.INVALID_POOL_PARAMS);
        }
        if (tx.amountA > a.balance || tx.amountB > b.balance) fail(Reason.INSUFFICIENT_BALANCE);
        if (tx.amountA > MAX_RESERVE || tx.amountB > MAX_RESERVE) fail(Reason.OVERFLOW);
        const shares = isqrt(tx.amountA * tx.amountB);
        if (shares <= MINIMUM_LIQUIDITY) fail(Reason.INSUFFICIENT_OUTPUT);
        if (this.slots.length + 4 > MAX_SLOTS) fail(Reason.CAPACITY);
        a.balance -= tx.amountA;
        b.balance -= tx.amountB;
        this.mark(tx.fromA, tx.fromB);
        const n = this.slots.length;
        const p = poolAddress(n);
        this.create({ owner: p, token: a.token, balance: tx.amountA, nonce: BigInt(tx.feeBps) });
        this.create({ owner: p, token: b.token, balance: tx.amountB, nonce: 0n });
        this.create({ owner: p, token: lpToken(n), balance: shares, nonce: 0n });
        this.create({ owner: a.owner, token: lpToken(n), balance: shares - MINIMUM_LIQUIDITY, nonce: 0n });
        return [shares - MINIMUM_LIQUIDITY, 0n];
      }
      case "addLiquidity": {
        this.touch(tx.fromA, tx.fromB);
        if (tx.lpSlot !== NEW_SLOT) this.touch(tx.lpSlot);
        this.poolSlots(tx.pool);
        const newLp = tx.lpSlot === NEW_SLOT;
        if (!this.exists(tx.fromA) || !this.exists(tx.fromB) || (!newLp && !this.exists(tx.lpSlot)) || !this.exists(tx.pool + 2)) {
          fail(Reason.UNKNOWN_SLOT);
        }
        const fa = this.slot(tx.fromA);
        const fb = this.slot(tx.fromB);
        this.checkSigner(fa, signer);
        if (!sameAddress(fb.owner, fa.owner) || (!newLp && !sameAddress(this.slot(tx.lpSlot).owner, fa.owner))) {
          fail(Reason.OWNER_MISMATCH);
        }
        this.checkNonce(tx.fromA, tx.nonce);
        const pool = this.checkPool(tx.pool);
        if (fa.token !== pool.a.token || fb.token !== pool.b.token || (!newLp && this.slot(tx.lpSlot).token !== lpToken(tx.pool))) {
          fail(Reason.TOKEN_MISMATCH);
        }
        const rA = pool.a.balance;
        const rB = pool.b.balance;
        const supply = pool.supply.balance;
        let useA = tx.amountA;
        let useB = div(tx.amountA * rB, rA, `pool ${tx.pool} reserve A`);
        if (useB > tx.amountB) {
          useA = div(tx.amountB * rA, rB, `pool ${tx.pool} reserve B`);
          useB = tx.amountB;
        }
        const sA = div(useA * supply, rA, `pool ${tx.pool} reserve A`);
        const sB = div(useB * supply, rB, `pool ${tx.pool} reserve B`);
        const shares = sA < sB ? sA : sB;
        if (useA > fa.balance || useB > fb.balance) fail(Reason.INSUFFICIENT_BALANCE);
        if (rA + useA > MAX_RESERVE || rB + useB > MAX_RESERVE || supply + shares > MAX_U128) fail(Reason.OVERFLOW);
        if (!newLp && !this.fits(tx.lpSlot, shares)) fail(Reason.OVERFLOW);
        if (shares < tx.minShares) fail(Reason.SLIPPAGE);
        if (shares === 0n) fail(Reason.INSUFFICIENT_OUTPUT);
        if (newLp && this.slots.length >= MAX_SLOTS) fail(Reason.CAPACITY);
        fa.balance -= useA;
        fb.balance -= useB;
        pool.a.balance += useA;
        pool.b.balance += useB;
        pool.supply.balance += shares;
        this.mark(tx.fromA, tx.fromB, tx.pool, tx.pool + 1, tx.pool + 2);
        if (newLp) this.create({ owner: fa.owner, token: lpToken(tx.pool), balance: shares, nonce: 0n });
        else {
          this.slot(tx.lpSlot).balance += shares;
          this.mark(tx.lpSlot);
        }
        return [shares, 0n];
      }
      case "removeLiquidity": {
        this.touch(tx.lpSlot, tx.toA, tx.toB);
        this.poolSlots(tx.pool);
        if (!this.exists(tx.lpSlot) || !this.exists(tx.toA) || !this.exists(tx.toB) || !this.exists(tx.pool + 2)) {
          fail(Reason.UNKNOWN_SLOT);
        }
        const lp = this.slot(tx.lpSlot);
        const ta = this.slot(tx.toA);
        const tb = this.slot(tx.toB);
        this.checkSigner(lp, signer);
        if (!sameAddress(ta.owner, lp.owner) || !sameAddress(tb.owner, lp.owner)) fail(Reason.OWNER_MISMATCH);
        this.checkNonce(tx.lpSlot, tx.nonce);
        const pool = this.checkPool(tx.pool);
        if (lp.token !== lpToken(tx.pool) || ta.token !== pool.a.token || tb.token !== pool.b.token) fail(Reason.TOKEN_MISMATCH);
        if (tx.shares > lp.balance) fail(Reason.INSUFFICIENT_BALANCE);
        const supply = pool.supply.balance;
        const outA = div(tx.shares * pool.a.balance, supply, `pool ${tx.pool} share supply`);
        const outB = div(tx.shares * pool.b.balance, supply, `pool ${tx.pool} share supply`);
        if (!this.fits(tx.toA, outA) || !this.fits(tx.toB, outB)) fail(Reason.OVERFLOW);
        if (outA < tx.minA || outB < tx.minB) fail(Reason.SLIPPAGE);
        lp.balance -= tx.shares;
        pool.supply.balance -= tx.shares;
        pool.a.balance -= outA;
        pool.b.balance -= outB;
        ta.balance += outA;
        tb.balance += outB;
        this.mark(tx.lpSlot, tx.toA, tx.toB, tx.pool, tx.pool + 1, tx.pool + 2);
        return [outA, outB];
      }
      case "swap": {
        this.touch(tx.from, tx.to);
        this.poolSlots(tx.pool);
        if (!this.exists(tx.from) || !this.exists(tx.to) || !this.exists(tx.pool + 2)) fail(Reason.UNKNOWN_SLOT);
        const from = this.slot(tx.from);
        const to = this.slot(tx.to);
        this.checkSigner(from, signer);
        if (!sameAddress(to.owner, from.owner)) fail(Reason.OWNER_MISMATCH);
        this.checkNonce(tx.from, tx.nonce);
        const pool = this.checkPool(tx.pool);
        const aToB = from.token === pool.a.token;
        if ((!aToB && from.token !== pool.b.token) || to.token !== (aToB ? pool.b.token : pool.a.token)) {
          fail(Reason.TOKEN_MISMATCH);
        }
        if (tx.amountIn > from.balance) fail(Reason.INSUFFICIENT_BALANCE);
        const rIn = aToB ? pool.a : pool.b;
        const rOut = aToB ? pool.b : pool.a;
        if (rIn.balance + tx.amountIn > MAX_RESERVE) fail(Reason.OVERFLOW);
        const inWithFee = tx.amountIn * (BPS - pool.feeBps);
        const out = div(inWithFee * rOut.balance, rIn.balance * BPS + inWithFee, `pool ${tx.pool} input reserve`);
        if (out < tx.minOut) fail(Reason.SLIPPAGE);
        if (out === 0n) fail(Reason.INSUFFICIENT_OUTPUT);
        if (!this.fits(tx.to, out)) fail(Reason.OVERFLOW);
        from.balance -= tx.amountIn;
        rIn.balance += tx.amountIn;
        rOut.balance -= out;
        to.balance += out;
        this.mark(tx.from, tx.to, tx.pool, tx.pool + 1);
        return [out, 0n];
      }
    }
  }

  /** No key signs for a reserved (pool) owner, so a pool slot never authorizes anything (SPEC §4.1). */
  private checkSigner(slot: Slot, signer: Hex | null): void {
    if (signer === null || isReservedOwner(slot.owner) || !sameAddress(slot.owner, signer)) fail(Reason.BAD_SIGNATURE);
  }
}
