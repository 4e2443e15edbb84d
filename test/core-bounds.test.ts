// The core bounds every size before allocating (issue 10, docs/DECISIONS.md D23): no input, however
// large, traps the core or hangs it, and a refused request leaves the same core usable.

import { describe, expect, it } from "vitest";
import { CapacityError, Engine, Reason, WasmCore, addressOf, signTransaction, type Hex } from "../src/index.js";
import { MAX_CORE_INPUT_BYTES } from "../src/core/instance.js";

const DOMAIN = { chainId: 1n, verifyingContract: "0x00000000000000000000000000000000000000aa" as Hex };
const KEY = ("0x" + "22".repeat(32)) as Hex;
const ALICE = addressOf(KEY);
const BOB = "0xb0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0" as Hex;
const WASM_PAGE = 65536;
const MAX_PAGES = 65536;

/** A core with an engine and a tree, and a check that both still work. */
function setup() {
  const core = WasmCore.createSync();
  const engine = Engine.create({
    ...DOMAIN,
    core,
    genesis: [
      { owner: ALICE, token: 1, balance: 1000n, nonce: 0n },
      { owner: BOB, token: 1, balance: 0n, nonce: 0n },
    ],
  });
  const tree = core.createTree();
  const leaf = (i: number) => core.keccak256(new Uint8Array([i]));
  tree.setMany([0, 3, 70], [leaf(0), leaf(3), leaf(70)]);
  let nonce = 0n;
  const stillWorks = () => {
    const proof = tree.prove([3, 70]);
    expect(core.verifyMultiproof({}, tree.root(), proof, [leaf(3), leaf(70)])).toBe(true);
    expect(core.verifyMultiproof({}, tree.root(), proof, [leaf(70), leaf(3)])).toBe(false);
    const result = engine.applyBatch({
      feePairs: [],
      l1Messages: [{ kind: "deposit", owner: BOB, token: 1, amount: 5n }],
      txs: [signTransaction({ type: "transfer", from: 0, to: 1, amount: 1n, fee: 0n, nonce }, KEY, DOMAIN)],
    });
    nonce++;
    expect(result.receipts.map((r) => r.status)).toEqual([Reason.OK, Reason.OK]);
    expect(engine.getSlot(0).balance).toBe(1000n - nonce);
  };
  return { core, engine, tree, stillWorks };
}

describe("bounded core input", () => {
  it("refuses a 3 GiB input with CapacityError before touching WASM; the core stays usable", () => {
    const { core, stillWorks } = setup();
    stillWorks();
    const before = core.memoryBytes();
    expect(() => core.instance.reserveInput(3 * 2 ** 30)).toThrow(CapacityError);
    expect(() => core.instance.reserveInput(MAX_CORE_INPUT_BYTES + 1)).toThrow(CapacityError);
    expect(() => core.instance.reserveInput(-1)).toThrow(/non-negative integer/);
    expect(core.memoryBytes()).toBe(before);
    stillWorks();
  });

  it("the raw input export refuses sizes past the allocator instead of looping on an overflowed doubling", () => {
    const { core, stillWorks } = setup();
    // these used to double a u32 capacity to 2^32 = 0 and spin forever inside WASM
    expect(core.instance.exports.ioIn(2 ** 31 + 1)).toBe(0);
    expect(core.instance.exports.ioIn(0xffffffff)).toBe(0);
    expect(core.instance.exports.ioIn(core.instance.exports.ioMaxBytes() + 1)).toBe(0);
    stillWorks();
  });

  it("grants an input over 512 MiB (it used to double to a block the allocator refused)", () => {
    const { core, stillWorks } = setup();
    const size = 600 * 2 ** 20;
    const ptr = core.instance.reserveInput(size);
    expect(ptr).toBeGreaterThan(0);
    expect(ptr + size).toBeLessThanOrEqual(core.memoryBytes());
    stillWorks();
  });

  it("refuses an input that fits the limit but not the memory left, with the core intact", () => {
    const { core, engine, stillWorks } = setup();
    // take all but 64 pages of the 4 GiB from outside the allocator (virtual: nothing is touched)
    const memory = core.instance.exports.memory;
    memory.grow(MAX_PAGES - memory.buffer.byteLength / WASM_PAGE - 64);
    expect(() => core.instance.reserveInput(512 * 2 ** 20)).toThrow(CapacityError);
    expect(() => core.instance.reserveInput(64 * WASM_PAGE)).toThrow(CapacityError);
    // a batch whose receipts do not fit is refused whole, with the state untouched
    const root = engine.stateRoot();
    const deposits = Array.from({ length: 40_000 }, () => ({ kind: "deposit" as const, owner: BOB, token: 2, amount: 1n }));
    expect(() => engine.applyBatch({ feePairs: [], l1Messages: deposits, txs: [] })).toThrow(CapacityError);
    expect(engine.stateRoot()).toBe(root);
    // a state that cannot get its slot array is refused before anything is loaded
    expect(() => Engine.fromSlotPages(1 << 20, 1 << 16, () => undefined, { ...DOMAIN, core })).toThrow(CapacityError);
    stillWorks();
  });

  it("a batch whose withdrawals do not fit is refused whole before its first entry, never a trap halfway", () => {
    const { core, engine } = setup();
    const memory = core.instance.exports.memory;
    memory.grow(MAX_PAGES - memory.buffer.byteLength / WASM_PAGE - 48);
    let refused = 0;
    let applied = 0;
    // successful zero-amount withdrawals from slot 0 (signers given, so no signatures needed):
    // each appends a leaf to the batch's withdrawal tree
    for (let n = 2_000; n <= 26_000; n += 2_000) {
      const before = engine.stateRoot();
      const start = engine.getSlot(0).nonce;
      const txs = Array.from({ length: n }, (_, i) => ({
        type: "withdraw" as const,
        from: 0,
        amount: 0n,
        fee: 0n,
        nonce: start + BigInt(i),
        signature: "0x" as Hex,
      }));
      try {
        const result = engine.applyBatch({ feePairs: [], l1Messages: [], txs }, { signers: txs.map(() => ALICE) });
        expect(result.withdrawals.length).toBe(n);
        applied++;
      } catch (e) {
        expect(e).toBeInstanceOf(CapacityError);
        expect(engine.stateRoot()).toBe(before);
        refused++;
      }
    }
    expect(applied + refused).toBe(13);
    expect(refused).toBeGreaterThan(0);
    // the same engine and core go on (the withdrawals used slot 0's nonces)
    const nonce = engine.getSlot(0).nonce;
    const next = engine.applyBatch(
      { feePairs: [], l1Messages: [], txs: [{ type: "transfer", from: 0, to: 1, amount: 1n, fee: 0n, nonce, signature: "0x" }] },
      { signers: [ALICE] },
    );
    expect(next.receipts[0]!.status).toBe(Reason.OK);
    expect(core.keccak256(new Uint8Array(0))).toHaveLength(32);
  });

  it("hands out addresses past 2 GiB as unsigned numbers the TS side can index", () => {
    const { core, stillWorks } = setup();
    const memory = core.instance.exports.memory;
    memory.grow(2 ** 31 / WASM_PAGE - memory.buffer.byteLength / WASM_PAGE + 16); // virtual, untouched
    const data = new Uint8Array(8 * 2 ** 20).fill(7); // the allocator places this past 2 GiB
    const digest = core.keccak256(data);
    expect(core.instance.reserveInput(data.length)).toBeGreaterThan(2 ** 31);
    expect(Buffer.from(digest).toString("hex")).toBe(Buffer.from(WasmCore.createSync().keccak256(data)).toString("hex"));
    stillWorks();
  });

  it("a tree too large for one allocation is a CapacityError, not a trap", () => {
    const { core, stillWorks } = setup();
    const binary = core.createTree({ arity: 2, depth: 32 });
    // 2^24 binary leaves need 2^25 nodes = 1 GiB in one block
    expect(() => binary.set(2 ** 23, new Uint8Array(32).fill(1))).toThrow(CapacityError);
    binary.set(5, new Uint8Array(32).fill(1));
    expect(binary.root()).toHaveLength(32);
    stillWorks();
  });
});
