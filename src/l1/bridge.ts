// The user's side of the L1 bridge (docs/SPEC.md §13.8–§13.9, contracts/Bridge.sol): the claim a
// proposer posts for a batch, and the arguments — with proofs out of the engine — that claim a
// withdrawal of a confirmed batch, exit a slot of the last confirmed state, or refund a deposit
// no confirmed batch consumed, once the rollup is frozen. Each is checked here against the roots
// the contract will check it against, so a caller learns of a stale engine before paying gas.

import { type Abi, type Hex, parseAbi, type PublicClient } from "viem";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { toHex } from "../protocol/bytes.js";
import { InvalidArgumentError, L1Error } from "../protocol/errors.js";
import { type BatchHeader, type Claim, claimHash, encodeClaim, encodeHeader, encodeL1Message, DEPOSIT_MESSAGE_BYTES } from "../protocol/l1-records.js";
import { encodeSlot, isReservedOwner } from "../protocol/slot-encoding.js";
import type { Batch, BatchResult, DepositMessage, Withdrawal } from "../protocol/types.js";
import { LP_TOKEN_FLAG } from "../protocol/types.js";
import type { Eip712Domain } from "../protocol/eip712.js";
import type { Engine } from "../engine/engine.js";
import { makeClaim, type ClaimLink } from "../dispute/referee.js";
import type { L1Wallet } from "./deploy.js";
import { revertError } from "./revert.js";

/** The Bridge contract's functions and errors this module calls or decodes. */
export const BRIDGE_ABI = parseAbi([
  "function withdraw(bytes claim, uint32 index, address owner, uint32 token, uint128 amount, bytes proof)",
  "function exit(bytes claim, bytes32 treeRoot, uint32 slotCount, uint32 slotIndex, bytes slot, bytes proof)",
  "function refund(uint256 inboxIndex, bytes message, uint64 l1Timestamp, bytes lastHeader)",
  "function isPaid(uint64 batchIndex, uint32 index) view returns (bool)",
  "function isExited(uint32 slotIndex) view returns (bool)",
  "function isRefunded(uint256 inboxIndex) view returns (bool)",
  "error NotConfirmed(bytes32 claimHash)",
  "error AlreadyPaid(uint64 batchIndex, uint32 index)",
  "error IndexOutOfRange(uint32 index, uint32 count)",
  "error BadProof()",
  "error NotFrozen()",
  "error NotLastConfirmed(bytes32 claimHash)",
  "error StateOpeningMismatch()",
  "error AlreadyExited(uint32 slotIndex)",
  "error NotExitable(uint32 slotIndex)",
  "error AlreadyRefunded(uint256 inboxIndex)",
  "error Consumed(uint256 inboxIndex, uint256 consumedEnd)",
  "error NotADeposit(uint256 inboxIndex)",
  "error RecordMismatch(uint256 inboxIndex)",
  "error BadHeader(uint64 batchIndex)",
]);

/** A claim as posted (SPEC §13.3): the object, its 240 bytes and their hash. */
export interface EncodedClaim {
  claim: Claim;
  bytes: Hex;
  hash: Hex;
}

/** The arguments of Bridge.withdraw for withdrawal `index` of a confirmed claim. */
export interface WithdrawalArgs {
  claim: Hex;
  index: number;
  owner: Hex;
  token: number;
  amount: bigint;
  /** A §3.3 multiproof of exactly [index] against the claim's withdrawalsRoot. */
  proof: Hex;
}

/** The arguments of Bridge.exit for one slot of the last confirmed state. */
export interface SlotExitArgs {
  /** The last confirmed claim's 240 bytes, or "0x" when only genesis is confirmed. */
  claim: Hex;
  treeRoot: Hex;
  slotCount: number;
  slotIndex: number;
  /** The 48-byte slot (SPEC §4.1). */
  slot: Hex;
  /** A §3.3 multiproof of exactly [slotIndex] against treeRoot. */
  proof: Hex;
}

/** The arguments of Bridge.refund for one deposit no confirmed batch consumed. */
export interface RefundArgs {
  inboxIndex: bigint;
  /** The 45-byte deposit message (SPEC §13.1). */
  message: Hex;
  l1Timestamp: bigint;
  /** The last confirmed batch's 105-byte header, or "0x" when only genesis is confirmed. */
  lastHeader: Hex;
}

function asClaim(claim: Claim | EncodedClaim): Claim {
  return "claim" in claim ? claim.claim : claim;
}

/**
 * The claim an honest proposer posts for a traced batch (`engine.traceBatch(batch)` on the
 * pre-state of `preSlotCount` slots), placed on L1 by `link`.
 *
 * @throws InvalidArgumentError for a malformed link or fee pairs; ProofError (FIELD) for a slot
 *   count or owed fee out of range (see makeClaim).
 */
export function claimForBatch(
  batch: Batch,
  traced: { result: BatchResult; steps: readonly Hex[]; traceRoot: Hex },
  preSlotCount: number,
  domain: Eip712Domain,
  link: ClaimLink,
): EncodedClaim {
  const claim = makeClaim(batch, traced, preSlotCount, domain, link);
  return { claim, bytes: toHex(encodeClaim(claim)), hash: claimHash(claim) };
}

/**
 * The Bridge.withdraw arguments of withdrawal `index` of the batch whose withdrawals (in order,
 * `result.withdrawals`) the confirmed `claim` commits to. The proof is the engine's.
 *
 * @throws InvalidArgumentError when `index` is not a withdrawal of the list, or the list is not
 *   the claim's (its count or root differs: another batch's, or a partial list).
 */
export function withdrawalArgs(engine: Engine, claim: Claim | EncodedClaim, withdrawals: readonly Withdrawal[], index: number): WithdrawalArgs {
  const c = asClaim(claim);
  if (!Array.isArray(withdrawals) || withdrawals.length !== c.withdrawalCount) {
    throw new InvalidArgumentError(
      `withdrawals: the claim of batch ${c.batchIndex} has ${c.withdrawalCount}, got ${Array.isArray(withdrawals) ? withdrawals.length : "no list"}`,
    );
  }
  if (!Number.isInteger(index) || index < 0 || index >= withdrawals.length) {
    throw new InvalidArgumentError(`index: no withdrawal ${String(index)} in batch ${c.batchIndex} (${withdrawals.length} withdrawals)`);
  }
  const { root, proof } = engine.proveWithdrawals(withdrawals, [index]);
  if (root !== c.withdrawalsRoot.toLowerCase()) {
    throw new InvalidArgumentError(`withdrawals: their root ${root} is not the claim's withdrawalsRoot ${c.withdrawalsRoot} (batch ${c.batchIndex})`);
  }
  const w = withdrawals[index]!;
  return { claim: toHex(encodeClaim(c)), index, owner: w.owner, token: w.token, amount: w.amount, proof: toHex(proof) };
}

/**
 * The Bridge.exit arguments of slot `slotIndex` of `engine`, which must hold the last confirmed
 * state: the state root of `claim` (null when only genesis is confirmed: then `genesisStateRoot`).
 *
 * @throws InvalidArgumentError when the engine's state root is not the confirmed one, the slot
 *   does not exist, or it cannot be exited (a pool's reserved owner, or LP shares: SPEC §4.1).
 */
export function slotExitArgs(engine: Engine, slotIndex: number, claim: Claim | EncodedClaim | null, genesisStateRoot?: Hex): SlotExitArgs {
  const c = claim === null ? null : asClaim(claim);
  const expected = c === null ? genesisStateRoot : c.postStateRoot;
  if (expected === undefined) throw new InvalidArgumentError("genesisStateRoot: needed when only genesis is confirmed (claim null)");
  const stateRoot = engine.stateRoot();
  if (stateRoot !== expected.toLowerCase()) {
    throw new InvalidArgumentError(`engine: its state root ${stateRoot} is not the last confirmed state root ${expected}`);
  }
  const slotCount = engine.slotCount();
  if (!Number.isInteger(slotIndex) || slotIndex < 0 || slotIndex >= slotCount) {
    throw new InvalidArgumentError(`slotIndex: no slot ${String(slotIndex)} (the state has ${slotCount})`);
  }
  const slot = engine.getSlot(slotIndex);
  if (isReservedOwner(slot.owner) || slot.token >= LP_TOKEN_FLAG) {
    throw new InvalidArgumentError(`slotIndex: slot ${slotIndex} is a pool's or holds LP shares: it exists only on L2 and cannot exit`);
  }
  return {
    claim: c === null ? "0x" : toHex(encodeClaim(c)),
    treeRoot: engine.treeRoot(),
    slotCount,
    slotIndex,
    slot: toHex(encodeSlot(slot)),
    proof: toHex(engine.proveSlots([slotIndex])),
  };
}

/**
 * The Bridge.refund arguments of deposit `inboxIndex` (its message and L1 timestamp as the inbox
 * event carried them), given the last confirmed batch's header (null at genesis).
 *
 * @throws InvalidArgumentError when the message is not a deposit, or a confirmed batch consumed it.
 */
export function refundArgs(inboxIndex: bigint, message: DepositMessage, l1Timestamp: bigint, lastHeader: BatchHeader | null): RefundArgs {
  if (message?.kind !== "deposit") throw new InvalidArgumentError(`message: inbox message ${inboxIndex} is not a deposit`);
  const bytes = encodeL1Message(message);
  if (bytes.length !== DEPOSIT_MESSAGE_BYTES) throw new InvalidArgumentError(`message: inbox message ${inboxIndex} does not encode as a deposit`);
  if (typeof inboxIndex !== "bigint" || inboxIndex < 0n) throw new InvalidArgumentError("inboxIndex must be a non-negative bigint");
  const consumedEnd = lastHeader === null ? 0n : lastHeader.inboxStart + BigInt(lastHeader.inboxCount);
  if (inboxIndex < consumedEnd) {
    throw new InvalidArgumentError(
      `inboxIndex: deposit ${inboxIndex} was consumed by confirmed batch ${lastHeader?.index} (inbox end ${consumedEnd}): it is in the L2 state, exit it instead`,
    );
  }
  return { inboxIndex, message: toHex(bytes), l1Timestamp, lastHeader: lastHeader === null ? "0x" : toHex(encodeHeader(lastHeader)) };
}

/** The inbox record of a deposit's bytes and timestamp (SPEC §13.1), for checking against the inbox. */
export function depositRecord(args: RefundArgs): Hex {
  const msg = Buffer.from(args.message.slice(2), "hex");
  const input = new Uint8Array(msg.length + 8);
  input.set(msg, 0);
  new DataView(input.buffer).setBigUint64(msg.length, args.l1Timestamp);
  return toHex(keccak_256(input));
}

async function send(wallet: L1Wallet, client: PublicClient, bridge: Hex, functionName: string, args: readonly unknown[], what: string): Promise<Hex> {
  try {
    const { request } = await client.simulateContract({ address: bridge, abi: BRIDGE_ABI as Abi, functionName, args, account: wallet.account } as never);
    const hash = await wallet.writeContract(request as never);
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    if (receipt.status !== "success") throw new L1Error("REVERTED", `${what}: transaction ${hash} reverted after its simulation passed`);
    return hash;
  } catch (e) {
    throw revertError(BRIDGE_ABI, what, e);
  }
}

/**
 * Sends Bridge.withdraw (anyone may; the owner is paid) and waits for its receipt.
 * @returns the transaction hash.
 * @throws L1Error (REVERTED) with the contract's custom error (AlreadyPaid, NotConfirmed, BadProof, …).
 */
export function claimWithdrawal(wallet: L1Wallet, client: PublicClient, bridge: Hex, a: WithdrawalArgs): Promise<Hex> {
  return send(wallet, client, bridge, "withdraw", [a.claim, a.index, a.owner, a.token, a.amount, a.proof], `withdraw(${a.index})`);
}

/**
 * Sends Bridge.exit (the rollup must be frozen) and waits for its receipt.
 * @throws L1Error (REVERTED) with the contract's custom error (NotFrozen, AlreadyExited, …).
 */
export function exitSlot(wallet: L1Wallet, client: PublicClient, bridge: Hex, a: SlotExitArgs): Promise<Hex> {
  return send(wallet, client, bridge, "exit", [a.claim, a.treeRoot, a.slotCount, a.slotIndex, a.slot, a.proof], `exit(${a.slotIndex})`);
}

/**
 * Sends Bridge.refund (the rollup must be frozen) and waits for its receipt.
 * @throws L1Error (REVERTED) with the contract's custom error (NotFrozen, Consumed, AlreadyRefunded, …).
 */
export function refundDeposit(wallet: L1Wallet, client: PublicClient, bridge: Hex, a: RefundArgs): Promise<Hex> {
  return send(wallet, client, bridge, "refund", [a.inboxIndex, a.message, a.l1Timestamp, a.lastHeader], `refund(${a.inboxIndex})`);
}
