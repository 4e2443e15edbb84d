import { InvalidArgumentError } from "./errors.js";

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

/** Lowercase hex without 0x. */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += bytes[i]!.toString(16).padStart(2, "0");
  return out;
}

// nibble value of each char code, or 255 (addresses are decoded once per transaction: keep it cheap)
const NIBBLE = new Uint8Array(128).fill(255);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) NIBBLE[65 + i] = NIBBLE[97 + i] = 10 + i;

/** Parses hex with or without 0x; throws InvalidArgumentError on odd length or bad digits. */
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
