// `l2engine init`: a genesis file ({ chainId, verifyingContract, slots }, what `apply --genesis`
// reads), optionally funding the addresses of a keys file.

import { keccak_256 } from "@noble/hashes/sha3.js";
import { toHex } from "../protocol/bytes.js";
import { isLpToken, normalizeAddress } from "../protocol/slot-encoding.js";
import { MAX_SLOTS, MAX_U128, type Hex, type Slot } from "../protocol/types.js";
import { InvalidArgumentError } from "../protocol/errors.js";
import { UsageError, parseArgs, required } from "./args.js";
import { readKeys } from "./keys.js";
import { toJson, writeFile } from "./files.js";

/** Anvil's first deployment address: what a local L1 gives the first contract. */
export const DEFAULT_CONTRACT = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
export const DEFAULT_CHAIN_ID = 31337n;
const DEFAULT_BALANCE = 10n ** 21n;

/** The owner of filler slot `i`: an address no one holds a key for (a hash, never reserved). */
function fillerOwner(i: number): Hex {
  return toHex(keccak_256(new TextEncoder().encode(`l2engine init filler ${i}`)).subarray(12));
}

function decimalOption(value: string | undefined, name: string, max: bigint, fallback: bigint): bigint {
  if (value === undefined) return fallback;
  if (!/^[0-9]+$/.test(value) || value.length > 80 || BigInt(value) > max)
    throw new UsageError(`--${name} must be a decimal integer from 0 to ${max}, got ${value}`);
  return BigInt(value);
}

/**
 * `l2engine init --out genesis.json [--keys keys.json] [--chain-id N] [--contract 0x…] [--token T]
 * [--balance B] [--slots N]`.
 * @throws UsageError for a bad command line; FileInputError for an invalid keys file.
 */
export function initCommand(args: string[]): number {
  const p = parseArgs("init", args, {
    strings: { out: undefined, keys: undefined, "chain-id": undefined, contract: undefined, balance: undefined },
    numbers: { token: 1, slots: undefined },
  });
  const out = required(p, "init", "out");
  const chainId = decimalOption(p.strings["chain-id"], "chain-id", (1n << 256n) - 1n, DEFAULT_CHAIN_ID);
  let verifyingContract: Hex;
  try {
    verifyingContract = normalizeAddress(p.strings.contract ?? DEFAULT_CONTRACT, "--contract");
  } catch (e) {
    if (e instanceof InvalidArgumentError) throw new UsageError(e.message);
    throw e;
  }
  const token = p.numbers.token!;
  if (token > 0xffffffff || isLpToken(token)) throw new UsageError(`--token must be an L1 token, from 0 to ${0x7fffffff}, got ${token}`);
  const balance = decimalOption(p.strings.balance, "balance", MAX_U128, DEFAULT_BALANCE);
  const owners = p.strings.keys === undefined ? [] : ([...readKeys(p.strings.keys).keys()] as Hex[]);
  const count = p.numbers.slots ?? owners.length;
  if (count < owners.length) throw new UsageError(`--slots ${count} is fewer than the ${owners.length} addresses of ${p.strings.keys}`);
  if (count > MAX_SLOTS) throw new UsageError(`--slots must be at most ${MAX_SLOTS}`);
  const slots: Slot[] = new Array(count);
  for (let i = 0; i < count; i++) slots[i] = { owner: i < owners.length ? owners[i]! : fillerOwner(i), token, balance, nonce: 0n };
  writeFile(out, `${toJson({ chainId, verifyingContract, slots })}\n`);
  process.stdout.write(
    `${out}: chain id ${chainId}, contract ${verifyingContract}, ${count} slots of token ${token}` +
      `${owners.length > 0 ? ` (slots 0 to ${owners.length - 1} owned by the ${owners.length} addresses of ${p.strings.keys})` : ""}\n`,
  );
  return 0;
}
