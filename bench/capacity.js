// Capacity (docs/DECISIONS.md D23): the largest state one core holds. Full mode builds a state of
// MAX_SLOTS = 2^24 slots once (store pages of one repeated record, so only inner nodes are hashed),
// checks that the next slot-creating entry fails with CAPACITY, and records the count, the load
// time and the core's memory. Quick mode (CI) does not build it (~30 s, ~2.5 GiB): it reports the
// figure test/capacity.test.ts last wrote to bench/capacity.json, if any.

import { existsSync, readFileSync } from "node:fs";
import { Engine, MAX_SLOTS, Reason, WasmCore, encodeSlot } from "../dist/index.js";

const DOMAIN = { chainId: 1n, verifyingContract: "0x" + "22".repeat(20) };
const PAGE_SLOTS = 1 << 16;
const FILLER = { owner: "0x" + "f1".repeat(20), token: 1, balance: 5n, nonce: 0n };

function fillerPage(core) {
  const record = new Uint8Array(48);
  const v = new DataView(record.buffer);
  v.setBigUint64(0, FILLER.balance, true);
  v.setUint32(24, FILLER.token, true);
  record.set(Buffer.from(FILLER.owner.slice(2), "hex"), 28);
  const leaf = core.keccak256(encodeSlot(FILLER));
  const page = new Uint8Array(PAGE_SLOTS * 80);
  for (let k = 0; k < PAGE_SLOTS; k++) {
    page.set(record, k * 48);
    page.set(leaf, PAGE_SLOTS * 48 + k * 32);
  }
  return page;
}

export function capacitySuites({ quick, log = console.log } = {}) {
  log("\n## capacity (largest state in one core)");
  if (quick) {
    const file = new URL("./capacity.json", import.meta.url);
    if (!existsSync(file)) {
      log("  skipped in quick mode (run test/capacity.test.ts or the full bench)");
      return { extras: {} };
    }
    const c = JSON.parse(readFileSync(file, "utf8"));
    log(`  ${c.maxSlots} slots (from test/capacity.test.ts, ${c.date})`);
    return { extras: { "capacity.maxSlots": c.maxSlots, "capacity.source": "test/capacity.test.ts" } };
  }
  const core = WasmCore.createSync();
  const page = fillerPage(core);
  const t0 = performance.now();
  const engine = Engine.fromSlotPages(MAX_SLOTS, PAGE_SLOTS, () => page, { ...DOMAIN, core });
  engine.stateRoot();
  const loadMs = performance.now() - t0;
  const refused = engine.applyBatch({ feePairs: [], l1Messages: [{ kind: "deposit", owner: FILLER.owner, token: 1, amount: 1n }], txs: [] });
  if (refused.receipts[0].status !== Reason.CAPACITY) throw new Error("a deposit past MAX_SLOTS was not refused with CAPACITY");
  const maxSlots = engine.slotCount();
  const memoryBytes = core.memoryBytes();
  engine.dispose();
  log(`  ${maxSlots} slots loaded and committed in ${(loadMs / 1000).toFixed(1)} s; core memory ${(memoryBytes / 2 ** 30).toFixed(2)} GiB`);
  return {
    extras: { "capacity.maxSlots": maxSlots, "capacity.loadMs": loadMs, "capacity.coreMemoryBytes": memoryBytes, "capacity.source": "bench" },
  };
}
