import { InvalidArgumentError } from "./errors.js";

/** 0x-prefixed hex (as viem's `Hex`). Addresses are 20 bytes, hashes and roots 32. */
export type Hex = `0x${string}`;

/** A 32-byte hash or root as the API takes one: 0x-prefixed hex (any letter case) or bytes. */
export type HashInput = Hex | Uint8Array;

/** Bytes in a keccak256 digest and in a Merkle node. */
export const HASH_BYTES = 32;

/** Throws unless `value` is a Uint8Array of exactly `length` bytes. */
export function checkBytes(value: unknown, length: number, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new InvalidArgumentError(`${what} must be a Uint8Array`);
  if (value.length !== length) {
    throw new InvalidArgumentError(`${what} must be ${length} bytes, got ${value.length}`);
  }
}

/** True for a 0x-prefixed 32-byte hex string (a hash or commitment as the API exchanges it). */
export function isHash32Hex(value: unknown): value is `0x${string}` {
  return typeof value === "string" && /^0x[0-9a-fA-F]{64}$/.test(value);
}

const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * `bytes` as lowercase 0x-prefixed hex, as viem's `toHex` (`0x` for no bytes).
 * @throws InvalidArgumentError if `bytes` is not a Uint8Array.
 */
export function toHex(bytes: Uint8Array): Hex {
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError("toHex: bytes must be a Uint8Array");
  let out = "0x";
  for (let i = 0; i < bytes.length; i++) out += HEX_BYTE[bytes[i]!]!;
  return out as Hex;
}

/**
 * The 32 bytes of a hash given as {@link HashInput}: the array itself, or the hex parsed.
 * @throws InvalidArgumentError naming `what` unless it is 32 bytes or `0x` + 64 hex digits.
 */
export function hashBytes(value: unknown, what: string): Uint8Array {
  if (value instanceof Uint8Array) {
    checkBytes(value, HASH_BYTES, what);
    return value;
  }
  if (!isHash32Hex(value)) throw new InvalidArgumentError(`${what} must be 32 bytes or a 0x-prefixed 32-byte hex string`);
  return fromHex(value);
}

// nibble value of each char code, or 255 (addresses are decoded once per transaction: keep it cheap)
const NIBBLE = new Uint8Array(128).fill(255);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) NIBBLE[65 + i] = NIBBLE[97 + i] = 10 + i;

/**
 * Parses hex with or without 0x, either letter case.
 * @throws InvalidArgumentError on odd length or a character that is not a hex digit.
 */
export function fromHex(hex: string): Uint8Array {
  const start = hex.startsWith("0x") || hex.startsWith("0X") ? 2 : 0;
  const bad = () => new InvalidArgumentError(`not a hex string: ${hex.length > 20 ? hex.slice(0, 20) + "…" : hex}`);
  if ((hex.length - start) % 2 !== 0) throw bad();
  const out = new Uint8Array((hex.length - start) / 2);
  for (let i = 0, j = start; i < out.length; i++, j += 2) {
    const hi = NIBBLE[hex.charCodeAt(j)] ?? 255;
    const lo = NIBBLE[hex.charCodeAt(j + 1)] ?? 255;
    if ((hi | lo) > 15) throw bad();
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Concatenates 32-byte leaves given as one flat buffer or as an array of buffers. */
export function flattenLeaves(leaves: Uint8Array | readonly Uint8Array[], count: number, what = "leaves"): Uint8Array {
  if (leaves instanceof Uint8Array) {
    if (leaves.length !== count * HASH_BYTES) {
      throw new InvalidArgumentError(`${what} must be ${count} × 32 bytes, got ${leaves.length} bytes`);
    }
    return leaves;
  }
  if (!Array.isArray(leaves) || leaves.length !== count) {
    throw new InvalidArgumentError(`${what} must hold ${count} entries`);
  }
  const flat = new Uint8Array(count * HASH_BYTES);
  leaves.forEach((leaf, i) => {
    checkBytes(leaf, HASH_BYTES, `${what}[${i}]`);
    flat.set(leaf, i * HASH_BYTES);
  });
  return flat;
}
