import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { hashTypedData, recoverAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { TypedDataEncoder, Wallet } from "ethers";
import { InvalidArgumentError } from "../src/protocol/errors.js";
import { fromHex, toHex } from "../src/protocol/bytes.js";
import { checksumAddress } from "../src/protocol/slot-encoding.js";
import type { Hex, SignedTx, Tx, TxType } from "../src/protocol/types.js";
import { MAX_U128, MAX_U64 } from "../src/protocol/types.js";
import {
  DOMAIN_NAME,
  DOMAIN_VERSION,
  EIP712_TYPES,
  PRIMARY_TYPES,
  domainSeparator,
  txDigest,
  typedDataFor,
  type Eip712Domain,
} from "../src/protocol/eip712.js";
import { SECP256K1_HALF_N, SECP256K1_N, addressOf, recoverSigner, recoverTransactionSigner, signDigest, signTransaction } from "../src/protocol/signatures.js";

const MAX_U32 = 0xffffffff;
const hex = (b: Uint8Array): Hex => toHex(b);

// Hardhat/Anvil account #0: a well-known test key, never used for anything of value.
const ANVIL_PK: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
// addresses come out EIP-55 checksummed (D37)
const ANVIL_ADDRESS: Hex = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const PK2: Hex = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"; // Anvil #1

const DOMAIN: Eip712Domain = { chainId: 31337, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" };

/** One transaction of every type, with boundary values spread over them. */
const SAMPLES: Tx[] = [
  { type: "transfer", from: 0, to: MAX_U32, amount: MAX_U128, fee: 0n, nonce: MAX_U64 },
  { type: "transferToNew", from: 5, toOwner: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", amount: 1n, fee: MAX_U128, nonce: 0n },
  { type: "withdraw", from: MAX_U32, amount: 10n ** 30n, fee: 7n, nonce: 1n },
  { type: "createPool", fromA: 1, fromB: 2, amountA: 1000n, amountB: MAX_U128, feeBps: 65535, nonce: 2n },
  { type: "addLiquidity", pool: 3, fromA: 1, fromB: 2, lpSlot: MAX_U32, amountA: 0n, amountB: 1n, minShares: MAX_U128, nonce: 3n },
  { type: "removeLiquidity", pool: 3, lpSlot: 4, toA: 1, toB: 2, shares: MAX_U128, minA: 0n, minB: 9n, nonce: MAX_U64 },
  { type: "swap", pool: 3, from: 1, to: 2, amountIn: 123456789n, minOut: 0n, nonce: 4n },
];

function ethersHash(tx: Tx, domain: Eip712Domain): string {
  const t = typedDataFor(tx, domain);
  return TypedDataEncoder.hash(t.domain, t.types, t.message);
}

function splitSig(sig: Hex): { r: bigint; s: bigint; v: number } {
  const b = fromHex(sig);
  return { r: BigInt(hex(b.subarray(0, 32))), s: BigInt(hex(b.subarray(32, 64))), v: b[64]! };
}

function joinSig(r: bigint, s: bigint, v: number): Hex {
  const word = (x: bigint) => x.toString(16).padStart(64, "0");
  return `0x${word(r)}${word(s)}${v.toString(16).padStart(2, "0")}`;
}

describe("fixed vectors (test/vectors/eip712.json, computed with viem)", () => {
  const file = JSON.parse(readFileSync(new URL("./vectors/eip712.json", import.meta.url), "utf8"), (_key, value) =>
    typeof value === "string" && /^[0-9]+$/.test(value) ? BigInt(value) : value,
  ) as {
    privateKey: Hex;
    address: Hex;
    domains: Array<Eip712Domain & { separator: Hex }>;
    vectors: Array<{ domain: Eip712Domain; tx: Tx; digest: Hex; signature: Hex }>;
  };

  it("covers every transaction type", () => {
    expect(new Set(file.vectors.map((v) => v.tx.type))).toEqual(new Set(Object.keys(PRIMARY_TYPES)));
    expect(file.vectors.length).toBeGreaterThanOrEqual(8);
  });

  it("the key's address matches", () => {
    expect(checksumAddress(file.address)).toBe(ANVIL_ADDRESS);
    expect(addressOf(file.privateKey)).toBe(ANVIL_ADDRESS);
    expect(addressOf(fromHex(file.privateKey))).toBe(ANVIL_ADDRESS);
  });

  it.each(file.domains.map((d) => [d.chainId, d.verifyingContract, d] as const))("domain separator for chain %s, %s", (_c, _v, d) => {
    expect(hex(domainSeparator(d))).toBe(d.separator);
  });

  it.each(file.vectors.map((v, i) => [i, v.tx.type, v] as const))("vector %i (%s): digest, recovery, signature", (_i, _t, v) => {
    expect(hex(txDigest(v.tx, v.domain))).toBe(v.digest);
    expect(recoverTransactionSigner({ ...v.tx, signature: v.signature }, v.domain)).toBe(ANVIL_ADDRESS);
    expect(recoverSigner(fromHex(v.digest), fromHex(v.signature))).toBe(ANVIL_ADDRESS);
    // RFC 6979 is deterministic, so our signer reproduces viem's signature byte for byte.
    expect(signTransaction(v.tx, file.privateKey, v.domain).signature).toBe(v.signature);
  });
});

describe("typedDataFor", () => {
  it("produces the protocol's domain, one primary type without EIP712Domain, and only the signed fields", () => {
    const signed: SignedTx = { ...SAMPLES[1]!, signature: "0x00" };
    const t = typedDataFor(signed, { chainId: 5n, verifyingContract: "0x5FbDB2315678afecb367f032d93F642f64180aa3" });
    expect(t.domain).toEqual({ name: DOMAIN_NAME, version: DOMAIN_VERSION, chainId: 5n, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" });
    expect(Object.keys(t.domain)).toEqual(["name", "version", "chainId", "verifyingContract"]);
    expect(t.primaryType).toBe("TransferToNew");
    expect(t.types).toEqual({ TransferToNew: EIP712_TYPES.TransferToNew });
    expect(t.message).toEqual({
      from: 5,
      toOwner: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", // lowercased: see below
      amount: 1n,
      fee: MAX_U128,
      nonce: 0n,
    });
  });

  it("spells every type string exactly as the spec", () => {
    const sig = (p: keyof typeof EIP712_TYPES) => `${p}(${EIP712_TYPES[p].map((f) => `${f.type} ${f.name}`).join(",")})`;
    expect(Object.values(PRIMARY_TYPES).map(sig)).toEqual([
      "Transfer(uint32 from,uint32 to,uint128 amount,uint128 fee,uint64 nonce)",
      "TransferToNew(uint32 from,address toOwner,uint128 amount,uint128 fee,uint64 nonce)",
      "Withdraw(uint32 from,uint128 amount,uint128 fee,uint64 nonce)",
      "CreatePool(uint32 fromA,uint32 fromB,uint128 amountA,uint128 amountB,uint16 feeBps,uint64 nonce)",
      "AddLiquidity(uint32 pool,uint32 fromA,uint32 fromB,uint32 lpSlot,uint128 amountA,uint128 amountB,uint128 minShares,uint64 nonce)",
      "RemoveLiquidity(uint32 pool,uint32 lpSlot,uint32 toA,uint32 toB,uint128 shares,uint128 minA,uint128 minB,uint64 nonce)",
      "Swap(uint32 pool,uint32 from,uint32 to,uint128 amountIn,uint128 minOut,uint64 nonce)",
    ]);
  });

  it("the shared type table is frozen; returned types are copies", () => {
    expect(Object.isFrozen(EIP712_TYPES)).toBe(true);
    expect(Object.isFrozen(EIP712_TYPES.Transfer)).toBe(true);
    expect(Object.isFrozen(EIP712_TYPES.Transfer[0])).toBe(true);
    const t = typedDataFor(SAMPLES[0]!, DOMAIN);
    expect(t.types.Transfer).not.toBe(EIP712_TYPES.Transfer);
  });

  it("mixed-case addresses with a wrong EIP-55 checksum are accepted (viem would reject them raw)", () => {
    const bad = "0x70997970c51812DC3A010C7D01B50E0D17DC79C8" as Hex; // not the checksummed spelling
    const tx: Tx = { type: "transferToNew", from: 1, toOwner: bad, amount: 1n, fee: 0n, nonce: 0n };
    const raw = typedDataFor(tx, DOMAIN);
    expect(() => hashTypedData({ ...raw, message: { ...raw.message, toOwner: bad } })).toThrow();
    const lower: Tx = { ...tx, toOwner: bad.toLowerCase() as Hex };
    expect(hex(txDigest(tx, DOMAIN))).toBe(hex(txDigest(lower, DOMAIN)));
    expect(hashTypedData(raw)).toBe(hex(txDigest(lower, DOMAIN)));
  });
});

describe("signing with viem and ethers", () => {
  const viemAccount = privateKeyToAccount(ANVIL_PK);
  const ethersWallet = new Wallet(ANVIL_PK);

  it("addressOf agrees with both libraries", () => {
    // the same EIP-55 checksum as both libraries write
    expect(addressOf(ANVIL_PK)).toBe(viemAccount.address);
    expect(addressOf(ANVIL_PK)).toBe(ethersWallet.address);
    expect(addressOf(PK2)).toBe(new Wallet(PK2).address);
  });

  it.each(SAMPLES.map((tx) => [tx.type, tx] as const))("%s: viem and ethers signatures recover the signer", async (_t, tx) => {
    const t = typedDataFor(tx, DOMAIN);
    const viemSig = await viemAccount.signTypedData(t);
    const ethersSig = (await ethersWallet.signTypedData(t.domain, t.types, t.message)) as Hex;
    // The spelled-out form from the docs gives the same bytes.
    const ethersSig2 = await ethersWallet.signTypedData(t.domain, { [t.primaryType]: t.types[t.primaryType]! }, t.message);
    expect(ethersSig2).toBe(ethersSig);
    expect(recoverTransactionSigner({ ...tx, signature: viemSig }, DOMAIN)).toBe(ANVIL_ADDRESS);
    expect(recoverTransactionSigner({ ...tx, signature: ethersSig }, DOMAIN)).toBe(ANVIL_ADDRESS);
    // All three are RFC 6979 signers, so the bytes agree too.
    const ours = signTransaction(tx, ANVIL_PK, DOMAIN);
    expect(ours.signature).toBe(viemSig);
    expect(ours.signature).toBe(ethersSig);
    expect(ours).toEqual({ ...tx, signature: viemSig });
    expect(hex(txDigest(tx, DOMAIN))).toBe(hashTypedData(t));
    expect(hex(txDigest(tx, DOMAIN))).toBe(ethersHash(tx, DOMAIN));
  });

  it("a statically known tx type gives precisely typed data that viem type-checks", async () => {
    const swap: Extract<Tx, { type: "swap" }> = { type: "swap", pool: 1, from: 2, to: 3, amountIn: 4n, minOut: 5n, nonce: 6n };
    const t = typedDataFor(swap, DOMAIN);
    const primary: "Swap" = t.primaryType;
    const amountIn: bigint = t.message.amountIn;
    const pool: number = t.message.pool;
    expect([primary, amountIn, pool]).toEqual(["Swap", 4n, 1]);
    const sig = await viemAccount.signTypedData(t);
    expect(recoverTransactionSigner({ ...swap, signature: sig }, DOMAIN)).toBe(ANVIL_ADDRESS);
  });

  it("random keys: our signature equals viem's and recovers the key's address", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((k) => secp256k1.utils.isValidSecretKey(k)),
        fc.constantFrom(...SAMPLES),
        async (key, tx) => {
          const pk = hex(key);
          const viemSig = await privateKeyToAccount(pk).signTypedData(typedDataFor(tx, DOMAIN));
          const signed = signTransaction(tx, key, DOMAIN);
          expect(signed.signature).toBe(viemSig);
          expect(recoverTransactionSigner(signed, DOMAIN)).toBe(addressOf(pk));
          expect(splitSig(signed.signature).s <= SECP256K1_HALF_N).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("txDigest agrees with viem and ethers on random transactions", () => {
  const u16 = fc.oneof(fc.constantFrom(0, 0xffff), fc.integer({ min: 0, max: 0xffff }));
  const u32 = fc.oneof(fc.constantFrom(0, 1, MAX_U32), fc.integer({ min: 0, max: MAX_U32 }));
  const u64 = fc.oneof(fc.constantFrom(0n, 1n, MAX_U64), fc.bigInt({ min: 0n, max: MAX_U64 }));
  const u128 = fc.oneof(
    fc.constantFrom(0n, 1n, MAX_U64, MAX_U64 + 1n, MAX_U128),
    fc.bigInt({ min: 0n, max: MAX_U128 }),
    fc.bigInt({ min: 0n, max: 1n << 64n }),
  );
  // Random letter case: the protocol ignores it, and no checksum is required.
  const address = fc
    .tuple(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }))
    .map(([b, upper]) => `0x${[...toHex(b).slice(2)].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join("")}` as Hex);
  const chainId = fc.oneof(
    fc.constantFrom<bigint | number>(0, 1, 31337, Number.MAX_SAFE_INTEGER, (1n << 256n) - 1n),
    fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
  );
  const domain = fc.record({ chainId, verifyingContract: address });
  const tx: fc.Arbitrary<Tx> = fc.oneof(
    fc.record({ type: fc.constant("transfer" as const), from: u32, to: u32, amount: u128, fee: u128, nonce: u64 }),
    fc.record({ type: fc.constant("transferToNew" as const), from: u32, toOwner: address, amount: u128, fee: u128, nonce: u64 }),
    fc.record({ type: fc.constant("withdraw" as const), from: u32, amount: u128, fee: u128, nonce: u64 }),
    fc.record({ type: fc.constant("createPool" as const), fromA: u32, fromB: u32, amountA: u128, amountB: u128, feeBps: u16, nonce: u64 }),
    fc.record({
      type: fc.constant("addLiquidity" as const),
      pool: u32,
      fromA: u32,
      fromB: u32,
      lpSlot: u32,
      amountA: u128,
      amountB: u128,
      minShares: u128,
      nonce: u64,
    }),
    fc.record({
      type: fc.constant("removeLiquidity" as const),
      pool: u32,
      lpSlot: u32,
      toA: u32,
      toB: u32,
      shares: u128,
      minA: u128,
      minB: u128,
      nonce: u64,
    }),
    fc.record({ type: fc.constant("swap" as const), pool: u32, from: u32, to: u32, amountIn: u128, minOut: u128, nonce: u64 }),
  );

  it("digest = viem hashTypedData = ethers TypedDataEncoder.hash (200 runs)", () => {
    fc.assert(
      fc.property(tx, domain, (t, d) => {
        const ours = hex(txDigest(t, d));
        expect(ours).toBe(hashTypedData(typedDataFor(t, d)));
        expect(ours).toBe(ethersHash(t, d));
      }),
      { numRuns: 200 },
    );
  });

  it("all-zero and all-max transactions of every type", () => {
    const types = Object.keys(PRIMARY_TYPES) as TxType[];
    for (const type of types) {
      for (const extreme of ["zero", "max"] as const) {
        const t = { type } as Record<string, unknown>;
        for (const f of EIP712_TYPES[PRIMARY_TYPES[type]]) {
          const max = f.type === "uint16" ? 0xffff : f.type === "uint32" ? MAX_U32 : f.type === "uint64" ? MAX_U64 : MAX_U128;
          if (f.type === "address") t[f.name] = extreme === "zero" ? `0x${"00".repeat(20)}` : `0x${"ff".repeat(20)}`;
          else if (extreme === "zero") t[f.name] = typeof max === "number" ? 0 : 0n;
          else t[f.name] = max;
        }
        const d: Eip712Domain =
          extreme === "zero"
            ? { chainId: 0, verifyingContract: `0x${"00".repeat(20)}` }
            : { chainId: (1n << 256n) - 1n, verifyingContract: `0x${"ff".repeat(20)}` };
        const digest = hex(txDigest(t as Tx, d));
        expect(digest, `${type} ${extreme}`).toBe(hashTypedData(typedDataFor(t as Tx, d)));
        expect(digest, `${type} ${extreme}`).toBe(ethersHash(t as Tx, d));
      }
    }
  });

  it("chainId as number or bigint gives the same digest; the separator is a copy", () => {
    const a = txDigest(SAMPLES[0]!, { ...DOMAIN, chainId: 31337 });
    const b = txDigest(SAMPLES[0]!, { ...DOMAIN, chainId: 31337n });
    expect(hex(a)).toBe(hex(b));
    const sep = domainSeparator(DOMAIN);
    sep.fill(0);
    expect(hex(domainSeparator(DOMAIN))).not.toBe(hex(sep));
    expect(hex(txDigest(SAMPLES[0]!, DOMAIN))).toBe(hex(a));
  });
});

describe("replay protection", () => {
  const tx = SAMPLES[0]!;
  const signed = signTransaction(tx, ANVIL_PK, DOMAIN);

  it("a signature for another chainId recovers a different address", () => {
    const other = recoverTransactionSigner(signed, { ...DOMAIN, chainId: 1 });
    expect(other).not.toBe(ANVIL_ADDRESS);
    const forOther = signTransaction(tx, ANVIL_PK, { ...DOMAIN, chainId: 1 });
    expect(recoverTransactionSigner(forOther, DOMAIN)).not.toBe(ANVIL_ADDRESS);
  });

  it("a signature for another verifyingContract recovers a different address", () => {
    const other = recoverTransactionSigner(signed, { ...DOMAIN, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa4" });
    expect(other).not.toBe(ANVIL_ADDRESS);
  });

  it("a signature for another transaction (changed nonce or type) recovers a different address", () => {
    expect(recoverTransactionSigner({ ...signed, nonce: signed.nonce - 1n }, DOMAIN)).not.toBe(ANVIL_ADDRESS);
    const asSwap: SignedTx = { type: "swap", pool: 0, from: MAX_U32, to: 0, amountIn: MAX_U128, minOut: 0n, nonce: MAX_U64, signature: signed.signature };
    expect(recoverTransactionSigner(asSwap, DOMAIN)).not.toBe(ANVIL_ADDRESS);
  });
});

describe("invalid but well-formed signatures return null; malformed ones throw InvalidArgumentError (SPEC §6.6)", () => {
  const digest = txDigest(SAMPLES[2]!, DOMAIN);
  const good = signDigest(digest, ANVIL_PK);
  const { r, s, v } = splitSig(good);

  it("the untouched signature recovers, as hex (any case) or bytes; v 0/1 equals 27/28", () => {
    expect(recoverSigner(digest, good)).toBe(ANVIL_ADDRESS);
    expect(recoverSigner(digest, good.toUpperCase().replace("0X", "0x") as Hex)).toBe(ANVIL_ADDRESS);
    expect(recoverSigner(digest, fromHex(good))).toBe(ANVIL_ADDRESS);
    expect(recoverSigner(digest, joinSig(r, s, v - 27))).toBe(ANVIL_ADDRESS);
    expect(recoverSigner(digest, joinSig(r, s, v === 27 ? 28 : 27))).not.toBe(ANVIL_ADDRESS);
  });

  it("high-s (n - s with v flipped) is null, though it is the same key's malleated signature", async () => {
    const high = joinSig(r, SECP256K1_N - s, v === 27 ? 28 : 27);
    expect(recoverSigner(digest, high)).toBeNull();
    // viem's recoverAddress does not enforce low-s: it shows the malleated signature is valid ECDSA.
    expect(await recoverAddress({ hash: hex(digest), signature: high })).toBe(ANVIL_ADDRESS);
    expect(recoverSigner(digest, joinSig(r, SECP256K1_HALF_N + 1n, v))).toBeNull();
    expect(recoverSigner(digest, joinSig(r, SECP256K1_HALF_N, v))).not.toBeNull(); // n/2 itself is allowed
  });

  const malformed: Array<[string, unknown]> = [
    ["truncated (64 bytes)", good.slice(0, -2) as Hex],
    ["truncated (1 byte short of r)", good.slice(0, 64) as Hex],
    ["extended (66 bytes)", `${good}00`],
    ["extended (130 bytes)", `${good}${good.slice(2)}`],
    ["empty hex", "0x"],
    ["empty bytes", new Uint8Array(0)],
    ["64 bytes", fromHex(good).subarray(0, 64)],
    ["odd-length hex", `${good}0` as Hex],
    ["non-hex", `0x${"zz".repeat(65)}` as Hex],
    ["no 0x prefix", good.slice(2)],
    ["0X prefix", `0X${good.slice(2)}`],
    ["undefined (missing)", undefined],
    ["null", null],
    ["a number", 42],
    ["an object { r, s, v }", { r: `0x${r.toString(16)}`, s: `0x${s.toString(16)}`, v }],
    ["an object { r, s, yParity }", { r: `0x${r.toString(16)}`, s: `0x${s.toString(16)}`, yParity: "0x1" }],
    ["an array of 65 numbers", Array.from(fromHex(good))],
  ];
  it.each(malformed)("malformed: %s", (_name, sig) => {
    expect(() => recoverSigner(digest, sig as Hex)).toThrow(InvalidArgumentError);
    expect(() => recoverTransactionSigner({ ...SAMPLES[2]!, signature: sig as Hex }, DOMAIN)).toThrow(/^withdraw\.signature must be/);
  });

  const bad: Array<[string, Hex | Uint8Array]> = [
    ["v = 29", joinSig(r, s, 29)],
    ["v = 26", joinSig(r, s, 26)],
    ["v = 2", joinSig(r, s, 2)],
    ["v = 255", joinSig(r, s, 255)],
    ["r = 0", joinSig(0n, s, v)],
    ["s = 0", joinSig(r, 0n, v)],
    ["r = n", joinSig(SECP256K1_N, s, v)],
    ["r = 2^256 - 1", joinSig((1n << 256n) - 1n, s, v)],
    ["s = n", joinSig(r, SECP256K1_N, v)],
    ["s = n + 1", joinSig(r, SECP256K1_N + 1n, v)],
    ["s = 2^256 - 1", joinSig(r, (1n << 256n) - 1n, v)],
    ["all zero", new Uint8Array(65)],
    ["all 0xff", new Uint8Array(65).fill(0xff)],
  ];
  it.each(bad)("%s", (_name, sig) => {
    expect(recoverSigner(digest, sig)).toBeNull();
    expect(recoverTransactionSigner({ ...SAMPLES[2]!, signature: sig instanceof Uint8Array ? hex(sig) : sig }, DOMAIN)).toBeNull();
  });

  it("r that is not the x-coordinate of any curve point", () => {
    let x = 1n;
    for (; ; x++) {
      try {
        secp256k1.Point.fromBytes(fromHex(`0x02${x.toString(16).padStart(64, "0")}`));
      } catch {
        break;
      }
    }
    expect(recoverSigner(digest, joinSig(x, s, 27))).toBeNull();
    expect(recoverSigner(digest, joinSig(x, s, 28))).toBeNull();
  });

  it("random bytes: 65 of them never throw; any other length is a typed error", () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ minLength: 0, maxLength: 130 }), fc.uint8Array({ minLength: 65, maxLength: 65 })), fc.boolean(), (sig, asHex) => {
        if (sig.length !== 65) {
          expect(() => recoverSigner(digest, asHex ? hex(sig) : sig)).toThrow(InvalidArgumentError);
          return;
        }
        const out = recoverSigner(digest, asHex ? hex(sig) : sig);
        expect(out === null || (/^0x[0-9a-fA-F]{40}$/.test(out) && out === checksumAddress(out))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("a wrong-length digest is a caller bug and throws InvalidArgumentError", () => {
    expect(() => recoverSigner(new Uint8Array(31), good)).toThrow(InvalidArgumentError);
    expect(() => signDigest(new Uint8Array(33), ANVIL_PK)).toThrow(InvalidArgumentError);
  });
});

describe("invalid transactions, domains and keys throw InvalidArgumentError", () => {
  const base = SAMPLES[3]! as Extract<Tx, { type: "createPool" }>;
  const cases: Array<[string, unknown]> = [
    ["negative amount", { ...base, amountA: -1n }],
    ["amount 2^128", { ...base, amountB: 1n << 128n }],
    ["amount as number", { ...base, amountA: 5 }],
    ["amount as string", { ...base, amountA: "5" }],
    ["nonce 2^64", { ...base, nonce: 1n << 64n }],
    ["negative nonce", { ...base, nonce: -1n }],
    ["slot 2^32", { ...base, fromA: 2 ** 32 }],
    ["negative slot", { ...base, fromB: -1 }],
    ["non-integer slot", { ...base, fromA: 1.5 }],
    ["NaN slot", { ...base, fromA: NaN }],
    ["slot as bigint", { ...base, fromA: 1n }],
    ["feeBps 65536", { ...base, feeBps: 65536 }],
    ["missing field", { ...base, nonce: undefined }],
    ["unknown type", { ...base, type: "mint" }],
    ["not an object", null],
    ["bad address (19 bytes)", { ...SAMPLES[1]!, toOwner: `0x${"11".repeat(19)}` }],
    ["bad address (no 0x)", { ...SAMPLES[1]!, toOwner: "11".repeat(20) }],
    ["bad address (non-hex)", { ...SAMPLES[1]!, toOwner: `0x${"gg".repeat(20)}` }],
    ["removeLiquidity minB 2^128", { ...SAMPLES[5]!, minB: 1n << 128n }],
    ["swap pool 1.5", { ...SAMPLES[6]!, pool: 1.5 }],
  ];
  it.each(cases)("%s", (_name, tx) => {
    expect(() => txDigest(tx as Tx, DOMAIN)).toThrow(InvalidArgumentError);
    expect(() => typedDataFor(tx as Tx, DOMAIN)).toThrow(InvalidArgumentError);
    expect(() => signTransaction(tx as Tx, ANVIL_PK, DOMAIN)).toThrow(InvalidArgumentError);
    expect(() => recoverTransactionSigner({ ...(tx as Tx), signature: "0x00" }, DOMAIN)).toThrow(InvalidArgumentError);
  });

  const domains: Array<[string, unknown]> = [
    ["negative chainId", { ...DOMAIN, chainId: -1 }],
    ["fractional chainId", { ...DOMAIN, chainId: 1.5 }],
    ["unsafe number chainId", { ...DOMAIN, chainId: 2 ** 53 }],
    ["chainId 2^256", { ...DOMAIN, chainId: 1n << 256n }],
    ["chainId as string", { ...DOMAIN, chainId: "1" }],
    ["bad verifyingContract", { ...DOMAIN, verifyingContract: "0x1234" }],
    ["missing verifyingContract", { chainId: 1 }],
    ["null domain", null],
  ];
  it.each(domains)("domain: %s", (_name, d) => {
    expect(() => domainSeparator(d as Eip712Domain)).toThrow(InvalidArgumentError);
    expect(() => txDigest(SAMPLES[0]!, d as Eip712Domain)).toThrow(InvalidArgumentError);
    expect(() => typedDataFor(SAMPLES[0]!, d as Eip712Domain)).toThrow(InvalidArgumentError);
  });

  it("invalid private keys, without echoing the key", () => {
    const keys: unknown[] = [
      new Uint8Array(32),
      hex(new Uint8Array(32)),
      `0x${SECP256K1_N.toString(16)}`,
      new Uint8Array(31).fill(1),
      ANVIL_PK.slice(2),
      `${ANVIL_PK}00`,
      42,
    ];
    for (const k of keys) {
      expect(() => addressOf(k as Hex)).toThrow(InvalidArgumentError);
      expect(() => signDigest(new Uint8Array(32), k as Hex)).toThrow(InvalidArgumentError);
    }
    try {
      addressOf(`${ANVIL_PK}00` as Hex);
    } catch (e) {
      expect(String((e as Error).message)).not.toContain(ANVIL_PK.slice(2, 20));
    }
  });
});
