// EIP-712 typed data for L2 transactions (docs/SPEC.md §6). The digest is computed by hand so
// the engine does not depend on a wallet library at run time; test/signatures.test.ts pins it to
// viem's and ethers' encoders. Browser-safe: no Node built-ins.
import { keccak_256 } from "@noble/hashes/sha3.js";
import { fromHex } from "./bytes.js";
import { InvalidArgumentError } from "./errors.js";
import type { Hex, Tx, TxType } from "./types.js";

/**
 * The default `name` of the EIP-712 domain ({@link Eip712Domain.name}); part of every digest, so
 * a deployment with another name accepts none of this one's signatures.
 */
export const DOMAIN_NAME = "l2engine";
/**
 * The default `version` of the EIP-712 domain ({@link Eip712Domain.version}); bump it (never
 * reuse it) when the message layout changes.
 */
export const DOMAIN_VERSION = "1";
/** Longest domain `name` or `version` accepted, in UTF-16 code units (a guard, not a protocol rule). */
const MAX_DOMAIN_STRING = 256;

/**
 * The deployment-specific half of the EIP-712 domain. Both fields are signed, so a signature made
 * for one chain or one rollup contract recovers a different address on any other.
 */
export interface Eip712Domain {
  /** uint256; a number must be a safe integer, larger ids need a bigint. */
  chainId: bigint | number;
  /** The rollup's L1 contract: 20-byte hex, any letter case (no checksum is required). */
  verifyingContract: Hex;
  /**
   * The domain's `name`, per deployment; {@link DOMAIN_NAME} ("l2engine") when omitted. The L1
   * contract's `DOMAIN_SEPARATOR()` must be computed from the same string.
   */
  name?: string;
  /** The domain's `version`, per deployment; {@link DOMAIN_VERSION} ("1") when omitted. */
  version?: string;
}

/** One member of an EIP-712 struct, in the `{ name, type }` shape viem and ethers expect. */
export interface Eip712Field {
  readonly name: string;
  readonly type: "uint16" | "uint32" | "uint64" | "uint128" | "address";
}

// `as const` keeps field names and Solidity types as literals so the message type below (and
// viem's own inference) can be derived from this one table instead of being written twice.
const TYPES = {
  Transfer: [
    { name: "from", type: "uint32" },
    { name: "to", type: "uint32" },
    { name: "amount", type: "uint128" },
    { name: "fee", type: "uint128" },
    { name: "nonce", type: "uint64" },
  ],
  TransferToNew: [
    { name: "from", type: "uint32" },
    { name: "toOwner", type: "address" },
    { name: "amount", type: "uint128" },
    { name: "fee", type: "uint128" },
    { name: "nonce", type: "uint64" },
  ],
  Withdraw: [
    { name: "from", type: "uint32" },
    { name: "amount", type: "uint128" },
    { name: "fee", type: "uint128" },
    { name: "nonce", type: "uint64" },
  ],
  CreatePool: [
    { name: "fromA", type: "uint32" },
    { name: "fromB", type: "uint32" },
    { name: "amountA", type: "uint128" },
    { name: "amountB", type: "uint128" },
    { name: "feeBps", type: "uint16" },
    { name: "nonce", type: "uint64" },
  ],
  AddLiquidity: [
    { name: "pool", type: "uint32" },
    { name: "fromA", type: "uint32" },
    { name: "fromB", type: "uint32" },
    { name: "lpSlot", type: "uint32" },
    { name: "amountA", type: "uint128" },
    { name: "amountB", type: "uint128" },
    { name: "minShares", type: "uint128" },
    { name: "nonce", type: "uint64" },
  ],
  RemoveLiquidity: [
    { name: "pool", type: "uint32" },
    { name: "lpSlot", type: "uint32" },
    { name: "toA", type: "uint32" },
    { name: "toB", type: "uint32" },
    { name: "shares", type: "uint128" },
    { name: "minA", type: "uint128" },
    { name: "minB", type: "uint128" },
    { name: "nonce", type: "uint64" },
  ],
  Swap: [
    { name: "pool", type: "uint32" },
    { name: "from", type: "uint32" },
    { name: "to", type: "uint32" },
    { name: "amountIn", type: "uint128" },
    { name: "minOut", type: "uint128" },
    { name: "nonce", type: "uint64" },
  ],
} as const satisfies Record<string, readonly Eip712Field[]>;

/** Name of an EIP-712 primary type, one per transaction type. */
export type PrimaryType = keyof typeof TYPES;

for (const fields of Object.values(TYPES)) {
  for (const f of fields) Object.freeze(f);
  Object.freeze(fields);
}
/**
 * The struct definitions, field order included (it is part of the type hash). Frozen: the type
 * hashes below are computed once from this table, and a mutated copy would silently sign
 * something the engine cannot verify. Does not contain `EIP712Domain`; viem and ethers add it.
 */
export const EIP712_TYPES: typeof TYPES = Object.freeze(TYPES);

/** Which primary type signs which transaction type. */
export const PRIMARY_TYPES = Object.freeze({
  transfer: "Transfer",
  transferToNew: "TransferToNew",
  withdraw: "Withdraw",
  createPool: "CreatePool",
  addLiquidity: "AddLiquidity",
  removeLiquidity: "RemoveLiquidity",
  swap: "Swap",
} as const satisfies Record<TxType, PrimaryType>);

type SolidityToTs<T extends Eip712Field["type"]> = T extends "address" ? Hex : T extends "uint64" | "uint128" ? bigint : number;

/** The message of primary type `P`, with the value types our `Tx` uses for each field. */
export type Eip712Message<P extends PrimaryType> = {
  [F in (typeof TYPES)[P][number] as F["name"]]: SolidityToTs<F["type"]>;
};

// Fresh mutable arrays in the output, because ethers types its `types` argument as
// `Record<string, TypedDataField[]>` and rejects readonly arrays.
type MutableFields<P extends PrimaryType> = Array<(typeof TYPES)[P][number]>;

/** The full domain, as given to viem and ethers (they derive `EIP712Domain` from its keys). */
export interface Eip712FullDomain {
  /** The domain's name ({@link DOMAIN_NAME} unless the deployment chose another). */
  name: string;
  /** The domain's version ({@link DOMAIN_VERSION} unless the deployment chose another). */
  version: string;
  /** As given in the {@link Eip712Domain}. */
  chainId: bigint | number;
  /** Lowercase. */
  verifyingContract: Hex;
}

/**
 * What {@link typedDataFor} returns for a transaction signed with primary type `P`: precise
 * (literal `primaryType`, typed `message`) when the transaction's type is statically known.
 */
export type Eip712TypedDataOf<P extends PrimaryType> = {
  domain: Eip712FullDomain;
  types: { [K in P]: MutableFields<K> };
  primaryType: P;
  message: Eip712Message<P>;
};

/**
 * What {@link typedDataFor} returns for a transaction of statically unknown type (a plain `Tx`).
 * Deliberately loose: viem's inference cannot pick a member out of a union of typed-data
 * definitions and rejects it, while it accepts this shape (as does ethers).
 */
export interface Eip712TypedData {
  domain: Eip712FullDomain;
  /** Exactly one entry, `primaryType`; arrays are fresh copies. */
  types: Record<string, Eip712Field[]>;
  primaryType: PrimaryType;
  message: Record<string, bigint | number | Hex>;
}

type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;

type PrimaryTypeOf<T extends Tx> = (typeof PRIMARY_TYPES)[T["type"]];

const MAX_UINT: Readonly<Record<Eip712Field["type"], bigint>> = {
  uint16: (1n << 16n) - 1n,
  uint32: (1n << 32n) - 1n,
  uint64: (1n << 64n) - 1n,
  uint128: (1n << 128n) - 1n,
  address: 0n, // unused
};
const MAX_UINT256 = (1n << 256n) - 1n;

const utf8 = new TextEncoder();
const keccakText = (s: string): Uint8Array => keccak_256(utf8.encode(s));

function encodeType(primaryType: string, fields: readonly Eip712Field[]): string {
  return `${primaryType}(${fields.map((f) => `${f.type} ${f.name}`).join(",")})`;
}

// No struct references another, so each encodeType is just its own signature (no dependencies).
const TYPE_HASHES = new Map<PrimaryType, Uint8Array>((Object.keys(TYPES) as PrimaryType[]).map((p) => [p, keccakText(encodeType(p, TYPES[p]))]));
const DOMAIN_TYPE_HASH = keccakText("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

function show(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value.length > 50 ? value.slice(0, 50) + "…" : value);
  return String(value);
}

/** Writes `value` big-endian into the 32-byte word at `out[offset..offset+32]` (pre-zeroed). */
function writeWord(out: Uint8Array, offset: number, value: bigint): void {
  for (let i = offset + 31; value > 0n; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
}

/** Validates a uint field; uint16/uint32 must be numbers, uint64/uint128 bigints, as in `Tx`. */
function checkUint(value: unknown, type: Exclude<Eip712Field["type"], "address">, what: string): bigint {
  const max = MAX_UINT[type];
  if (type === "uint16" || type === "uint32") {
    if (typeof value !== "number" || !Number.isInteger(value)) {
      throw new InvalidArgumentError(`${what} must be an integer number (${type}), got ${show(value)}`);
    }
  } else if (typeof value !== "bigint") {
    throw new InvalidArgumentError(`${what} must be a bigint (${type}), got ${show(value)}`);
  }
  const v = BigInt(value);
  if (v < 0n || v > max) {
    throw new InvalidArgumentError(`${what} out of range for ${type} (0..${max}), got ${show(value)}`);
  }
  return v;
}

/** Validates a 20-byte 0x address (any letter case: checksums are a UI concern) and returns it lowercase. */
function checkAddress(value: unknown, what: string): Hex {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(value)) {
    throw new InvalidArgumentError(`${what} must be a 0x-prefixed 20-byte hex address, got ${show(value)}`);
  }
  return value.toLowerCase() as Hex;
}

function checkChainId(value: unknown): bigint {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new InvalidArgumentError(`domain.chainId must be a non-negative safe integer or a bigint, got ${show(value)}`);
    }
    return BigInt(value);
  }
  if (typeof value !== "bigint" || value < 0n || value > MAX_UINT256) {
    throw new InvalidArgumentError(`domain.chainId must be a uint256, got ${show(value)}`);
  }
  return value;
}

function checkDomainString(value: unknown, fallback: string, what: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || value.length > MAX_DOMAIN_STRING) {
    throw new InvalidArgumentError(`${what} must be a string of at most ${MAX_DOMAIN_STRING} characters, got ${show(value)}`);
  }
  return value;
}

interface CheckedDomain {
  chainId: bigint;
  verifyingContract: Hex;
  name: string;
  version: string;
}

function checkDomain(domain: unknown): CheckedDomain {
  if (typeof domain !== "object" || domain === null) {
    throw new InvalidArgumentError("domain must be an object { chainId, verifyingContract, name?, version? }");
  }
  const d = domain as Partial<Eip712Domain>;
  return {
    chainId: checkChainId(d.chainId),
    verifyingContract: checkAddress(d.verifyingContract, "domain.verifyingContract"),
    name: checkDomainString(d.name, DOMAIN_NAME, "domain.name"),
    version: checkDomainString(d.version, DOMAIN_VERSION, "domain.version"),
  };
}

function primaryTypeOf(tx: unknown): PrimaryType {
  if (typeof tx !== "object" || tx === null) throw new InvalidArgumentError("tx must be an object");
  const type = (tx as { type?: unknown }).type;
  if (typeof type !== "string" || !Object.hasOwn(PRIMARY_TYPES, type)) {
    throw new InvalidArgumentError(`unknown transaction type ${show(type)}`);
  }
  return PRIMARY_TYPES[type as TxType];
}

// Keyed by chain id, contract, name and version; a node talks to a handful of domains, the bound only guards
// against a caller that cycles through many.
const separatorCache = new Map<string, Uint8Array>();
const SEPARATOR_CACHE_LIMIT = 64;

/**
 * hashStruct(EIP712Domain) for `domain`: the value wallets and the L1 contract's
 * `DOMAIN_SEPARATOR()` must agree on. `name` and `version` default to {@link DOMAIN_NAME} and
 * {@link DOMAIN_VERSION}. Returns a fresh copy (the cached one stays private).
 * @throws InvalidArgumentError if chainId is not a uint256, verifyingContract is not an address,
 * or name or version is not a string (of at most 256 characters).
 */
export function domainSeparator(domain: Eip712Domain): Uint8Array {
  return cachedSeparator(checkDomain(domain)).slice();
}

function cachedSeparator(d: CheckedDomain): Uint8Array {
  const key = JSON.stringify([String(d.chainId), d.verifyingContract, d.name, d.version]);
  let sep = separatorCache.get(key);
  if (sep === undefined) {
    const buf = new Uint8Array(5 * 32);
    buf.set(DOMAIN_TYPE_HASH, 0);
    buf.set(keccakText(d.name), 32);
    buf.set(keccakText(d.version), 64);
    writeWord(buf, 96, d.chainId);
    buf.set(fromHex(d.verifyingContract), 128 + 12);
    sep = keccak_256(buf);
    if (separatorCache.size >= SEPARATOR_CACHE_LIMIT) separatorCache.clear();
    separatorCache.set(key, sep);
  }
  return sep;
}

/**
 * The EIP-712 digest a wallet signs for `tx`:
 * keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(message)). Fields other than those of the
 * primary type (e.g. `signature` on a SignedTx) are ignored.
 * @throws InvalidArgumentError if a field is missing, of the wrong JS type or out of range for its
 * Solidity type, or if the domain is invalid — never a silently wrapped or truncated value,
 * since that would make a signature cover a different transaction than the one executed.
 */
export function txDigest(tx: Tx, domain: Eip712Domain): Uint8Array {
  const primaryType = primaryTypeOf(tx);
  const fields = TYPES[primaryType];
  const sep = cachedSeparator(checkDomain(domain));
  const record = tx as unknown as Record<string, unknown>;

  const struct = new Uint8Array(32 * (1 + fields.length));
  struct.set(TYPE_HASHES.get(primaryType)!, 0);
  fields.forEach((f: Eip712Field, i) => {
    const offset = 32 * (i + 1);
    const value = record[f.name];
    const what = `${tx.type}.${f.name}`;
    if (f.type === "address") struct.set(fromHex(checkAddress(value, what)), offset + 12);
    else writeWord(struct, offset, checkUint(value, f.type, what));
  });

  const outer = new Uint8Array(2 + 32 + 32);
  outer[0] = 0x19;
  outer[1] = 0x01;
  outer.set(sep, 2);
  outer.set(keccak_256(struct), 34);
  return keccak_256(outer);
}

/**
 * `tx` as EIP-712 typed data, validated the same way as {@link txDigest}, so wallets sign exactly
 * the digest the engine verifies. Addresses are lowercased because viem and ethers reject
 * mixed-case addresses whose EIP-55 checksum is wrong, while the protocol ignores case.
 * `types` holds only the primary type (no `EIP712Domain`: the libraries derive it from `domain`),
 * which is what ethers requires and viem accepts.
 *
 * - viem: `account.signTypedData(typedDataFor(tx, domain))` or `hashTypedData(...)`.
 * - ethers v6: `const t = typedDataFor(tx, domain);`
 *   `wallet.signTypedData(t.domain, t.types, t.message)` (equivalently
 *   `{ [t.primaryType]: t.types[t.primaryType]! }` as the types; never the whole
 *   {@link EIP712_TYPES}, which ethers rejects as having several root types), or
 *   `TypedDataEncoder.hash(t.domain, t.types, t.message)`.
 *
 * uint16/uint32 fields are numbers and uint64/uint128 fields bigints; both libraries accept
 * bigints for every uint width.
 * @throws InvalidArgumentError as {@link txDigest}.
 */
export function typedDataFor<T extends Tx>(
  tx: T,
  domain: Eip712Domain,
): true extends IsUnion<PrimaryTypeOf<T>> ? Eip712TypedData : Eip712TypedDataOf<PrimaryTypeOf<T>> {
  const primaryType = primaryTypeOf(tx);
  const fields = TYPES[primaryType];
  const d = checkDomain(domain);
  const record = tx as unknown as Record<string, unknown>;
  const message: Record<string, unknown> = {};
  for (const f of fields as readonly Eip712Field[]) {
    const what = `${tx.type}.${f.name}`;
    const value = record[f.name];
    if (f.type === "address") message[f.name] = checkAddress(value, what);
    else {
      checkUint(value, f.type, what);
      message[f.name] = value;
    }
  }
  return {
    domain: {
      name: d.name,
      version: d.version,
      chainId: domain.chainId,
      verifyingContract: d.verifyingContract,
    },
    types: { [primaryType]: fields.map((f) => ({ ...f })) },
    primaryType,
    message,
  } as never;
}
