// The protocol's data model (docs/SPEC.md §4–§7): slots, L1 inbox messages, L2 transactions,
// batches and receipts. Amounts are bigint (u128), slot indices and tokens are numbers (u32),
// addresses are 0x-prefixed hex strings.

import { InvalidArgumentError } from "./errors.js";

import type { Hex } from "./bytes.js";
export type { Hex } from "./bytes.js";

/** One state slot: an owner's balance of one token. Leaf = keccak256(encodeSlot(slot)). */
export interface Slot {
  owner: Hex;
  token: number;
  balance: bigint;
  nonce: bigint;
}

export const MAX_U128 = (1n << 128n) - 1n;
export const MAX_U64 = (1n << 64n) - 1n;
/** Pool reserves and the amounts that reach them stay below 2^112 (as Uniswap v2's uint112). */
export const MAX_RESERVE = (1n << 112n) - 1n;
/** Slots the state may hold (docs/DECISIONS.md D2). */
export const MAX_SLOTS = 1 << 24;
/** Tokens with this bit set are LP shares of a pool; they exist only on L2. */
export const LP_TOKEN_FLAG = 0x80000000;
/** Shares locked forever in every pool at creation, so reserves never reach zero. */
export const MINIMUM_LIQUIDITY = 1000n;
/** Largest pool fee, in basis points (10%). */
export const MAX_POOL_FEE_BPS = 1000;
/** `lpSlot` value in AddLiquidity asking for a new LP slot. */
export const NEW_SLOT = 0xffffffff;

/** Messages from the L1 inbox: no signature; the L1 contract authenticated them. */
export type L1Message =
  /** Credits `slot` if it exists with this owner and token, otherwise creates a slot. */
  | { kind: "deposit"; owner: Hex; token: number; amount: bigint; slot?: number }
  /** Withdraws the whole balance of `slot` to its owner; the sequencer cannot skip it. */
  | { kind: "forcedExit"; owner: Hex; slot: number };

export type TxType =
  | "transfer"
  | "transferToNew"
  | "withdraw"
  | "createPool"
  | "addLiquidity"
  | "removeLiquidity"
  | "swap";

/** L2 transactions as signed by their owner (EIP-712, docs/SPEC.md §6). */
export type Tx =
  | { type: "transfer"; from: number; to: number; amount: bigint; fee: bigint; nonce: bigint }
  | { type: "transferToNew"; from: number; toOwner: Hex; amount: bigint; fee: bigint; nonce: bigint }
  | { type: "withdraw"; from: number; amount: bigint; fee: bigint; nonce: bigint }
  | { type: "createPool"; fromA: number; fromB: number; amountA: bigint; amountB: bigint; feeBps: number; nonce: bigint }
  | {
      type: "addLiquidity";
      pool: number;
      fromA: number;
      fromB: number;
      lpSlot: number;
      amountA: bigint;
      amountB: bigint;
      minShares: bigint;
      nonce: bigint;
    }
  | {
      type: "removeLiquidity";
      pool: number;
      lpSlot: number;
      toA: number;
      toB: number;
      shares: bigint;
      minA: bigint;
      minB: bigint;
      nonce: bigint;
    }
  | { type: "swap"; pool: number; from: number; to: number; amountIn: bigint; minOut: bigint; nonce: bigint };

/** A transaction with its 65-byte secp256k1 signature (r ‖ s ‖ v, v ∈ {27, 28}). */
export type SignedTx = Tx & { signature: Hex };

/** The slot whose owner must sign `tx` and whose nonce it uses. */
export function authorizingSlot(tx: Tx): number {
  switch (tx.type) {
    case "transfer":
    case "transferToNew":
    case "withdraw":
    case "swap":
      return tx.from;
    case "createPool":
    case "addLiquidity":
      return tx.fromA;
    case "removeLiquidity":
      return tx.lpSlot;
  }
}

/**
 * Where a batch's fees in one token go (SPEC §5.1): fees paid in `token` are owed to the pair and
 * credited to `slot` at settlement, or burned when that slot cannot take them.
 */
export interface FeePair {
  token: number;
  slot: number;
}

/** Most fee pairs one batch may list. */
export const MAX_FEE_PAIRS = 16;

/** What the sequencer puts in a batch. */
export interface Batch {
  /**
   * Fee pairs, at most {@link MAX_FEE_PAIRS}, tokens strictly increasing (one pair per token).
   * Fees are owed during the batch and settled after the last transaction (SPEC §5.1).
   */
  feePairs: FeePair[];
  /** L1 inbox messages consumed by this batch, applied first, in inbox order. */
  l1Messages: L1Message[];
  /** Signed L2 transactions, applied in order after the L1 messages. */
  txs: SignedTx[];
}

/** Why an entry of a batch did nothing. Codes are part of the protocol (docs/SPEC.md §7). */
export const Reason = {
  OK: 0,
  UNKNOWN_SLOT: 1,
  BAD_SIGNATURE: 2,
  OWNER_MISMATCH: 3,
  BAD_NONCE: 4,
  TOKEN_MISMATCH: 5,
  INVALID_TOKEN: 6,
  NOT_A_POOL: 7,
  INVALID_POOL_PARAMS: 8,
  RESERVED_OWNER: 9,
  NO_FEE_SLOT: 10,
  INSUFFICIENT_BALANCE: 11,
  OVERFLOW: 12,
  SLIPPAGE: 13,
  INSUFFICIENT_OUTPUT: 14,
  CAPACITY: 15,
} as const;
export type ReasonName = keyof typeof Reason;
export type ReasonCode = (typeof Reason)[ReasonName];

/**
 * The name of a reason code, as `"BAD_NONCE"` for 4.
 * @throws InvalidArgumentError if `code` is not one of {@link Reason}'s codes.
 */
export function reasonName(code: number): ReasonName {
  const entry = Object.entries(Reason).find(([, v]) => v === code);
  if (!entry) throw new InvalidArgumentError(`unknown reason code ${String(code)}`);
  return entry[0] as ReasonName;
}

/** The outcome of one batch entry (L1 message or transaction). */
export interface Receipt {
  /**
   * 0 (OK) or a reason code. A failed entry changed nothing, except a failed deposit's refund and,
   * for a transaction that failed after its nonce check (reasons 5–15), its consumed nonce (SPEC §6).
   */
  status: ReasonCode;
  /** Slot indices the entry read or wrote, in first-touch order (the fraud-proof witness set). */
  touched: number[];
  /**
   * Entry-specific results: swap → [amountOut, 0]; addLiquidity → [shares, 0];
   * removeLiquidity → [amountA, amountB]; createPool → [shares to the creator, 0];
   * withdraw / forced exit / refunded deposit → [withdrawal index, amount]; others → [0, 0].
   */
  out: [bigint, bigint];
}

/** A record in the batch's withdrawal tree, claimable on L1 with a Merkle proof. */
export interface Withdrawal {
  owner: Hex;
  token: number;
  amount: bigint;
}

export interface BatchResult {
  preStateRoot: Hex;
  postStateRoot: Hex;
  /** Root of the 4-ary state tree of slots (the state root also commits to the slot count). */
  postTreeRoot: Hex;
  slotCount: number;
  /** One receipt per L1 message, then one per transaction. */
  receipts: Receipt[];
  withdrawals: Withdrawal[];
  withdrawalsRoot: Hex;
  /** Fees owed to each fee pair by the end of the batch, in `feePairs` order. */
  fees: bigint[];
  /**
   * What settlement credited to each pair's slot, in `feePairs` order: its owed fee, or 0 when the
   * fee was burned (the slot did not exist, held another token, was pool-owned or had no room).
   */
  feesCredited: bigint[];
}

/** What a step commitment commits to (SPEC §11.1). */
export interface StepParts {
  /** keccak256(treeRoot ‖ u32 slotCount), §4.3. */
  stateRoot: Hex;
  /** Root of the batch's withdrawals so far, §5.2. */
  withdrawalsRoot: Hex;
  withdrawalCount: number;
  /** Slots before the batch's first entry (§11.1). */
  baseSlotCount: number;
  /** The batch's fee pairs as listed (§5.1). */
  feePairs: readonly FeePair[];
  /** Fees owed to each fee pair so far. */
  owedFees: readonly bigint[];
}
