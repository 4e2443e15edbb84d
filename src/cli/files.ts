// Files for `l2engine`: JSON for people, msgpack or raw bytes for machines. In every JSON file the
// CLI reads or writes, u64/u128 fields (and the chain id) are decimal strings: the library's
// fromJson/toJson (src/protocol/json.ts) read and write them. A file that cannot be read or
// written is a usage error (exit 2); a file whose content is invalid — malformed JSON, a number
// JSON would round, a big field that is not a decimal integer — is a FileInputError (exit 1)
// naming the file and the field's path.

import { readFileSync, writeFileSync } from "node:fs";
import { JsonInputError } from "../protocol/errors.js";
import { batchFromJson as batchFromJsonText, batchFromValue, fromJson } from "../protocol/json.js";
import type { Batch } from "../protocol/types.js";
import { UsageError } from "./args.js";

export { toJson } from "../protocol/json.js";

/**
 * A CLI input file whose content is invalid (exit code 1). `path` is the field, as
 * `txs[3].amount`, or "" when the problem is the file's syntax (the message then gives line and
 * column).
 */
export class FileInputError extends JsonInputError {
  /** The file, as named on the command line. */
  get file(): string {
    return this.source;
  }
}

/** The library's JsonInputError as the CLI's FileInputError (same source, path and message). */
function asFileError<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof JsonInputError && !(e instanceof FileInputError)) throw new FileInputError(e.source, e.path, e.detail);
    throw e;
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
  const text = new TextDecoder().decode(readBytes(file));
  return asFileError(() => batchFromJsonText(text, file));
}

/**
 * An already parsed batch file (see {@link readBatchJson}).
 * @throws FileInputError naming `file` and the field.
 */
export function batchFromJson(v: unknown, file: string): Batch & { inbox?: { start: bigint; count: number } } {
  return asFileError(() => batchFromValue(v, file));
}

/**
 * `text` as JSON with the protocol's big fields as bigints: the library's {@link fromJson}, its
 * errors as FileInputError naming `file`.
 * @throws FileInputError naming `file` and the field's path or the line and column.
 */
export function parseJson(text: string, file: string, what = "JSON"): unknown {
  return asFileError(() => fromJson(text, file, what));
}

export function writeFile(file: string, bytes: Uint8Array | string): void {
  try {
    writeFileSync(file, bytes);
  } catch (e) {
    throw new UsageError(`cannot write ${file}: ${(e as Error).message}`);
  }
}
