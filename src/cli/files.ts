// Files for `l2engine`: JSON for people, msgpack or raw bytes for machines. In every JSON file the
// CLI reads or writes, u64/u128 fields (and the chain id) are decimal strings. A file that cannot
// be read or written is a usage error (exit 2); a file whose content is invalid — malformed JSON,
// a number JSON would round, a big field that is not a decimal integer — is a FileInputError
// (exit 1) naming the file and the field's path.

import { readFileSync, writeFileSync } from "node:fs";
import { InvalidArgumentError } from "../protocol/errors.js";
import type { Batch } from "../protocol/types.js";
import { UsageError } from "./args.js";

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

/** Nesting the protocol's files never approach; deeper input is refused before it can exhaust the stack. */
const MAX_JSON_DEPTH = 64;

/**
 * A CLI input file whose content is invalid (exit code 1). `path` is the field, as
 * `txs[3].amount`, or "" when the problem is the file's syntax (the message then gives line and
 * column).
 */
export class FileInputError extends InvalidArgumentError {
  readonly file: string;
  readonly path: string;
  constructor(file: string, path: string, detail: string) {
    super(`${file}: ${path === "" ? "" : `${path}: `}${detail}`);
    this.file = file;
    this.path = path;
  }
}

export function readBytes(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

/**
 * Parses a JSON file, turning the protocol's big-number fields (u64, u128, chain id) into
 * bigints. `what` says what the file should hold, for the message when it is not JSON at all.
 * @throws UsageError if the file cannot be read; FileInputError if its content is invalid.
 */
export function readJson<T>(file: string, what: string): T {
  return parseJson(new TextDecoder().decode(readBytes(file)), file, what) as T;
}

/**
 * A batch file's JSON `{ feePairs, inbox?, l1Messages?, txs? }`, checked down to the three arrays; the
 * engine checks the entries and names them.
 * @throws UsageError if the file cannot be read; FileInputError if its content is invalid.
 */
export function readBatchJson(file: string): Batch & { inbox?: { start: bigint; count: number } } {
  return batchFromJson(readJson<unknown>(file, "a JSON batch ({ feePairs, inbox, l1Messages, txs })"), file);
}

/**
 * An already parsed batch file (see {@link readBatchJson}).
 * @throws FileInputError naming `file` and the field.
 */
export function batchFromJson(v: unknown, file: string): Batch & { inbox?: { start: bigint; count: number } } {
  const b = v as Record<string, unknown> | null;
  if (b === null || typeof b !== "object" || Array.isArray(b)) throw new FileInputError(file, "", "a batch must be a JSON object { feePairs, l1Messages, txs }");
  if (!Array.isArray(b.feePairs)) throw new FileInputError(file, "feePairs", "must be an array of { token, slot } with tokens increasing");
  for (const k of ["l1Messages", "txs"] as const) {
    if (b[k] !== undefined && !Array.isArray(b[k])) throw new FileInputError(file, k, "must be an array");
  }
  const batch: Batch & { inbox?: { start: bigint; count: number } } = { feePairs: b.feePairs, l1Messages: (b.l1Messages ?? []) as Batch["l1Messages"], txs: (b.txs ?? []) as Batch["txs"] };
  if (b.inbox !== undefined) {
    const inbox = b.inbox as { start?: unknown; count?: unknown } | null;
    if (inbox === null || typeof inbox !== "object" || typeof inbox.start !== "bigint" || typeof inbox.count !== "number") {
      throw new FileInputError(file, "inbox", "must be { start: a u64 decimal string, count: a number }");
    }
    batch.inbox = { start: inbox.start, count: inbox.count };
  }
  return batch;
}

/**
 * `text` as JSON, with the protocol's big fields as bigints. Unlike `JSON.parse` it sees each
 * number's source text, so it can refuse, naming the field, a number that parsing would round: any
 * magnitude above 2^53 − 1 (Number.MAX_SAFE_INTEGER), and a fraction or exponent that rounds to an
 * integer it does not equal (`1.00000000000000000001`). Big fields take a decimal string, or a
 * JSON integer up to 2^53 − 1 for convenience. Duplicate keys are refused, not silently resolved.
 * Otherwise it accepts exactly what `JSON.parse` accepts and returns the same values.
 * @throws FileInputError naming `file` and the field's path or the line and column.
 */
export function parseJson(text: string, file: string, what = "JSON"): unknown {
  return new JsonReader(text, file, what).document();
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const DECIMAL = /^[0-9]+$/;

class JsonReader {
  private i = 0;
  /** Keys and indices from the root to the value being read; a path string is built only for an error. */
  private readonly at: (string | number)[] = [];
  constructor(
    private readonly text: string,
    private readonly file: string,
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
    throw new FileInputError(this.file, "", `not valid JSON (${this.what}): line ${line}, column ${col}: ${detail}`);
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
    if (c === 123) v = this.object(); // {
    else if (c === 91) v = this.array(); // [
    else if (c === 34) v = this.string(); // "
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

  private array(): unknown[] {
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
      arr.push(this.value(undefined));
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
      throw new FileInputError(this.file, this.path(), big !== undefined
        ? `a ${big.kind} must be a decimal string: the JSON number ${src} is above 2^53 − 1 and would be rounded`
        : `the JSON number ${src} is above 2^53 − 1 and would be rounded`);
    }
    if (Number.isInteger(v) && !isExactInteger(src)) {
      throw new FileInputError(this.file, this.path(), `the JSON number ${src} is not an integer, but would be rounded to ${v}`);
    }
    return v;
  }

  /** A u64/u128/chain-id field: a decimal string (or a small JSON integer) → bigint in range. */
  private bigField(v: unknown, big: { kind: string; max: bigint }): bigint {
    let n: bigint | undefined;
    if (typeof v === "string" && DECIMAL.test(v) && v.length <= 80) n = BigInt(v);
    else if (typeof v === "number" && Number.isInteger(v) && v >= 0) n = BigInt(v);
    if (n === undefined) {
      const shown = typeof v === "string" ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : v === null ? "null" : typeof v === "object" ? (Array.isArray(v) ? "an array" : "an object") : String(v);
      throw new FileInputError(this.file, this.path(), `a ${big.kind} must be a decimal string, got ${shown}`);
    }
    if (n > big.max) throw new FileInputError(this.file, this.path(), `${v} is out of range for a ${big.kind} (at most ${big.max})`);
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
 * JSON for people: bigints — and any number in a u64/u128/chain-id field — as decimal strings,
 * byte arrays as 0x-hex. Refuses (as a bug) a number JSON readers would round.
 */
export function toJson(v: unknown): string {
  return JSON.stringify(
    v,
    (k, x) => {
      if (typeof x === "bigint") return x.toString();
      if (x instanceof Uint8Array) return `0x${Buffer.from(x).toString("hex")}`;
      if (typeof x === "number") {
        if (Number.isInteger(x) && BIG_FIELDS.has(k)) return String(x);
        if (Math.abs(x) > Number.MAX_SAFE_INTEGER) throw new Error(`toJson: ${k} = ${x} would lose precision; it must be a bigint`);
      }
      return x;
    },
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
