// src/l1 keeps hand-written, `as const`-typed ABI fragments of the contracts it calls (so reading
// events and decoding a posting transaction need no artifact on disk, and viem types the calls).
// Every fragment must be in the compiled contract's ABI with the same signature: types, names'
// indexing, outputs and mutability — a drift would make a call or a decode silently wrong.
import { describe, expect, it } from "vitest";
import type { Abi, AbiFunction, AbiParameter } from "viem";
import { loadArtifact } from "../../src/l1/artifacts.js";
import { BRIDGE_ABI } from "../../src/l1/bridge.js";
import { BATCHES_ABI, INBOX_ABI } from "../../src/l1/inbox-batches-abi.js";

function param(p: AbiParameter & { indexed?: boolean }): string {
  const inner = "components" in p && p.components ? `(${p.components.map(param).join(",")})${p.type.slice("tuple".length)}` : p.type;
  return `${inner}${p.indexed ? " indexed" : ""}`;
}

/** A fragment's signature: kind, name, input types (with `indexed`), output types, mutability. */
function signature(item: Abi[number]): string {
  if (item.type === "function")
    return `function ${item.name}(${item.inputs.map(param).join(",")}) ${item.stateMutability} returns (${item.outputs.map(param).join(",")})`;
  if (item.type === "event") return `event ${item.name}(${item.inputs.map(param).join(",")})`;
  if (item.type === "error") return `error ${item.name}(${item.inputs.map(param).join(",")})`;
  return item.type;
}

describe("src/l1's ABI fragments match the compiled contracts", () => {
  for (const [name, fragments] of [
    ["Inbox", INBOX_ABI],
    ["Batches", BATCHES_ABI],
    ["Bridge", BRIDGE_ABI],
  ] as const) {
    it(`every fragment of ${name} is in build/contracts/${name}.json with the same signature`, () => {
      const compiled = new Set(loadArtifact(name).abi.map(signature));
      const missing = (fragments as Abi).map(signature).filter((s) => !compiled.has(s));
      expect(missing, `${name}: fragments not in the artifact`).toEqual([]);
    });
  }

  it("a fragment with another signature is caught", () => {
    const compiled = new Set(loadArtifact("Bridge").abi.map(signature));
    const wrong = (BRIDGE_ABI as Abi).find((f) => f.type === "function" && f.name === "isPaid") as AbiFunction;
    expect(compiled.has(signature(wrong))).toBe(true);
    const drifted: AbiFunction = { ...wrong, inputs: [...wrong.inputs].reverse() };
    expect(compiled.has(signature(drifted))).toBe(false);
  });
});
