// The public API's conventions (D37): 0x hex out, checksummed addresses out, typed errors only,
// one shared default core, a configurable EIP-712 domain name and version.
import { describe, expect, it } from "vitest";
import { getAddress } from "viem";
import {
  DOMAIN_NAME, DOMAIN_VERSION, Engine, InvalidArgumentError, WasmCore, WasmTrapError, addressOf, checksumAddress, createEngine, defaultCore,
  JsonInputError, batchFromJson, batchResultFromJson, domainSeparator, fromJson, reasonName, recoverTransactionSigner, signTransaction, toHex, toJson,
  txDigest, typedDataFor, type Hex,
} from "../src/index.js";

const KEY: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const DOMAIN = { chainId: 1n, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Hex };
const genesis = () => [
  { owner: addressOf(KEY).toLowerCase() as Hex, token: 1, balance: 100n, nonce: 0n },
  { owner: addressOf(KEY), token: 1, balance: 0n, nonce: 0n },
];

describe("hex and addresses out", () => {
  it("toHex is 0x-prefixed lowercase, as viem's", () => {
    expect(toHex(new Uint8Array([0, 0xab, 255]))).toBe("0x00abff");
    expect(toHex(new Uint8Array(0))).toBe("0x");
    expect(() => toHex("ab" as unknown as Uint8Array)).toThrow(InvalidArgumentError);
  });

  it("checksumAddress is EIP-55, as viem's getAddress", () => {
    for (const a of ["0x5fbdb2315678afecb367f032d93f642f64180aa3", "0xFB6916095CA1DF60BB79CE92CE3EA74C37C5D359", `0x${"00".repeat(20)}`]) {
      expect(checksumAddress(a)).toBe(getAddress(a));
    }
    expect(() => checksumAddress("0x1234")).toThrow(InvalidArgumentError);
  });

  it("slot owners and withdrawals come out checksummed, whatever case went in", () => {
    const engine = Engine.create({ ...DOMAIN, genesis: genesis() });
    const owner = getAddress(addressOf(KEY));
    expect(engine.getSlot(0).owner).toBe(owner);
    const tx = signTransaction({ type: "withdraw", from: 0, amount: 5n, fee: 0n, nonce: 0n }, KEY, DOMAIN);
    const result = engine.applyBatch({ feePairs: [], l1Messages: [{ kind: "forcedExit", owner: owner.toLowerCase() as Hex, slot: 1 }], txs: [tx] });
    expect(result.receipts.map((r) => r.status)).toEqual([0, 0]);
    expect(result.withdrawals.map((w) => w.owner)).toEqual([owner, owner]);
    expect(recoverTransactionSigner(tx, DOMAIN)).toBe(owner);
    engine.dispose();
  });
});

describe("typed errors", () => {
  it("reasonName of an unknown code is an InvalidArgumentError", () => {
    expect(reasonName(4)).toBe("BAD_NONCE");
    expect(() => reasonName(99)).toThrow(InvalidArgumentError);
  });
});

describe("the shared default core", () => {
  it("engines, forks and step checks without a core share one; after a trap the next call gets a new one", () => {
    const a = Engine.create({ ...DOMAIN, genesis: genesis() });
    const b = Engine.create({ ...DOMAIN, genesis: genesis() });
    expect(a.core).toBe(defaultCore());
    expect(b.core).toBe(a.core);
    expect(a.fork().core).toBe(a.core);
    const own = WasmCore.createSync();
    expect(Engine.create({ ...DOMAIN, core: own }).core).toBe(own);
    // a wild pointer traps the shared core; it is replaced, the engines on it stay unusable
    const trapped = defaultCore();
    expect(() => trapped.instance.call((x) => x.keccak256(0x7ffffff0, 1000, 0))).toThrow(WasmTrapError);
    expect(trapped.trapped).toBe(true);
    expect(() => a.stateRoot()).toThrow(WasmTrapError);
    const next = defaultCore();
    expect(next).not.toBe(trapped);
    expect(next.trapped).toBe(false);
    expect(Engine.create({ ...DOMAIN, genesis: genesis() }).core).toBe(next);
  });

  it("createEngine is the deprecated alias of Engine.create", () => {
    const e = createEngine({ ...DOMAIN, genesis: genesis() });
    expect(e).toBeInstanceOf(Engine);
    expect(e.stateRoot()).toBe(Engine.create({ ...DOMAIN, genesis: genesis() }).stateRoot());
  });
});

describe("the EIP-712 domain name and version, per deployment", () => {
  const other = { ...DOMAIN, name: "other-rollup" };
  const tx = { type: "transfer", from: 0, to: 1, amount: 40n, fee: 0n, nonce: 0n } as const;

  it("default to l2engine / 1, and another name or version gives another separator", () => {
    expect(DOMAIN_NAME).toBe("l2engine");
    expect(DOMAIN_VERSION).toBe("1");
    expect(toHex(domainSeparator({ ...DOMAIN, name: "l2engine", version: "1" }))).toBe(toHex(domainSeparator(DOMAIN)));
    const base = toHex(domainSeparator(DOMAIN));
    expect(toHex(domainSeparator(other))).not.toBe(base);
    expect(toHex(domainSeparator({ ...DOMAIN, version: "2" }))).not.toBe(base);
    expect(toHex(txDigest(tx, other))).not.toBe(toHex(txDigest(tx, DOMAIN)));
    expect(typedDataFor(tx, other).domain).toMatchObject({ name: "other-rollup", version: "1" });
    expect(() => domainSeparator({ ...DOMAIN, name: 7 as unknown as string })).toThrow(InvalidArgumentError);
  });

  it("signatures do not cross: an engine of another name refuses them, one of the same name applies them", () => {
    const mine = signTransaction(tx, KEY, other);
    const theirs = signTransaction(tx, KEY, DOMAIN);
    for (const [sig, want] of [[mine, 0], [theirs, 2]] as const) {
      const engine = Engine.create({ ...other, genesis: genesis() });
      expect(engine.domain.name).toBe("other-rollup");
      expect(engine.applyBatch({ feePairs: [], l1Messages: [], txs: [sig] }).receipts[0]!.status).toBe(want); // 2 = BAD_SIGNATURE
      expect(engine.fork().domain.name).toBe("other-rollup");
    }
    const plain = Engine.create({ ...DOMAIN, genesis: genesis() });
    expect(plain.applyBatch({ feePairs: [], l1Messages: [], txs: [mine] }).receipts[0]!.status).toBe(2);
  });
});

describe("buildTransaction", () => {
  it("fills in the authorizing slot's nonce and keeps every field of the type", () => {
    const engine = Engine.create({ ...DOMAIN, genesis: genesis() });
    const t = engine.buildTransaction({ type: "transfer", from: 0, to: 1, amount: 250n, fee: 1n });
    expect(t).toEqual({ type: "transfer", from: 0, to: 1, amount: 250n, fee: 1n, nonce: 0n });
    expect(engine.buildTransaction({ type: "withdraw", from: 0, amount: 1n, fee: 0n, nonce: 9n }).nonce).toBe(9n);
    expect(() => engine.buildTransaction({ type: "bogus" } as never)).toThrow(InvalidArgumentError);
    expect(() => engine.buildTransaction({ type: "transfer", from: 7, to: 1, amount: 1n, fee: 0n })).toThrow(InvalidArgumentError);
  });
});

describe("toJson / batchFromJson / batchResultFromJson", () => {
  it("round-trip a batch and its result, u64/u128 as decimal strings", () => {
    const engine = Engine.create({ ...DOMAIN, genesis: genesis() });
    const batch = {
      feePairs: [{ token: 1, slot: 1 }],
      inbox: { start: 2n ** 63n, count: 1 },
      l1Messages: [{ kind: "deposit" as const, owner: addressOf(KEY), token: 1, amount: 2n ** 127n, slot: 1 }],
      txs: [signTransaction({ type: "transfer", from: 0, to: 1, amount: 40n, fee: 3n, nonce: 0n }, KEY, DOMAIN)],
    };
    const text = toJson(batch);
    expect(text).toContain('"amount": "170141183460469231731687303715884105728"');
    expect(text).toContain('"start": "9223372036854775808"');
    expect(batchFromJson(text)).toEqual(batch);
    const result = engine.applyBatch(batch);
    expect(result.fees).toEqual([3n]);
    const back = batchResultFromJson(toJson(result));
    expect(back).toEqual(result);
    expect(typeof back.receipts[0]!.out[0]).toBe("bigint");
  });

  it("refuse a number JSON would round and a mistyped field, naming it", () => {
    const err = (() => {
      try {
        batchFromJson('{"feePairs": [], "txs": [{"amount": 12345678901234567890}]}', "b.json");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(JsonInputError);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as JsonInputError).path).toBe("txs[0].amount");
    expect((err as JsonInputError).source).toBe("b.json");
    expect(() => batchResultFromJson('{"preStateRoot": "0x00"}')).toThrow(JsonInputError);
    expect(() => fromJson("{ nope")).toThrow(/line 1, column 3/);
    expect(() => toJson({ balance: 2 ** 60, x: 2 ** 60 })).toThrow(InvalidArgumentError);
  });
});
