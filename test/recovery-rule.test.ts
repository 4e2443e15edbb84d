// One recovery rule (SPEC §6.6, DECISIONS D22): @noble/curves, libsecp256k1 in WASM, and the worker
// pool with either backend give the identical answer on every input — the same address or null
// for every well-formed signature, and the same InvalidArgumentError (same message) for every
// malformed transaction. Runs against the built package (dist/), because the pool's workers load
// dist/recover-worker.js.
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  Engine,
  InvalidArgumentError,
  RecoverPool,
  fromHex,
  nobleRecovery,
  recoverSigner,
  secp256k1WasmRecovery,
  secp256k1NativeRecovery,
  nodeRecovery,
  signTransaction,
  toHex,
  txDigest,
  type Hex,
  type SignedTx,
  type Tx,
} from "../dist/node.js";
import { SECP256K1_HALF_N, SECP256K1_N } from "../src/protocol/signatures.js"; // constants only
import { checksumAddress } from "../src/protocol/slot-encoding.js";

const KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" as const; // Anvil #0
const DOMAIN = { chainId: 31337n, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Hex };
const TX: Tx = { type: "transfer", from: 0, to: 1, amount: 10n ** 18n, fee: 1n, nonce: 7n };
const SIGNED = signTransaction(TX, KEY, DOMAIN);
const DIGEST = txDigest(TX, DOMAIN);
const good = fromHex(SIGNED.signature);
const R = BigInt(toHex(good.subarray(0, 32)));
const S = BigInt(toHex(good.subarray(32, 64)));
const V = good[64]!;

const word = (x: bigint) => x.toString(16).padStart(64, "0");
const sig = (r: bigint, s: bigint, v: number): Hex => `0x${word(r)}${word(s)}${v.toString(16).padStart(2, "0")}`;
const P = 2n ** 256n - 2n ** 32n - 977n;
function powMod(b: bigint, e: bigint): bigint {
  let x = 1n;
  for (b %= P; e > 0n; e >>= 1n, b = (b * b) % P) if (e & 1n) x = (x * b) % P;
  return x;
}
/** The smallest x ≥ from with no curve point (x³ + 7 is not a square mod p). */
function notAnXCoordinate(from: bigint): bigint {
  let x = from;
  while (powMod(x ** 3n + 7n, (P - 1n) / 2n) === 1n) x++;
  return x;
}
const NOT_X = notAnXCoordinate(2n);
const other = V === 27 ? 28 : 27;

/** Hostile but well-formed signatures: every backend must answer null or the same address. */
const hostile: Array<[string, Hex | Uint8Array]> = [
  ["the valid signature", SIGNED.signature],
  ["the valid signature as bytes", good],
  ["the valid signature, uppercase hex", `0x${SIGNED.signature.slice(2).toUpperCase()}`],
  ["v as raw recovery id (0/1)", sig(R, S, V - 27)],
  ["v flipped (another key)", sig(R, S, other)],
  ["the high-s twin (n - s, v flipped)", sig(R, SECP256K1_N - S, other)],
  ["the high-s twin, v kept", sig(R, SECP256K1_N - S, V)],
  ["r = 0", sig(0n, S, V)],
  ["s = 0", sig(R, 0n, V)],
  ["r = n", sig(SECP256K1_N, S, V)],
  ["s = n", sig(R, SECP256K1_N, V)],
  ["r = n - 1", sig(SECP256K1_N - 1n, S, V)],
  ["s = n - 1", sig(R, SECP256K1_N - 1n, V)],
  ["r > n", sig(SECP256K1_N + 1n, S, V)],
  ["s > n", sig(R, SECP256K1_N + 1n, V)],
  ["r = 2^256 - 1", sig(2n ** 256n - 1n, S, V)],
  ["s = 2^256 - 1", sig(R, 2n ** 256n - 1n, V)],
  ["s = n/2 (the largest low s)", sig(R, SECP256K1_HALF_N, V)],
  ["s = n/2 + 1 (the smallest high s)", sig(R, SECP256K1_HALF_N + 1n, V)],
  ["s = n/2 + 1, v flipped", sig(R, SECP256K1_HALF_N + 1n, other)],
  ...[0, 1, 2, 26, 29, 35, 36, 255].map((v): [string, Hex] => [`v = ${v}`, sig(R, S, v)]),
  ["r not an x-coordinate, v 27", sig(NOT_X, S, 27)],
  ["r not an x-coordinate, v 28", sig(NOT_X, S, 28)],
  ["r = 1", sig(1n, S, V)],
  ["all-zero 65 bytes", new Uint8Array(65)],
  ["all-0xff 65 bytes", new Uint8Array(65).fill(0xff)],
  ["64 zero bytes with v 27", sig(0n, 0n, 27)],
];
// random bytes, random (r, s) with a valid v, and random low-s values
const random = fc.sample(
  fc.oneof(
    fc.uint8Array({ minLength: 65, maxLength: 65 }).map((b) => b as Hex | Uint8Array),
    fc.tuple(fc.bigInt(1n, SECP256K1_N - 1n), fc.bigInt(1n, SECP256K1_HALF_N), fc.constantFrom(0, 1, 27, 28)).map(([r, s, v]) => sig(r, s, v)),
    fc.tuple(fc.bigInt(0n, 2n ** 256n - 1n), fc.bigInt(0n, 2n ** 256n - 1n), fc.integer({ min: 0, max: 255 })).map(([r, s, v]) => sig(r, s, v)),
  ),
  { numRuns: 120, seed: 22 },
);
const hostileTxs: SignedTx[] = [...hostile.map(([, s]) => s), ...random].map((signature) => ({ ...TX, signature: signature as Hex }));

// the native binary ships for linux-x64 (CI), darwin-arm64 and win32-x64: there it must load
const native = secp256k1NativeRecovery;
const nativeExpected = ["linux-x64", "darwin-arm64", "win32-x64"].includes(`${process.platform}-${process.arch}`);
const engines = {
  noble: Engine.create({ genesis: [], ...DOMAIN, recovery: nobleRecovery }),
  wasm: Engine.create({ genesis: [], ...DOMAIN, recovery: secp256k1WasmRecovery }),
  ...(native ? { native: Engine.create({ genesis: [], ...DOMAIN, recovery: native }) } : {}),
};
const pools = {
  "pool (auto)": new RecoverPool({ domain: DOMAIN, threads: 2 }),
  "pool (libsecp256k1 WASM)": new RecoverPool({ domain: DOMAIN, threads: 2, backend: "secp256k1-wasm" }),
  "pool (noble)": new RecoverPool({ domain: DOMAIN, threads: 2, backend: "noble" }),
  ...(native ? { "pool (native)": new RecoverPool({ domain: DOMAIN, threads: 2, backend: "native" }) } : {}),
};
afterAll(async () => {
  for (const p of Object.values(pools)) await p.close();
});

const batchOf = (txs: SignedTx[]) => ({ feePairs: [], l1Messages: [], txs });

describe("well-formed hostile signatures: every backend gives the same address or null", () => {
  const expected = engines.noble.recoverSigners(batchOf(hostileTxs));

  it("the protocol's answer on the named cases", () => {
    const byName = new Map(hostile.map(([name], i) => [name, expected[i]]));
    const signer = byName.get("the valid signature")!;
    expect(signer).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(signer).toBe(checksumAddress(signer!));
    for (const name of ["the valid signature as bytes", "the valid signature, uppercase hex", "v as raw recovery id (0/1)"])
      expect(byName.get(name), name).toBe(signer);
    expect(byName.get("v flipped (another key)")).not.toBe(signer);
    expect(byName.get("v flipped (another key)")).not.toBeNull();
    expect(byName.get("s = n/2 (the largest low s)")).not.toBeNull();
    const nulls = [
      "the high-s twin (n - s, v flipped)",
      "the high-s twin, v kept",
      "r = 0",
      "s = 0",
      "r = n",
      "s = n",
      "r > n",
      "s > n",
      "r = 2^256 - 1",
      "s = 2^256 - 1",
      "s = n/2 + 1 (the smallest high s)",
      "s = n/2 + 1, v flipped",
      "v = 2",
      "v = 26",
      "v = 29",
      "v = 35",
      "v = 36",
      "v = 255",
      "r not an x-coordinate, v 27",
      "r not an x-coordinate, v 28",
      "all-zero 65 bytes",
      "all-0xff 65 bytes",
      "64 zero bytes with v 27",
    ];
    for (const name of nulls) expect(byName.get(name), name).toBeNull();
    // the high-s twin is the same key's signature in plain ECDSA: only the low-s rule refuses it
    expect(nobleRecovery.recoverPublicKey(DIGEST, fromHex(sig(R, SECP256K1_N - S, other)).subarray(0, 64), other === 27 ? 0 : 1)).not.toBeNull();
  });

  it("recoverSigner with @noble/curves and with libsecp256k1 agree on every signature", () => {
    for (const [i, tx] of hostileTxs.entries()) {
      const a = recoverSigner(DIGEST, tx.signature, nobleRecovery);
      expect(recoverSigner(DIGEST, tx.signature, secp256k1WasmRecovery), tx.signature).toBe(a);
      expect(a, tx.signature).toBe(expected[i]);
    }
  });

  it("Engine.recoverSigners agrees with every backend", () => {
    expect(engines.wasm.recoverSigners(batchOf(hostileTxs))).toEqual(expected);
    if (engines.native) expect(engines.native.recoverSigners(batchOf(hostileTxs))).toEqual(expected);
  });

  it("native libsecp256k1 loads where its binary ships, is the Node default there, and agrees on every signature", () => {
    expect(native !== null).toBe(nativeExpected);
    expect(nodeRecovery).toBe(native ?? secp256k1WasmRecovery);
    if (!native) return;
    for (const [i, tx] of hostileTxs.entries()) expect(recoverSigner(DIGEST, tx.signature, native), tx.signature).toBe(expected[i]);
    // the raw backend too, below the protocol's low-s rule: the same key as the other backends, or none
    for (const [, signature] of hostile) {
      const bytes = typeof signature === "string" ? fromHex(signature) : signature;
      if (bytes.length !== 65) continue;
      for (const id of [0, 1] as const) {
        const want = secp256k1WasmRecovery.recoverPublicKey(DIGEST, bytes.subarray(0, 64), id);
        const got = native.recoverPublicKey(DIGEST, bytes.subarray(0, 64), id);
        expect(got === null ? null : toHex(got), toHex(bytes)).toBe(want === null ? null : toHex(want));
      }
    }
  });

  it.each(Object.keys(pools))(
    "%s agrees, also when the batch spans several jobs",
    async (name) => {
      const pool = pools[name as keyof typeof pools]!;
      expect(await pool.recover(hostileTxs)).toEqual(expected);
      const many = Array.from({ length: 600 }, (_, i) => hostileTxs[i % hostileTxs.length]!);
      expect(await pool.recover(many)).toEqual(many.map((_, i) => expected[i % hostileTxs.length]));
    },
    60_000,
  );
});

describe("malformed transactions: every backend throws the same InvalidArgumentError", () => {
  const inherited = Object.create(SIGNED) as SignedTx; // its fields are all on the prototype
  const malformed: Array<[string, unknown]> = [
    ["signature of 64 bytes (hex)", { ...SIGNED, signature: SIGNED.signature.slice(0, -2) }],
    ["signature of 64 bytes (Uint8Array)", { ...SIGNED, signature: good.subarray(0, 64) }],
    ["signature of 66 bytes", { ...SIGNED, signature: `${SIGNED.signature}00` }],
    ["r of 31 bytes (signature 64 bytes)", { ...SIGNED, signature: `0x${SIGNED.signature.slice(4)}` }],
    ["odd-length hex", { ...SIGNED, signature: `${SIGNED.signature}0` }],
    ["non-hex digits", { ...SIGNED, signature: `0x${"zz".repeat(65)}` }],
    ["no 0x prefix", { ...SIGNED, signature: SIGNED.signature.slice(2) }],
    ["empty signature", { ...SIGNED, signature: "0x" }],
    ["missing signature", { ...TX }],
    ["signature null", { ...SIGNED, signature: null }],
    ["signature as { r, s, v }", { ...SIGNED, signature: { r: `0x${word(R)}`, s: `0x${word(S)}`, v: V } }],
    ["signature as { r, s, yParity: '0x1' }", { ...SIGNED, signature: { r: `0x${word(R)}`, s: `0x${word(S)}`, yParity: "0x1" } }],
    ["signature with v as a string", { ...SIGNED, signature: [`0x${word(R)}${word(S)}`, "27"] }],
    ["signature a function (not cloneable)", { ...SIGNED, signature: () => SIGNED.signature }],
    ["missing field (nonce)", { ...SIGNED, nonce: undefined }],
    ["amount as a number", { ...SIGNED, amount: 5 }],
    ["amount as a decimal string", { ...SIGNED, amount: "5" }],
    ["amount 2^128", { ...SIGNED, amount: 2n ** 128n }],
    ["amount a function (not cloneable)", { ...SIGNED, amount: () => 1n }],
    ["slot 1.5", { ...SIGNED, from: 1.5 }],
    ["unknown type", { ...SIGNED, type: "mint" }],
    ["type a symbol (not cloneable)", { ...SIGNED, type: Symbol("transfer") }],
    ["not an object", 42],
    ["null", null],
  ];

  // the malformed entry sits at index 1 behind a good one, so messages must name txs[1]
  it.each(malformed)("%s", async (_name, bad) => {
    const txs = [SIGNED, bad as SignedTx];
    let message = "";
    try {
      engines.noble.recoverSigners(batchOf(txs));
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidArgumentError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/^txs\[1\]: /);
    expect(() => engines.wasm.recoverSigners(batchOf(txs))).toThrow(message);
    for (const pool of Object.values(pools)) {
      const err = await pool.recover(txs).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect((err as Error).message).toBe(message);
    }
  });

  it("a transaction whose fields are inherited is read the way the engine reads it", async () => {
    const [want] = engines.noble.recoverSigners(batchOf([inherited]));
    expect(want).toMatch(/^0x[0-9a-fA-F]{40}$/);
    for (const pool of Object.values(pools)) expect(await pool.recover([inherited])).toEqual([want]);
  });

  it("the pool reports the lowest malformed index, whichever job fails first", async () => {
    // job 1 (txs 256..511) recovers 255 signatures before its bad entry; job 2 fails at once
    const txs = Array.from({ length: 700 }, () => SIGNED as SignedTx);
    txs[511] = { ...SIGNED, signature: "0x12" as Hex };
    txs[512] = { ...SIGNED, nonce: -1n };
    const message = (() => {
      try {
        engines.wasm.recoverSigners(batchOf(txs));
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).toMatch(/^txs\[511\]: transfer\.signature must be/);
    for (const pool of Object.values(pools)) await expect(pool.recover(txs)).rejects.toThrow(message);
    // and the pool still works afterwards
    for (const pool of Object.values(pools)) expect(await pool.recover([SIGNED])).toEqual(engines.wasm.recoverSigners(batchOf([SIGNED])));
  }, 60_000);

  it("a bad domain or a non-array is refused up front, as the engine refuses it", async () => {
    expect(() => new RecoverPool({ domain: { ...DOMAIN, chainId: -1n }, threads: 1 })).toThrow(InvalidArgumentError);
    await expect(pools["pool (noble)"].recover("txs" as unknown as SignedTx[])).rejects.toThrow(InvalidArgumentError);
    expect(() => engines.noble.recoverSigners({ feePairs: [], l1Messages: [], txs: "txs" as unknown as SignedTx[] })).toThrow(InvalidArgumentError);
  });
});
