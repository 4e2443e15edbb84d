// Byte encodings that commitments hash (docs/SPEC.md §4–5). Big-endian, as Solidity's
// abi.encodePacked, so an L1 contract recomputes them without conversions.

import { keccak_256 } from "@noble/hashes/sha3.js";
import { InvalidArgumentError } from "./errors.js";
import { fromHex, toHex } from "./bytes.js";
import { LP_TOKEN_FLAG, MAX_U128, MAX_U64, type Hex, type Slot, type Withdrawal } from "./types.js";

export const SLOT_BYTES = 48;
export const WITHDRAWAL_BYTES = 40;

function putUint(out: Uint8Array, offset: number, value: bigint, bytes: number): void {
  let v = value;
  for (let i = bytes - 1; i >= 0; i--) {
    out[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

export function readUint(bytes: Uint8Array, offset: number, length: number): bigint {
  let v = 0n;
  for (let i = 0; i < length; i++) v = (v << 8n) | BigInt(bytes[offset + i]!);
  return v;
}

/** 20 bytes of a 0x address; throws InvalidArgumentError otherwise. */
export function addressBytes(address: string, what = "address"): Uint8Array {
  if (typeof address !== "string" || address.length !== 42 || address[0] !== "0" || (address[1] !== "x" && address[1] !== "X")) {
    throw new InvalidArgumentError(`${what} must be a 0x-prefixed 20-byte hex address, got ${String(address)}`);
  }
  try {
    return fromHex(address);
  } catch {
    throw new InvalidArgumentError(`${what} must be a 0x-prefixed 20-byte hex address, got ${address}`);
  }
}

/**
 * The address in lowercase: the library's canonical form for comparing and storing (a store's
 * head, the EIP-712 domain). Outputs meant for people and wallets use {@link checksumAddress}.
 * @throws InvalidArgumentError naming `what` unless it is `0x` and 40 hex digits (any case).
 */
export function normalizeAddress(address: string, what = "address"): Hex {
  return toHex(addressBytes(address, what));
}

// ASCII codes of the lowercase hex digits
const HEX_CODES = Uint8Array.from("0123456789abcdef", (c) => c.charCodeAt(0));

/** The EIP-55 form of 20 address bytes (the caller guarantees the length). */
export function checksumAddressOf(bytes: Uint8Array): Hex {
  const ascii = new Uint8Array(40);
  for (let i = 0; i < 20; i++) {
    ascii[2 * i] = HEX_CODES[bytes[i]! >> 4]!;
    ascii[2 * i + 1] = HEX_CODES[bytes[i]! & 15]!;
  }
  const hash = keccak_256(ascii);
  // a letter is uppercase when the matching nibble of keccak256(lowercase hex) is 8 or more
  for (let i = 0; i < 40; i++) {
    const nibble = i % 2 === 0 ? hash[i >> 1]! >> 4 : hash[i >> 1]! & 15;
    if (nibble >= 8 && ascii[i]! > 57) ascii[i] = ascii[i]! - 32;
  }
  return `0x${String.fromCharCode(...ascii)}` as Hex;
}

/**
 * `address` in its EIP-55 mixed-case checksum form, as viem's `getAddress` and ethers'
 * `getAddress` write it: the form every address the library outputs takes (slot owners,
 * withdrawals, recovered signers, {@link addressOf}). Inputs may be in any case; the checksum of
 * a mixed-case input is not checked (the protocol compares the 20 bytes).
 * @throws InvalidArgumentError unless `address` is `0x` and 40 hex digits.
 */
export function checksumAddress(address: string): Hex {
  return checksumAddressOf(addressBytes(address));
}

/**
 * owner (20) ‖ token (u32) ‖ balance (u128) ‖ nonce (u64) = 48 bytes, big-endian (SPEC §4.1).
 * @throws InvalidArgumentError if the owner is not a 20-byte hex address.
 */
export function encodeSlot(slot: Slot): Uint8Array {
  const out = new Uint8Array(SLOT_BYTES);
  out.set(addressBytes(slot.owner, "slot owner"), 0);
  putUint(out, 20, BigInt(slot.token), 4);
  putUint(out, 24, slot.balance, 16);
  putUint(out, 40, slot.nonce, 8);
  return out;
}

/**
 * owner (20) ‖ token (u32) ‖ amount (u128) = 40 bytes, big-endian (SPEC §5.2).
 * @throws InvalidArgumentError if the owner is not a 20-byte hex address.
 */
export function encodeWithdrawal(w: Withdrawal): Uint8Array {
  const out = new Uint8Array(WITHDRAWAL_BYTES);
  out.set(addressBytes(w.owner, "withdrawal owner"), 0);
  putUint(out, 20, BigInt(w.token), 4);
  putUint(out, 24, w.amount, 16);
  return out;
}

/** treeRoot (32) ‖ slotCount (u32): the state root commits to both. */
export function encodeStateCommitment(treeRoot: Uint8Array, slotCount: number): Uint8Array {
  const out = new Uint8Array(36);
  out.set(treeRoot, 0);
  putUint(out, 32, BigInt(slotCount), 4);
  return out;
}

/**
 * The reserved owner of a pool's slots: 16 zero bytes ‖ u32 index of the pool (checksummed, as
 * every address the library outputs).
 * @throws InvalidArgumentError if `poolSlot` is not a u32.
 */
export function poolAddress(poolSlot: number): Hex {
  checkU32(poolSlot, "poolSlot");
  return checksumAddress(`0x${"00".repeat(16)}${poolSlot.toString(16).padStart(8, "0")}`);
}

/** Owners whose first 16 bytes are zero are reserved for pools: no key can sign for them. */
export function isReservedOwner(owner: string): boolean {
  return /^0x0{32}/i.test(owner);
}

/** The token id of the LP shares of the pool whose first slot is `poolSlot`: bit 31 set. */
export function lpToken(poolSlot: number): number {
  return (LP_TOKEN_FLAG | poolSlot) >>> 0;
}

/** True for an LP-share token id (bit 31 set): such tokens exist only on L2. */
export function isLpToken(token: number): boolean {
  return token >= LP_TOKEN_FLAG;
}

export function checkU32(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new InvalidArgumentError(`${what} must be an integer in [0, 2^32), got ${String(value)}`);
  }
  return value;
}

export function checkBig(value: unknown, max: bigint, what: string): bigint {
  if (typeof value !== "bigint" || value < 0n || value > max) {
    throw new InvalidArgumentError(`${what} must be a bigint in [0, ${max}], got ${String(value)}`);
  }
  return value;
}

/** Validates a slot's fields (for genesis and the API). */
export function checkSlot(slot: Slot, what = "slot"): Slot {
  if (typeof slot !== "object" || slot === null) throw new InvalidArgumentError(`${what} must be an object`);
  return {
    owner: normalizeAddress(slot.owner, `${what}.owner`),
    token: checkU32(slot.token, `${what}.token`),
    balance: checkBig(slot.balance, MAX_U128, `${what}.balance`),
    nonce: checkBig(slot.nonce, MAX_U64, `${what}.nonce`),
  };
}
