// `l2engine keys new` and the keys file: { warning, keys: [{ address, privateKey }] }. The file
// holds secrets, so it is created readable by its owner only, never overwritten, and nothing the
// CLI prints (inspect included) shows a private key.

import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { toHex } from "../protocol/bytes.js";
import { addressOf, SECP256K1_N } from "../protocol/signatures.js";
import type { Hex } from "../protocol/types.js";
import { UsageError, parseArgs, required } from "./args.js";
import { FileInputError, readJson } from "./files.js";

/** What the CLI writes at the top of every keys file. */
export const KEYS_WARNING = "private keys: anyone who reads this file can sign for these addresses; keep it secret";

export interface KeyEntry {
  address: Hex;
  privateKey: Hex;
}

/** A fresh private key: 32 random bytes, drawn again in the ~2^-128 case they are not below n. */
function randomKey(): Hex {
  for (;;) {
    const bytes = randomBytes(32);
    const k = BigInt(`0x${bytes.toString("hex")}`);
    if (k > 0n && k < SECP256K1_N) return toHex(bytes);
  }
}

/**
 * `l2engine keys new --out keys.json [--count N]`.
 * @throws UsageError for a bad command line, an existing or unwritable --out.
 */
export function keysCommand(args: string[]): number {
  const [sub, ...rest] = args;
  if (sub !== "new")
    throw new UsageError(
      sub === undefined ? "keys needs a subcommand: keys new --out keys.json [--count N]" : `unknown keys subcommand ${sub} (there is: keys new)`,
    );
  const p = parseArgs("keys new", rest, { strings: { out: undefined }, numbers: { count: 1 } });
  const out = required(p, "keys new", "out");
  const count = p.numbers.count!;
  if (count < 1 || count > 10_000) throw new UsageError("--count must be from 1 to 10000");
  const keys: KeyEntry[] = Array.from({ length: count }, () => {
    const privateKey = randomKey();
    return { address: addressOf(privateKey), privateKey };
  });
  try {
    // "wx": never replace a file that may hold the only copy of someone's keys
    writeFileSync(out, `${JSON.stringify({ warning: KEYS_WARNING, keys }, null, 2)}\n`, { flag: "wx", mode: 0o600 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === "EEXIST" ? `${out} exists: keys new never overwrites a keys file (choose another --out)` : `cannot write ${out}: ${(e as Error).message}`,
    );
  }
  for (const k of keys) process.stdout.write(`${k.address}\n`);
  process.stderr.write(
    `${out} holds ${count} private key${count === 1 ? "" : "s"}: keep it secret — anyone who reads it can sign for ${count === 1 ? "this address" : "these addresses"}\n`,
  );
  return 0;
}

/**
 * A keys file: the private keys by their (lowercase) address. Each entry's `address`, when given,
 * must be its key's.
 * @throws UsageError if the file cannot be read; FileInputError (exit 1) naming the entry.
 */
export function readKeys(file: string): Map<string, Hex> {
  const v = readJson<{ keys?: unknown } | null>(file, "a keys file ({ keys: [{ address, privateKey }] })");
  return keysOf(v, file);
}

/** The keys of an already parsed keys file (see {@link readKeys}). */
export function keysOf(v: unknown, file: string): Map<string, Hex> {
  const list = v !== null && typeof v === "object" && !Array.isArray(v) ? (v as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(list)) throw new FileInputError(file, "keys", "a keys file is { keys: [{ address, privateKey }] }");
  const keys = new Map<string, Hex>();
  list.forEach((entry: unknown, i) => {
    const e = (entry ?? {}) as { address?: unknown; privateKey?: unknown };
    if (typeof e.privateKey !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(e.privateKey)) {
      throw new FileInputError(file, `keys[${i}].privateKey`, "must be 0x and 64 hex digits");
    }
    let address: Hex;
    try {
      address = addressOf(e.privateKey as Hex);
    } catch {
      throw new FileInputError(file, `keys[${i}].privateKey`, "is not a valid secp256k1 private key (zero, or not below the group order)");
    }
    // addresses compare in any letter case; the map is keyed by the lowercase form (sign.ts looks owners up so)
    if (e.address !== undefined && (typeof e.address !== "string" || e.address.toLowerCase() !== address.toLowerCase())) {
      throw new FileInputError(file, `keys[${i}].address`, `is not the address of keys[${i}].privateKey (${address})`);
    }
    keys.set(address.toLowerCase() as Hex, e.privateKey.toLowerCase() as Hex);
  });
  return keys;
}
