// JSON for the protocol's values (D37): u64/u128 fields — amounts, fees, balances, nonces, the
// chain id, an inbox start, a batch result's fees and a receipt's outputs — are decimal strings,
// the convention of every JSON file the CLI reads and writes (README, "Command line"). A reader
// that sees each number's source text, so that a number JSON.parse would round is refused, naming
// the field, instead of being read wrong. Pure: no Node built-ins.

import { toHex } from "./bytes.js";
import { InvalidArgumentError, JsonInputError } from "./errors.js";
import type { Batch, BatchResult, Hex } from "./types.js";

/** Fields that are u64/u128 (or a chain id) in the protocol, by name: decimal strings in JSON. */
const BIG_FIELDS: ReadonlyMap<string, { kind: string; max: bigint }> = (() => {
  const u64 = { kind: "u64", max: (1n << 64n) - 1n };
  const u128 = { kind: "u128", max: (1n << 128n) - 1n };
  const m = new Map<string, { kind: string; max: bigint }>();
  for (const k of ["start", "nonce"]) m.set(k, u64);
  for (const k of ["amount", "fee", "amountA", "amountB", "minShares", "shares", "minA", "minB", "amountIn", "minOut", "balance"]) m.set(k, u128);
  m.set("chainId", { kind: "chain id (uint256)", max: (1n << 256n) - 1n });
  return m;
})();

/** Fields that are arrays of u128 (a batch result's fees, a receipt's outputs), by name. */
const BIG_ARRAYS: ReadonlyMap<string, { kind: string; max: bigint }> = (() => {
  const u128 = { kind: "u128", max: (1n << 128n) - 1n };
  return new Map(["fees", "feesCredited", "owedFees", "out"].map((k) => [k, u128]));
})();

/** Nesting the protocol's values never approach; deeper input is refused before it can exhaust the stack. */
const MAX_JSON_DEPTH = 64;

/**
 * `text` as JSON, with the protocol's u64/u128 fields (by name, see the module comment) as
 * bigints. Unlike `JSON.parse` it refuses, naming the field, a number that parsing would round:
 * any magnitude above 2^53 − 1, and a fraction or exponent that rounds to an integer it does not
 * equal. Big fields take a decimal string, or a JSON integer up to 2^53 − 1 for convenience.
 * Duplicate keys are refused. Otherwise it accepts exactly what `JSON.parse` accepts.
 * @param source names the text in error messages (a file name, say).
 * @param what says what the text should hold, for the message when it is not JSON at all.
 * @throws JsonInputError naming `source` and the field's path, or the line and column.
 */
export function fromJson(text: string, source = "JSON", what = "JSON"): unknown {
  if (typeof text !== "string") throw new InvalidArgumentError("fromJson: text must be a string");
  return new JsonReader(text, source, what).document();
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const DECIMAL = /^[0-9]+$/;

class JsonReader {
  private i = 0;
  /** Keys and indices from the root to the value being read; a path string is built only for an error. */
  private readonly at: (string | number)[] = [];
  constructor(
    private readonly text: string,
    private readonly source: string,
    private readonly what: string,
  ) {}

  document(): unknown {
    this.space();
    if (this.i === this.text.length) this.syntax(`the file is empty; expected ${this.what}`);
    const v = this.value(undefined);
    this.space();
    if (this.i < this.text.length) this.syntax("unexpected text after the JSON value");
    return v;
  }

  private syntax(detail: string, at = this.i): never {
    let line = 1;
    let col = 1;
    for (let k = 0; k < at && k < this.text.length; k++) {
      if (this.text.charCodeAt(k) === 10) {
        line++;
        col = 1;
      } else col++;
    }
    throw new JsonInputError(this.source, "", `not valid JSON (${this.what}): line ${line}, column ${col}: ${detail}`);
  }

  private space(): void {
    const t = this.text;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return;
      this.i++;
    }
  }

  private path(): string {
    let p = "";
    for (const seg of this.at) {
      const k = typeof seg === "number" ? `[${seg}]` : keyPath(seg);
      p = k.startsWith("[") || p === "" ? `${p}${k}` : `${p}.${k}`;
    }
    return p;
  }

  /** The value at the current position; `key` is its member name (undefined in an array or at the root). */
  private value(key: string | undefined): unknown {
    this.space();
    const c = this.text.charCodeAt(this.i);
    let v: unknown;
    if (c === 123)
      v = this.object(); // {
    else if (c === 91)
      v = this.array(key === undefined ? undefined : BIG_ARRAYS.get(key)); // [
    else if (c === 34)
      v = this.string(); // "
    else if (c === 45 || (c >= 48 && c <= 57)) v = this.number(key);
    else if (this.text.startsWith("true", this.i)) (v = true), (this.i += 4);
    else if (this.text.startsWith("false", this.i)) (v = false), (this.i += 5);
    else if (this.text.startsWith("null", this.i)) (v = null), (this.i += 4);
    else this.syntax(Number.isNaN(c) ? "unexpected end of the file" : `unexpected character ${JSON.stringify(this.text[this.i])}`);
    const big = key === undefined ? undefined : BIG_FIELDS.get(key);
    return big === undefined ? v : this.bigField(v, big);
  }

  private object(): Record<string, unknown> {
    if (this.at.length >= MAX_JSON_DEPTH) this.syntax(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    this.i++;
    const obj: Record<string, unknown> = {};
    this.space();
    if (this.text.charCodeAt(this.i) === 125) {
      this.i++;
      return obj;
    }
    for (;;) {
      this.space();
      if (this.text.charCodeAt(this.i) !== 34) this.syntax("expected a string key");
      const at = this.i;
      const key = this.string();
      this.space();
      if (this.text.charCodeAt(this.i) !== 58) this.syntax("expected ':' after a key");
      this.i++;
      this.at.push(key);
      const v = this.value(key);
      this.at.pop();
      if (Object.hasOwn(obj, key)) this.syntax(`duplicate key ${JSON.stringify(key)}`, at);
      // as in JSON.parse, a "__proto__" key is data, not the prototype
      if (key === "__proto__") Object.defineProperty(obj, key, { value: v, writable: true, enumerable: true, configurable: true });
      else obj[key] = v;
      this.space();
      const c = this.text.charCodeAt(this.i++);
      if (c === 125) return obj;
      if (c !== 44) this.syntax("expected ',' or '}' after an object member", this.i - 1);
    }
  }

  private array(elements: { kind: string; max: bigint } | undefined): unknown[] {
    if (this.at.length >= MAX_JSON_DEPTH) this.syntax(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    this.i++;
    const arr: unknown[] = [];
    this.space();
    if (this.text.charCodeAt(this.i) === 93) {
      this.i++;
      return arr;
    }
    for (;;) {
      this.at.push(arr.length);
      const v = this.value(undefined);
      arr.push(elements === undefined ? v : this.bigField(v, elements));
      this.at.pop();
      this.space();
      const c = this.text.charCodeAt(this.i++);
      if (c === 93) return arr;
      if (c !== 44) this.syntax("expected ',' or ']' after an array element", this.i - 1);
    }
  }

  private string(): string {
    const t = this.text;
    const start = this.i++;
    let escaped = false;
    for (;;) {
      const c = t.charCodeAt(this.i);
      if (Number.isNaN(c)) this.syntax("unterminated string", start);
      if (c === 34) break;
      if (c < 0x20) this.syntax("a control character inside a string must be escaped");
      if (c === 92) {
        escaped = true;
        this.i += 2;
      } else this.i++;
    }
    this.i++;
    if (!escaped) return t.slice(start + 1, this.i - 1);
    try {
      return JSON.parse(t.slice(start, this.i)) as string; // the escapes, exactly as JSON defines them
    } catch {
      return this.syntax("invalid escape in a string", start);
    }
  }

  private number(key: string | undefined): number {
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.text);
    if (m === null) this.syntax("invalid number");
    const src = m[0];
    this.i += src.length;
    const v = Number(src);
    const big = key === undefined ? undefined : BIG_FIELDS.get(key);
    if (Math.abs(v) > Number.MAX_SAFE_INTEGER) {
      throw new JsonInputError(
        this.source,
        this.path(),
        big !== undefined
          ? `a ${big.kind} must be a decimal string: the JSON number ${src} is above 2^53 − 1 and would be rounded`
          : `the JSON number ${src} is above 2^53 − 1 and would be rounded`,
      );
    }
    if (Number.isInteger(v) && !isExactInteger(src)) {
      throw new JsonInputError(this.source, this.path(), `the JSON number ${src} is not an integer, but would be rounded to ${v}`);
    }
    return v;
  }

  /** A u64/u128/chain-id field: a decimal string (or a small JSON integer) → bigint in range. */
  private bigField(v: unknown, big: { kind: string; max: bigint }): bigint {
    let n: bigint | undefined;
    if (typeof v === "string" && DECIMAL.test(v) && v.length <= 80) n = BigInt(v);
    else if (typeof v === "number" && Number.isInteger(v) && v >= 0) n = BigInt(v);
    if (n === undefined) {
      const shown =
        typeof v === "string"
          ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)
          : v === null
            ? "null"
            : typeof v === "object"
              ? Array.isArray(v)
                ? "an array"
                : "an object"
              : String(v);
      throw new JsonInputError(this.source, this.path(), `a ${big.kind} must be a decimal string, got ${shown}`);
    }
    if (n > big.max) throw new JsonInputError(this.source, this.path(), `${v} is out of range for a ${big.kind} (at most ${big.max})`);
    return n;
  }
}

/** `.key` for identifier-like keys, `["odd key"]` otherwise (the path is for people). */
function keyPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
}

/** Whether a JSON number literal denotes an integer exactly (`10`, `1.0`, `2.5e1` do; `25e-1`, `1e-400` do not). */
function isExactInteger(src: string): boolean {
  const m = /^-?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(src)!;
  const digits = `${m[1]}${m[2] ?? ""}`.replace(/^0+/, "");
  if (digits === "") return true; // zero, whatever the exponent
  const trailingZeros = digits.length - digits.replace(/0+$/, "").length;
  return Number(m[3] ?? "0") - (m[2]?.length ?? 0) + trailingZeros >= 0;
}

/**
 * JSON for people and files: bigints — and any integer in a u64/u128/chain-id field — as decimal
 * strings, byte arrays as 0x hex, indented by two spaces. What {@link fromJson},
 * {@link batchFromJson} and {@link batchResultFromJson} read back.
 * @throws InvalidArgumentError for a number above 2^53 − 1 (a u64/u128 must be a bigint: JSON
 *   readers would round it).
 */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (k, x) => {
      if (typeof x === "bigint") return x.toString();
      if (x instanceof Uint8Array) return toHex(x);
      if (typeof x === "number") {
        if (Number.isInteger(x) && BIG_FIELDS.has(k)) return String(x);
        if (Math.abs(x) > Number.MAX_SAFE_INTEGER) throw new InvalidArgumentError(`toJson: ${k} = ${x} would lose precision; it must be a bigint`);
      }
      return x;
    },
    2,
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * A batch from its JSON (as {@link toJson} writes it, or a CLI batch file): `{ feePairs,
 * l1Messages?, txs?, inbox? }` with u64/u128 fields as decimal strings. Checked down to the three
 * arrays and the inbox range; the engine checks each entry when the batch is applied and names it.
 * @throws JsonInputError for malformed JSON, a rounded number or a field of the wrong shape.
 */
export function batchFromJson(text: string, source = "batch"): Batch & { inbox?: { start: bigint; count: number } } {
  return batchFromValue(fromJson(text, source, "a JSON batch ({ feePairs, inbox, l1Messages, txs })"), source);
}

/**
 * A batch from JSON already parsed by {@link fromJson} (big fields as bigints): the checks of
 * {@link batchFromJson} without the parse.
 * @throws JsonInputError for a field of the wrong shape.
 */
export function batchFromValue(b: unknown, source = "batch"): Batch & { inbox?: { start: bigint; count: number } } {
  if (!isRecord(b)) throw new JsonInputError(source, "", "a batch must be a JSON object { feePairs, l1Messages, txs }");
  if (!Array.isArray(b.feePairs)) throw new JsonInputError(source, "feePairs", "must be an array of { token, slot } with tokens increasing");
  for (const k of ["l1Messages", "txs"] as const) {
    if (b[k] !== undefined && !Array.isArray(b[k])) throw new JsonInputError(source, k, "must be an array");
  }
  const batch: Batch & { inbox?: { start: bigint; count: number } } = {
    feePairs: b.feePairs as Batch["feePairs"],
    l1Messages: (b.l1Messages ?? []) as Batch["l1Messages"],
    txs: (b.txs ?? []) as Batch["txs"],
  };
  if (b.inbox !== undefined) {
    const inbox = b.inbox;
    if (!isRecord(inbox) || typeof inbox.start !== "bigint" || typeof inbox.count !== "number") {
      throw new JsonInputError(source, "inbox", "must be { start: a u64 decimal string, count: a number }");
    }
    batch.inbox = { start: inbox.start, count: inbox.count };
  }
  return batch;
}

const HASH_HEX = /^0x[0-9a-fA-F]{64}$/;

/**
 * A batch result from its JSON (as {@link toJson} writes `engine.applyBatch`'s answer): every field
 * present and of its type, u128 values (balances, fees, receipt outputs) as decimal strings.
 * @throws JsonInputError for malformed JSON, a rounded number or a missing or mistyped field.
 */
export function batchResultFromJson(text: string, source = "batch result"): BatchResult {
  const r = fromJson(text, source, "a JSON batch result");
  const bad = (path: string, rule: string): never => {
    throw new JsonInputError(source, path, rule);
  };
  if (!isRecord(r)) return bad("", "a batch result must be a JSON object");
  for (const k of ["preStateRoot", "postStateRoot", "postTreeRoot", "withdrawalsRoot"]) {
    if (typeof r[k] !== "string" || !HASH_HEX.test(r[k] as string)) bad(k, "must be a 0x-prefixed 32-byte hex string");
  }
  const u32 = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
  if (!u32(r.slotCount)) bad("slotCount", "must be a u32");
  const array = (k: string): unknown[] => (Array.isArray(r[k]) ? (r[k] as unknown[]) : bad(k, "must be an array"));
  array("receipts").forEach((x, i) => {
    if (!isRecord(x) || !u32(x.status) || !Array.isArray(x.touched) || !x.touched.every(u32))
      return bad(`receipts[${i}]`, "must be { status, touched: u32[], out }");
    if (!Array.isArray(x.out) || x.out.length !== 2) bad(`receipts[${i}].out`, "must be two u128 decimal strings");
  });
  array("withdrawals").forEach((x, i) => {
    if (!isRecord(x) || typeof x.owner !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(x.owner) || !u32(x.token) || typeof x.amount !== "bigint") {
      bad(`withdrawals[${i}]`, "must be { owner: a 20-byte hex address, token: a u32, amount: a u128 decimal string }");
    }
  });
  array("fees");
  array("feesCredited");
  return r as unknown as BatchResult;
}

export type { Hex };
