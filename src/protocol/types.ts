// The protocol's data model (docs/SPEC.md §4–§7): slots, L1 inbox messages, L2 transactions,
// batches and receipts. Amounts are bigint (u128), slot indices and tokens are numbers (u32),
// addresses are 0x-prefixed hex strings.

import { InvalidArgumentError } from "./errors.js";

import type { Hex } from "./bytes.js";
export type { Hex } from "./bytes.js";

/** One state slot: an owner's balance of one token. Leaf = keccak256(encodeSlot(slot)). */
export interface Slot {
  /** The owner's address: any case in, EIP-55 checksummed out (D37). */
  owner: Hex;
  /** The token id (u32); ids with bit 31 set are a pool's LP shares. */
  token: number;
  /** u128, in the token's smallest unit. */
  balance: bigint;
  /** u64: transactions this slot has authorized (a pool's first slot keeps its fee in bps here). */
  nonce: bigint;
}

/** Largest u128: balances, amounts and fees. */
export const MAX_U128 = (1n << 128n) - 1n;
/** Largest u64: nonces and inbox indices. */
export const MAX_U64 = (1n << 64n) - 1n;
// The protocol's limits, codes and reasons are written once, in scripts/layout-table.mjs
// (docs/DECISIONS.md D36), and generated for AssemblyScript, TypeScript and Solidity.
export {
  MAX_RESERVE,
  MAX_SLOTS,
  LP_TOKEN_FLAG,
  MINIMUM_LIQUIDITY,
  MAX_POOL_FEE_BPS,
  NEW_SLOT,
  MAX_FEE_PAIRS,
  Reason,
} from "./constants.generated.js";
import { Reason } from "./constants.generated.js";

/**
 * An L1 deposit (SPEC §5): credits `slot` if it exists with this owner and token and has room,
 * otherwise creates a slot; refunded as a withdrawal when it can do neither.
 */
export type DepositMessage = {
  /** The message kind. */
  kind: "deposit";
  /** Who receives the tokens (any letter case). */
  owner: Hex;
  /** The L1 token id (a u32 below 2^31: LP tokens exist only on L2). */
  token: number;
  /** u128. */
  amount: bigint;
  /** The slot to credit; omitted, a new slot is created. */
  slot?: number;
};

/** An L1 forced exit (SPEC §5): withdraws the whole balance of `slot` to its owner; the sequencer cannot skip it. */
export type ForcedExitMessage = {
  /** The message kind. */
  kind: "forcedExit";
  /** Must be the slot's owner (any letter case). */
  owner: Hex;
  /** The slot to empty. */
  slot: number;
};

/** Messages from the L1 inbox: no signature; the L1 contract authenticated them. */
export type L1Message = DepositMessage | ForcedExitMessage;

/** The seven transaction types (SPEC §6). */
export type TxType = "transfer" | "transferToNew" | "withdraw" | "createPool" | "addLiquidity" | "removeLiquidity" | "swap";

/** Moves `amount` of the sender's token from slot `from` to the existing slot `to` (same token). */
export type TransferTx = {
  /** The transaction type (selects the EIP-712 primary type). */
  type: "transfer";
  /** The sender's slot (u32): its owner signs, its nonce is used. */
  from: number;
  /** The recipient's slot (u32), holding the same token. */
  to: number;
  /** u128, in the token's smallest unit. */
  amount: bigint;
  /** u128, in the same token, owed to the batch's fee pair for that token. */
  fee: bigint;
  /** u64: the sender slot's current nonce. */
  nonce: bigint;
};

/** Moves `amount` from slot `from` into a new slot owned by `toOwner`. */
export type TransferToNewTx = {
  /** The transaction type (selects the EIP-712 primary type). */
  type: "transferToNew";
  /** The sender's slot (u32). */
  from: number;
  /** The new slot's owner (any letter case; not a reserved pool address). */
  toOwner: Hex;
  /** u128. */
  amount: bigint;
  /** u128, in the sender's token. */
  fee: bigint;
  /** u64: the sender slot's current nonce. */
  nonce: bigint;
};

/** Takes `amount` out of slot `from` into the batch's withdrawal tree, claimable on L1. */
export type WithdrawTx = {
  /** The transaction type (selects the EIP-712 primary type). */
  type: "withdraw";
  /** The slot to withdraw from (u32). */
  from: number;
  /** u128. */
  amount: bigint;
  /** u128, in the slot's token. */
  fee: bigint;
  /** u64: the slot's current nonce. */
  nonce: bigint;
};

/** Creates a constant-product pool from two of the signer's slots (SPEC §4.2). */
export type CreatePoolTx = {
  /** The transaction type (selects the EIP-712 primary type). */
  type: "createPool";
  /** The signer's slot of token A (u32): it authorizes and its nonce is used. */
  fromA: number;
  /** The signer's slot of token B (u32), another token than A. */
  fromB: number;
  /** u128, the initial reserve of A. */
  amountA: bigint;
  /** u128, the initial reserve of B. */
  amountB: bigint;
  /** The pool's swap fee in basis points, at most {@link MAX_POOL_FEE_BPS}. */
  feeBps: number;
  /** u64: slot fromA's current nonce. */
  nonce: bigint;
};

/** Adds liquidity to `pool` for LP shares. */
export type AddLiquidityTx = {
  /** The transaction type (selects the EIP-712 primary type). */
  type: "addLiquidity";
  /** The pool's first slot (u32). */
  pool: number;
  /** The signer's slot of the pool's token A (u32): it authorizes. */
  fromA: number;
  /** The signer's slot of token B (u32). */
  fromB: number;
  /** The signer's LP-share slot of this pool, or {@link NEW_SLOT} for a new one. */
  lpSlot: number;
  /** u128, at most this much of A. */
  amountA: bigint;
  /** u128, at most this much of B. */
  amountB: bigint;
  /** u128: fewer shares than this fail with SLIPPAGE. */
  minShares: bigint;
  /** u64: slot fromA's current nonce. */
  nonce: bigint;
};

/** Burns LP shares for the pool's tokens. */
export type RemoveLiquidityTx = {
  /** The transaction type (selects the EIP-712 primary type). */
  type: "removeLiquidity";
  /** The pool's first slot (u32). */
  pool: number;
  /** The signer's LP-share slot (u32): it authorizes and its nonce is used. */
  lpSlot: number;
  /** The signer's slot (u32) that receives token A. */
  toA: number;
  /** The signer's slot (u32) that receives token B. */
  toB: number;
  /** u128, the shares to burn. */
  shares: bigint;
  /** u128: less of A than this fails with SLIPPAGE. */
  minA: bigint;
  /** u128: less of B than this fails with SLIPPAGE. */
  minB: bigint;
  /** u64: slot lpSlot's current nonce. */
  nonce: bigint;
};

/** Swaps `amountIn` of one pool token for the other. */
export type SwapTx = {
  /** The transaction type (selects the EIP-712 primary type). */
  type: "swap";
  /** The pool's first slot (u32). */
  pool: number;
  /** The signer's slot (u32) of the token sold: it authorizes. */
  from: number;
  /** The signer's slot (u32) of the token bought. */
  to: number;
  /** u128, sold. */
  amountIn: bigint;
  /** u128: less out than this fails with INSUFFICIENT_OUTPUT. */
  minOut: bigint;
  /** u64: slot from's current nonce. */
  nonce: bigint;
};

/** L2 transactions as signed by their owner (EIP-712, docs/SPEC.md §6). */
export type Tx = TransferTx | TransferToNewTx | WithdrawTx | CreatePoolTx | AddLiquidityTx | RemoveLiquidityTx | SwapTx;

/** The transaction type whose `type` is `K`, as `TxOfType<"swap">` = {@link SwapTx}. */
export type TxOfType<K extends TxType> = Extract<Tx, { type: K }>;

/**
 * A transaction without its nonce, or with one: what {@link Engine.buildTransaction} takes. A
 * distributive union (one member per type), so `{ type: "transfer", from, to, amount, fee }`
 * type-checks and keeps every field of its type — an `Omit` over the `Tx` union would keep only
 * the keys all types share.
 */
export type TxDraft = Tx extends infer T ? (T extends Tx ? Omit<T, "nonce"> & { nonce?: bigint } : never) : never;

/** A transaction with its 65-byte secp256k1 signature (r ‖ s ‖ v, v ∈ {27, 28}). */
export type SignedTx = Tx & {
  /** `0x` + 130 hex digits: r ‖ s ‖ v. */
  signature: Hex;
};

/** The slot whose owner must sign `tx` and whose nonce it uses. Never throws (the type selects the field). */
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
  /** The token whose fees this pair collects (u32). */
  token: number;
  /** The slot credited at settlement (u32). */
  slot: number;
}

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

export type ReasonName = keyof typeof Reason;
/** A reason code, 0 (OK) to 15 (SPEC §7). */
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
  /** Who may claim it on L1 (EIP-55 checksummed when the library outputs it). */
  owner: Hex;
  /** The L1 token id. */
  token: number;
  /** u128. */
  amount: bigint;
}

/** What {@link Engine.applyBatch} returns: the roots before and after, a receipt per entry, the withdrawals and the fees. */
export interface BatchResult {
  /** The state root before the batch (SPEC §4.3). */
  preStateRoot: Hex;
  /** The state root after fee settlement. */
  postStateRoot: Hex;
  /** Root of the 4-ary state tree of slots (the state root also commits to the slot count). */
  postTreeRoot: Hex;
  /** Slots after the batch. */
  slotCount: number;
  /** One receipt per L1 message, then one per transaction. */
  receipts: Receipt[];
  /** The batch's withdrawal records, in order: leaf i of the withdrawal tree (SPEC §5.2). */
  withdrawals: Withdrawal[];
  /** Root of the batch's withdrawal tree: what an L1 bridge proves a claim against. */
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
