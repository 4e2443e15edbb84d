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

/** Lowercase hex without 0x. */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += bytes[i]!.toString(16).padStart(2, "0");
  return out;
}

/** Parses hex with or without 0x; throws InvalidArgumentError on odd length or bad digits. */
export function fromHex(hex: string): Uint8Array {
  const s = hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) {
    throw new InvalidArgumentError(`not a hex string: ${hex.length > 20 ? hex.slice(0, 20) + "…" : hex}`);
  }
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
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
