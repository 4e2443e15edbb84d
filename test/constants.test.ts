// The one table (scripts/layout-table.mjs, docs/DECISIONS.md D36) and its generated files: the
// committed files must be exactly what the generator writes now, so they cannot drift from the
// table, and the table's codes must be the ones the protocol's TypeScript surface exposes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without types
import { GENERATED_FILES, generateConstants } from "../scripts/build-constants.mjs";
import { Reason, MAX_FEE_PAIRS, MAX_SLOTS, type TxType } from "../src/protocol/types.js";
import { TX_TYPE_CODES, TX_TYPES, SLOT_RECORD_BYTES, TX_RECORD_BYTES } from "../src/protocol/constants.generated.js";
import { encodeEntryRecord } from "../src/engine/flat.js";

const root = join(import.meta.dirname, "..");

describe("the constants table", () => {
  it("the committed generated files equal a fresh generation", () => {
    const files = generateConstants() as Record<string, string>;
    expect(Object.keys(files).sort()).toEqual(Object.values(GENERATED_FILES as Record<string, string>).sort());
    for (const [path, text] of Object.entries(files)) {
      expect(readFileSync(join(root, path), "utf8"), `${path} is stale: run npm run build:constants`).toBe(text);
    }
  });

  it("gives the protocol's codes and limits", () => {
    expect(Reason.OK).toBe(0);
    expect(Reason.CAPACITY).toBe(15);
    expect(Object.values(Reason)).toEqual([...Array(16).keys()]);
    expect(MAX_FEE_PAIRS).toBe(16);
    expect(MAX_SLOTS).toBe(2 ** 24);
    expect(SLOT_RECORD_BYTES).toBe(48);
    TX_TYPES.forEach((t: TxType, code: number) => expect(TX_TYPE_CODES[t]).toBe(code));
  });

  it("the engine writes a transaction's type code from the table", () => {
    const record = encodeEntryRecord({ type: "swap", pool: 1, from: 2, to: 3, amountIn: 4n, minOut: 0n, nonce: 0n, signature: "0x" }, null);
    expect(record.length).toBe(TX_RECORD_BYTES);
    expect(record[0]).toBe(TX_TYPE_CODES.swap);
  });
});
