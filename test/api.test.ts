// The public API's conventions (D37): 0x hex out, checksummed addresses out, typed errors only,
// one shared default core, a configurable EIP-712 domain name and version.
import { describe, expect, it } from "vitest";
import { getAddress } from "viem";
import { keccak_256 } from "@noble/hashes/sha3.js";
import {
  DOMAIN_NAME,
  DOMAIN_VERSION,
  Engine,
  InvalidArgumentError,
  WasmCore,
  WasmTrapError,
  addressOf,
  checksumAddress,
  createEngine,
  defaultCore,
  JsonInputError,
  batchFromJson,
  batchResultFromJson,
  domainSeparator,
  fromJson,
  reasonName,
  recoverTransactionSigner,
  signTransaction,
  toHex,
  toJson,
  txDigest,
  typedDataFor,
  verifySlotProof,
  ProofError,
  StepReferee,
  stateRootOf,
  STATE_TREE_SHAPE,
  encodeSlot,
  fromHex,
  type Hex,
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
    for (const [sig, want] of [
      [mine, 0],
      [theirs, 2],
    ] as const) {
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

describe("verifySlotProof (SPEC §4.3)", () => {
  // its own core: the default-core test above traps the shared one
  const engine = Engine.create({
    ...DOMAIN,
    core: WasmCore.createSync(),
    genesis: [...genesis(), { owner: addressOf(KEY), token: 2, balance: 7n, nonce: 3n }],
  });
  const stateRoot = engine.stateRoot();
  const count = engine.slotCount();
  const open = (indices: number[]) => indices.map((index) => ({ index, slot: index < count ? engine.getSlot(index) : null }));

  it("accepts the slots a proof opens, the root as hex or bytes, an index past the count as a zero leaf", () => {
    expect(verifySlotProof(stateRoot, count, engine.proveSlots([0, 2]), open([0, 2]))).toBe(true);
    expect(verifySlotProof(fromHex(stateRoot), count, engine.proveSlots([1]), open([1]))).toBe(true);
    expect(verifySlotProof(stateRoot, count, engine.proveSlots([1, 3, 4000]), open([1, 3, 4000]))).toBe(true);
    // the tree root alone, as bytes or hex, in the core's own check
    expect(engine.core.verifyMultiproof(STATE_TREE_SHAPE, engine.treeRoot(), engine.proveSlots([0]), [keccak_256(encodeSlot(engine.getSlot(0)))])).toBe(true);
  });

  const fault = (run: () => unknown) => {
    try {
      run();
    } catch (e) {
      expect(e).toBeInstanceOf(ProofError);
      return (e as ProofError).fault;
    }
    return "verified";
  };

  it("refuses a tampered slot, a wrong count, a wrong root, other indices, and a slot at or past the count", () => {
    const proof = engine.proveSlots([0, 2]);
    const tampered = open([0, 2]);
    tampered[1] = { index: 2, slot: { ...tampered[1]!.slot!, balance: 8n } };
    expect(fault(() => verifySlotProof(stateRoot, count, proof, tampered))).toBe("WITNESS");
    expect(fault(() => verifySlotProof(stateRoot, count + 1, proof, open([0, 2])))).toBe("WITNESS");
    expect(fault(() => verifySlotProof(engine.treeRoot(), count, proof, open([0, 2])))).toBe("WITNESS");
    expect(fault(() => verifySlotProof(stateRoot, count, proof, open([0, 1])))).toBe("FORMAT");
    expect(fault(() => verifySlotProof(stateRoot, count, proof, open([0])))).toBe("FORMAT");
    // index 3 is past the count (3 slots): only a zero leaf may stand there, and slot 2 must be given
    const past = engine.proveSlots([3]);
    expect(fault(() => verifySlotProof(stateRoot, count, past, [{ index: 3, slot: engine.getSlot(2) }]))).toBe("FIELD");
    expect(fault(() => verifySlotProof(stateRoot, count, engine.proveSlots([2]), [{ index: 2, slot: null }]))).toBe("FIELD");
    expect(fault(() => verifySlotProof(stateRoot, 2 ** 24 + 1, proof, open([0, 2])))).toBe("FIELD");
    expect(() => verifySlotProof("0x1234", count, proof, open([0, 2]))).toThrow(InvalidArgumentError);
  });
});

describe("roots as hex or bytes", () => {
  it("the referee's pre-state and stateRootOf take either", () => {
    const engine = Engine.create({ ...DOMAIN, core: WasmCore.createSync(), genesis: genesis() });
    const batch = { feePairs: [], l1Messages: [], txs: [] };
    const hex = { stateRoot: engine.stateRoot(), treeRoot: engine.treeRoot(), slotCount: engine.slotCount() };
    const bytes = { stateRoot: fromHex(hex.stateRoot), treeRoot: fromHex(hex.treeRoot), slotCount: hex.slotCount };
    const referee = new StepReferee(DOMAIN);
    expect(referee.agreedStart(batch, bytes)).toBe(referee.agreedStart(batch, hex));
    expect(stateRootOf(bytes.treeRoot, 2)).toBe(hex.stateRoot);
    expect(() => referee.agreedStart(batch, { ...bytes, stateRoot: new Uint8Array(31) })).toThrow(InvalidArgumentError);
  });
});
