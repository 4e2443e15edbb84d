// The CLI's JSON reader (src/cli/files.ts): exactly JSON.parse on ordinary JSON, but it refuses —
// naming the file and the field — every number JSON.parse would round, big fields that are not
// decimal integers, duplicate keys and absurd nesting.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { FileInputError, parseJson, toJson } from "../src/cli/files.js";
import { InvalidArgumentError } from "../src/protocol/errors.js";

const BIG = new Set([
  "start",
  "nonce",
  "amount",
  "fee",
  "amountA",
  "amountB",
  "minShares",
  "shares",
  "minA",
  "minB",
  "amountIn",
  "minOut",
  "balance",
  "chainId",
]);

/** Whether a JSON.parse'd value holds a key the reader treats as a big field, or a number it refuses. */
function special(v: unknown): boolean {
  if (typeof v === "number") return Math.abs(v) > Number.MAX_SAFE_INTEGER;
  if (Array.isArray(v)) return v.some(special);
  if (v !== null && typeof v === "object") return Object.entries(v).some(([k, x]) => BIG.has(k) || special(x));
  return false;
}

function errorOf(text: string, file = "batch.json"): FileInputError {
  try {
    parseJson(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(FileInputError);
    expect(e).toBeInstanceOf(InvalidArgumentError); // exit code 1, code INVALID_ARGUMENT
    return e as FileInputError;
  }
  throw new Error(`parsed: ${text}`);
}

describe("parseJson accepts what JSON.parse accepts, with the same values", () => {
  it("random JSON documents (no big fields, safe numbers), any indentation", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 0, 1, 2, "\t"), (v, indent) => {
        const text = JSON.stringify(v, null, indent);
        fc.pre(!special(JSON.parse(text)));
        expect(parseJson(text, "x.json")).toStrictEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it("random text: JSON.parse fails ⇒ parseJson fails with a FileInputError; JSON.parse succeeds ⇒ same value or a stated refusal", () => {
    const mutated = fc
      .tuple(fc.jsonValue(), fc.nat(), fc.constantFrom("", "{", "}", "[", "]", ",", ":", '"', "\\", "-", "0", "1e", ".", " ", "\u0001", "tru", "nul"))
      .map(([v, at, ins]) => {
        const s = JSON.stringify(v);
        const k = at % (s.length + 1);
        return s.slice(0, k) + ins + s.slice(k + (at % 2));
      });
    fc.assert(
      fc.property(fc.oneof(fc.string(), mutated), (text) => {
        let want: unknown;
        let jsonOk = true;
        try {
          want = JSON.parse(text);
        } catch {
          jsonOk = false;
        }
        let got: unknown;
        try {
          got = parseJson(text, "x.json");
        } catch (e) {
          expect(e).toBeInstanceOf(FileInputError);
          if (jsonOk) expect((e as Error).message).toMatch(/would be rounded|decimal string|duplicate key|out of range/);
          return;
        }
        expect(jsonOk).toBe(true);
        if (!special(want)) expect(got).toStrictEqual(want);
      }),
      { numRuns: 2000 },
    );
  });

  it("__proto__ is an ordinary key, as in JSON.parse", () => {
    const v = parseJson('{"__proto__": {"x": 1}}', "x.json") as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.hasOwn(v, "__proto__")).toBe(true);
    expect(v).toStrictEqual(JSON.parse('{"__proto__": {"x": 1}}'));
  });

  it("escapes, unicode and literals", () => {
    const text = '{"s": "a\\"b\\\\c\\u00e9\\ud83d\\ude00\\n", "t": true, "f": false, "n": null, "e": [], "o": {}}';
    expect(parseJson(text, "x.json")).toStrictEqual(JSON.parse(text));
  });
});

describe("numbers JSON.parse would round are refused, naming the file and the field", () => {
  it("a u128 above 2^53 written as a number (the issue's example)", () => {
    const e = errorOf('{"feePairs": [], "txs": [{}, {}, {}, {"type": "transfer", "amount": 340282366920938463463374607431768211455}]}');
    expect(e.message).toMatch(/^batch\.json: txs\[3\]\.amount: a u128 must be a decimal string/);
    expect(e.path).toBe("txs[3].amount");
    expect(e.file).toBe("batch.json");
  });

  it("a chain id, a nonce, a balance, an inbox start", () => {
    expect(errorOf('{"chainId": 18446744073709551616}', "genesis.json").message).toMatch(
      /^genesis\.json: chainId: a chain id \(uint256\) must be a decimal string/,
    );
    expect(errorOf('{"slots": [{"balance": 1e30}]}', "genesis.json").message).toMatch(/^genesis\.json: slots\[0\]\.balance: a u128 must be a decimal string/);
    expect(errorOf('{"txs": [{"nonce": 9007199254740992}]}').message).toMatch(/^batch\.json: txs\[0\]\.nonce: a u64 must be a decimal string/);
    expect(errorOf('{"inbox": {"start": -9007199254740993}}').message).toMatch(/^batch\.json: inbox\.start: a u64/);
  });

  it("any other field: the first unsafe number anywhere", () => {
    expect(errorOf('{"feePairs": [1, 9007199254740993]}').message).toBe(
      "batch.json: feePairs[1]: the JSON number 9007199254740993 is above 2^53 − 1 and would be rounded",
    );
    expect(errorOf('[[1], {"odd key": 1e400}]').message).toMatch(/^batch\.json: \[1\]\["odd key"\]: the JSON number 1e400/);
    expect(errorOf("9007199254740992").message).toMatch(/^batch\.json: the JSON number/);
  });

  it("the boundary: 2^53 − 1 is exact and accepted, 2^53 is not", () => {
    expect(parseJson('{"token": 9007199254740991, "amount": 9007199254740991}', "x")).toEqual({ token: 9007199254740991, amount: 9007199254740991n });
    expect(parseJson('{"token": -9007199254740991}', "x")).toEqual({ token: -9007199254740991 });
    errorOf('{"token": 9007199254740992}');
    errorOf('{"amount": 9007199254740992}');
  });

  it("a fraction that would round to an integer it is not", () => {
    expect(errorOf('{"from": 1.00000000000000000001}').message).toMatch(
      /^batch\.json: from: the JSON number 1\.00000000000000000001 is not an integer, but would be rounded to 1/,
    );
    errorOf('{"from": 1e-400}');
    errorOf('{"from": 0.99999999999999999999}');
    // exact integers in any spelling are fine; true fractions stay fractions (the engine refuses them)
    expect(parseJson('{"a": 1.0, "b": 2.5e1, "c": 10e-1, "d": 0e99, "e": 1.5, "f": -0}', "x")).toStrictEqual({ a: 1, b: 25, c: 1, d: 0, e: 1.5, f: -0 });
  });
});

describe("big fields are decimal strings (small JSON integers accepted)", () => {
  it("converts to bigint in range", () => {
    const v = parseJson('{"amount": "340282366920938463463374607431768211455", "fee": 7, "nonce": "18446744073709551615", "chainId": "1", "token": 3}', "x");
    expect(v).toStrictEqual({ amount: (1n << 128n) - 1n, fee: 7n, nonce: (1n << 64n) - 1n, chainId: 1n, token: 3 });
  });

  it.each([
    ['{"amount": "-1"}', /amount: a u128 must be a decimal string, got "-1"/],
    ['{"amount": "0x10"}', /got "0x10"/],
    ['{"amount": ""}', /got ""/],
    ['{"amount": " 1"}', /got " 1"/],
    ['{"amount": "1.5"}', /got "1.5"/],
    ['{"amount": -1}', /got -1/],
    ['{"amount": 1.5}', /got 1\.5/],
    ['{"amount": null}', /got null/],
    ['{"amount": true}', /got true/],
    ['{"amount": [1]}', /got an array/],
    ['{"amount": {"v": "1"}}', /got an object/],
    [`{"amount": "${"9".repeat(81)}"}`, /a u128 must be a decimal string/],
    ['{"amount": "340282366920938463463374607431768211456"}', /amount: 340282366920938463463374607431768211456 is out of range for a u128/],
    ['{"nonce": "18446744073709551616"}', /nonce: .* out of range for a u64/],
  ])("%s", (text, message) => {
    expect(errorOf(text).message).toMatch(message);
  });
});

describe("syntax errors name the file, line and column", () => {
  it.each([
    ["", /^batch\.json: not valid JSON \(JSON\): line 1, column 1: the file is empty/],
    ["{ not json", /line 1, column 3: expected a string key/],
    ['{\n  "a": 1,\n  "b" 2\n}', /line 3, column 7: expected ':' after a key/],
    ['{"a": 1}}', /line 1, column 9: unexpected text after the JSON value/],
    ['{"a": [1, 2}', /expected ',' or '\]'/],
    ['{"a": "x', /unterminated string/],
    ['{"a": "\\x"}', /invalid escape/],
    ['{"a": "\u0001"}', /control character/],
    ['{"a": 01}', /expected ',' or '}'/],
    ['{"a": tru}', /unexpected character/],
    ['{"a": 1, "a": 2}', /line 1, column 10: duplicate key "a"/],
  ])("%j", (text, message) => {
    expect(errorOf(text).message).toMatch(message);
  });

  it("nesting is bounded (64 levels), before the stack is", () => {
    expect(parseJson("[".repeat(64) + "]".repeat(64), "x")).toBeDefined();
    expect(errorOf("[".repeat(65) + "]".repeat(65)).message).toMatch(/nested deeper than 64/);
    expect(errorOf("[".repeat(1_000_000)).message).toMatch(/nested deeper than 64/);
  });
});

describe("toJson writes every u64/u128 field as a decimal string", () => {
  it("bigints and numbers in big fields become strings; the reader reads them back", () => {
    const v = {
      chainId: 1,
      slots: [{ owner: "0xab", token: 1, balance: (1n << 128n) - 1n, nonce: 5 }],
      inbox: { start: 0n, count: 2 },
      bytes: new Uint8Array([1, 255]),
    };
    const text = toJson(v);
    expect(JSON.parse(text)).toEqual({
      chainId: "1",
      slots: [{ owner: "0xab", token: 1, balance: String((1n << 128n) - 1n), nonce: "5" }],
      inbox: { start: "0", count: 2 },
      bytes: "0x01ff",
    });
    expect(parseJson(text, "x")).toEqual({
      chainId: 1n,
      slots: [{ owner: "0xab", token: 1, balance: (1n << 128n) - 1n, nonce: 5n }],
      inbox: { start: 0n, count: 2 },
      bytes: "0x01ff",
    });
  });

  it("refuses to write a number a reader would round", () => {
    expect(() => toJson({ token: 2 ** 60 })).toThrow(/lose precision/);
  });
});
