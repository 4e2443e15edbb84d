// msgpackr records for structured data that no contract reads: batch results and receipts (step
// proofs are flat binary, src/dispute/proof-codec.ts). A small schema checks every decoded record: unknown fields, missing fields and
// wrong types are a DecodeError, so a record that decodes is exactly the typed value.
// u128 values travel as minimal 0x-hex strings (msgpack integers stop at 64 bits).

import { Packr } from "msgpackr";
import { DecodeError } from "../da/codec.js";
import { EncodeError } from "../da/codec.js";
import { checksumAddress } from "../protocol/slot-encoding.js";
import { MAX_U128, type BatchResult, type Hex, type Receipt, type Withdrawal } from "../protocol/types.js";

/** The type of one field of a record {@link Schema}. */
export type FieldType = "u8" | "u32" | "u128" | "hash" | "address" | "bytes" | { array: FieldType; max?: number } | { tuple: FieldType[] } | { record: Schema };
/** A record's fields and their types: every field present, no other (SPEC §10). */
export type Schema = { readonly [field: string]: FieldType };

const packr = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true });

const fail = (path: string, why: string): never => {
  throw new DecodeError("SCHEMA", 0, `${path}: ${why}`);
};

/**
 * Where a value sits in the record being encoded, built only when an error names it: encoding a
 * batch result visits ~10^5 values, and formatting each one's path eagerly cost more than the rest.
 */
type WirePath = { up: WirePath | undefined; key: string | number };

function pathText(p: WirePath | undefined): string {
  if (p === undefined) return "record";
  return typeof p.key === "number" ? `${pathText(p.up)}[${p.key}]` : `${pathText(p.up)}.${p.key}`;
}

const recordKeys = new WeakMap<Schema, string[]>();
function keysOf(schema: Schema): string[] {
  let keys = recordKeys.get(schema);
  if (keys === undefined) {
    keys = Object.keys(schema);
    recordKeys.set(schema, keys);
  }
  return keys;
}

/** Converts a typed value to its msgpack form (u128 → hex string), checking it on the way. */
function toWire(type: FieldType, v: unknown, path: WirePath | undefined): unknown {
  if (typeof type === "string") {
    switch (type) {
      case "u8":
      case "u32": {
        const max = type === "u8" ? 0xff : 0xffffffff;
        if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max) throw new EncodeError(`${pathText(path)} must be a ${type}`);
        return v;
      }
      case "u128":
        if (typeof v !== "bigint" || v < 0n || v > MAX_U128) throw new EncodeError(`${pathText(path)} must be a u128 bigint`);
        return v === 0n ? "0x0" : `0x${v.toString(16)}`;
      case "hash":
        if (typeof v !== "string" || !/^0x[0-9a-f]{64}$/.test(v)) throw new EncodeError(`${pathText(path)} must be a lowercase 32-byte hex`);
        return v;
      case "address":
        // stored lowercase whatever the case given (outputs are checksummed, D37): the bytes stay those of format 3
        if (typeof v !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(v)) throw new EncodeError(`${pathText(path)} must be a 20-byte hex address`);
        return v.toLowerCase();
      case "bytes":
        if (!(v instanceof Uint8Array)) throw new EncodeError(`${pathText(path)} must be a Uint8Array`);
        return v;
    }
  }
  if ("array" in type) {
    if (!Array.isArray(v)) throw new EncodeError(`${pathText(path)} must be an array`);
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = toWire(type.array, v[i], { up: path, key: i });
    return out;
  }
  if ("tuple" in type) {
    if (!Array.isArray(v) || v.length !== type.tuple.length) throw new EncodeError(`${pathText(path)} must have ${type.tuple.length} entries`);
    return v.map((x, i) => toWire(type.tuple[i]!, x, { up: path, key: i }));
  }
  if (v === null || typeof v !== "object") throw new EncodeError(`${pathText(path)} must be an object`);
  const out: Record<string, unknown> = {};
  for (const key of keysOf(type.record)) out[key] = toWire(type.record[key]!, (v as Record<string, unknown>)[key], { up: path, key });
  return out;
}

/** Checks a decoded msgpack value against the schema and converts it back (hex → bigint). */
function fromWire(type: FieldType, v: unknown, path: string): unknown {
  if (typeof type === "string") {
    switch (type) {
      case "u8":
      case "u32": {
        const max = type === "u8" ? 0xff : 0xffffffff;
        if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max) fail(path, `not a ${type}`);
        return v;
      }
      case "u128": {
        // canonical: lowercase, no leading zeros
        if (typeof v !== "string" || !/^0x(0|[1-9a-f][0-9a-f]{0,31})$/.test(v)) fail(path, "not a canonical u128 hex");
        return BigInt(v as string);
      }
      case "hash":
        if (typeof v !== "string" || !/^0x[0-9a-f]{64}$/.test(v)) fail(path, "not a 32-byte lowercase hex");
        return v;
      case "address":
        if (typeof v !== "string" || !/^0x[0-9a-f]{40}$/.test(v)) fail(path, "not a lowercase address");
        return v;
      case "bytes":
        if (!(v instanceof Uint8Array)) fail(path, "not bytes");
        return new Uint8Array(v as Uint8Array);
    }
  }
  if ("array" in type) {
    if (!Array.isArray(v)) return fail(path, "not an array");
    if (type.max !== undefined && v.length > type.max) fail(path, `more than ${type.max} entries`);
    return v.map((x, i) => fromWire(type.array, x, `${path}[${i}]`));
  }
  if ("tuple" in type) {
    if (!Array.isArray(v) || v.length !== type.tuple.length) return fail(path, `not a ${type.tuple.length}-tuple`);
    return v.map((x, i) => fromWire(type.tuple[i]!, x, `${path}[${i}]`));
  }
  if (v === null || typeof v !== "object" || Array.isArray(v) || v instanceof Uint8Array) return fail(path, "not a record");
  const keys = Object.keys(v);
  const want = Object.keys(type.record);
  for (const k of keys) if (!want.includes(k)) fail(path, `unknown field "${k}"`);
  const out: Record<string, unknown> = {};
  for (const k of want) {
    if (!(k in (v as object))) fail(path, `missing field "${k}"`);
    out[k] = fromWire(type.record[k]!, (v as Record<string, unknown>)[k], `${path}.${k}`);
  }
  return out;
}

/**
 * Packs `value` as a msgpack record of `schema`.
 * @throws EncodeError if it does not fit the schema.
 */
export function packRecord<T>(schema: Schema, value: T): Uint8Array {
  return packr.pack(toWire({ record: schema }, value, undefined));
}

/**
 * Unpacks and checks a record of `schema`.
 * @throws DecodeError (SCHEMA) on malformed msgpack or any mismatch.
 */
export function unpackRecord<T>(schema: Schema, bytes: Uint8Array): T {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError("SCHEMA", 0, "record bytes must be a Uint8Array");
  let raw: unknown;
  try {
    raw = packr.unpack(bytes);
  } catch (e) {
    throw new DecodeError("TRUNCATED", 0, `not msgpack: ${(e as Error).message}`);
  }
  return fromWire({ record: schema }, raw, "record") as T;
}

/** The schema of a stored {@link Receipt}. */
export const RECEIPT_SCHEMA: Schema = { status: "u8", touched: { array: "u32", max: 7 }, out: { tuple: ["u128", "u128"] } };
/** The schema of a stored {@link Withdrawal}. */
export const WITHDRAWAL_SCHEMA: Schema = { owner: "address", token: "u32", amount: "u128" };
/** The schema of a stored {@link BatchResult}. */
export const BATCH_RESULT_SCHEMA: Schema = {
  preStateRoot: "hash",
  postStateRoot: "hash",
  postTreeRoot: "hash",
  slotCount: "u32",
  receipts: { array: { record: RECEIPT_SCHEMA }, max: 1 << 20 },
  withdrawals: { array: { record: WITHDRAWAL_SCHEMA }, max: 1 << 20 },
  withdrawalsRoot: "hash",
  fees: { array: "u128", max: 16 },
  feesCredited: { array: "u128", max: 16 },
};

/**
 * A batch result as its msgpack record (SPEC §10): what a store keeps.
 * @throws EncodeError if a field is missing, extra or out of range.
 */
export function encodeBatchResult(result: BatchResult): Uint8Array {
  return packRecord(BATCH_RESULT_SCHEMA, result);
}

/**
 * A batch result from its msgpack record, checked against {@link BATCH_RESULT_SCHEMA}; withdrawal
 * owners come back checksummed.
 * @throws DecodeError (SCHEMA) if the bytes are not exactly such a record.
 */
export function decodeBatchResult(bytes: Uint8Array): BatchResult {
  const result = unpackRecord<BatchResult>(BATCH_RESULT_SCHEMA, bytes);
  // withdrawal owners come out checksummed, as from applyBatch (the record keeps them lowercase)
  for (const w of result.withdrawals) w.owner = checksumAddress(w.owner);
  return result;
}

export type { Receipt, Withdrawal, Hex };
