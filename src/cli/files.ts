// Files for `l2engine`: JSON for people (u64/u128 fields as decimal strings), msgpack or raw bytes
// for machines. Unreadable files and malformed JSON are usage errors; a well-formed file with bad
// values reaches the engine, whose typed errors exit 1.

import { readFileSync, writeFileSync } from "node:fs";
import { UsageError } from "./args.js";

/** Fields that are u64/u128 (or a chain id) in the protocol: decimal strings in JSON files. */
const BIG_FIELDS = new Set([
  "start", "nonce", "amount", "fee", "amountA", "amountB", "minShares", "shares", "minA", "minB", "amountIn", "minOut",
  "balance", "chainId",
]);

export function readBytes(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

/** Parses a JSON file, turning the protocol's big-number fields into bigints. */
export function readJson<T>(file: string, what: string): T {
  const text = new TextDecoder().decode(readBytes(file));
  try {
    return JSON.parse(text, (k, v) => (BIG_FIELDS.has(k) && (typeof v === "string" || typeof v === "number") ? toBigInt(v, k) : v)) as T;
  } catch (e) {
    throw new UsageError(`${file} is not ${what}: ${(e as Error).message}`);
  }
}

function toBigInt(v: string | number, field: string): bigint {
  try {
    return BigInt(v);
  } catch {
    throw new Error(`field ${field}: ${JSON.stringify(v)} is not an integer`);
  }
}

/** JSON with bigints as decimal strings and byte arrays as 0x-hex. */
export function toJson(v: unknown): string {
  return JSON.stringify(
    v,
    (_k, x) => (typeof x === "bigint" ? x.toString() : x instanceof Uint8Array ? `0x${Buffer.from(x).toString("hex")}` : x),
    2,
  );
}

export function writeFile(file: string, bytes: Uint8Array | string): void {
  try {
    writeFileSync(file, bytes);
  } catch (e) {
    throw new UsageError(`cannot write ${file}: ${(e as Error).message}`);
  }
}
