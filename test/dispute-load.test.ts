// The dispute modules load, and their module-level constants are the protocol's. Imported inside
// the tests (not at the top) so that a module that fails to load fails a test — under
// `npm run mutate` a failed import would otherwise report no test at all (D26).
import { describe, expect, it } from "vitest";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { toHex } from "../src/protocol/bytes.js";

describe("the dispute modules", () => {
  it("load, with the empty withdrawals root of the 4-ary depth-16 tree (SPEC §3.2)", async () => {
    let node: Uint8Array = new Uint8Array(32);
    for (let level = 0; level < 16; level++) {
      const four = new Uint8Array(128);
      for (let c = 0; c < 4; c++) four.set(node, 32 * c);
      node = keccak_256(four);
    }
    const { EMPTY_TREE_ROOT, MAX_WITNESS_SLOTS } = await import("../src/dispute/step-proof.js");
    expect(EMPTY_TREE_ROOT).toBe(toHex(node));
    expect(MAX_WITNESS_SLOTS).toBe(16);
    const { BisectionGame } = await import("../src/dispute/bisection.js");
    const { StepReferee } = await import("../src/dispute/referee.js");
    expect(typeof BisectionGame).toBe("function");
    expect(typeof StepReferee).toBe("function");
  });
});
