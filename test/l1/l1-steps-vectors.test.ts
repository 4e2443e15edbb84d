// test/vectors/l1-steps.json (docs/SPEC.md §13.5) replayed: every vector on the in-process EVM
// through OneStepProver.verifyStep (its post, or the typed error it must revert with), and every
// accepted one on the WASM core too (the entry taken from the binding as the contract takes it: the
// inbox message, or the derived DA bytes' transaction j − inboxCount, or settlement).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeErrorResult, type Hex } from "viem";
import { decodeL1Message, deriveBatch, fromHex, verifyStep, WasmCore, type L1Message, type SignedTx } from "../../src/index.js";
import { InProcessEvm, artifact } from "./evm.js";

interface HeaderJson {
  index: string;
  prevHeaderHash: Hex;
  daKind: number;
  daHash: Hex;
  daLength: number;
  inboxStart: string;
  inboxCount: number;
  l1Block: string;
  l1Timestamp: string;
}
interface Vector {
  name: string;
  header: HeaderJson;
  j: number;
  pre: Hex;
  proof: Hex;
  binding: Hex;
  inboxRecord: Hex;
  post?: Hex;
  expectRevert?: string;
  kind: string;
  reason: number;
}
const file = JSON.parse(readFileSync(new URL("../vectors/l1-steps.json", import.meta.url), "utf8")) as {
  domain: { chainId: string; verifyingContract: Hex };
  domainSeparator: Hex;
  vectors: Vector[];
  startCommitments: { name: string; parentTreeRoot: Hex; parentSlotCount: number; parentStateRoot: Hex; da: Hex; header: HeaderJson; c0: Hex }[];
};
const domain = { chainId: BigInt(file.domain.chainId), verifyingContract: file.domain.verifyingContract };
const header = (h: HeaderJson) => ({
  ...h,
  index: BigInt(h.index),
  inboxStart: BigInt(h.inboxStart),
  l1Block: BigInt(h.l1Block),
  l1Timestamp: BigInt(h.l1Timestamp),
});

describe("test/vectors/l1-steps.json", async () => {
  const evm = await InProcessEvm.create();
  const verifier = await evm.deploy(artifact("StepVerifier"));
  const prover = await evm.deploy(artifact("OneStepProver"), [verifier.address.toString()]);
  const core = WasmCore.createSync();

  it("covers every entry type, a failing transaction, a burning settlement, undecodable DA bytes and tampered inputs", () => {
    const kinds = new Set(file.vectors.filter((v) => v.post && v.reason === 0).map((v) => v.kind));
    expect([...kinds].sort()).toEqual([
      "addLiquidity",
      "createPool",
      "deposit",
      "forcedExit",
      "removeLiquidity",
      "settle",
      "swap",
      "transfer",
      "transferToNew",
      "withdraw",
    ]);
    expect(file.vectors.some((v) => v.post && v.reason !== 0)).toBe(true);
    expect(new Set(file.vectors.map((v) => v.expectRevert).filter(Boolean)).size).toBeGreaterThanOrEqual(6);
  });

  it("every vector gives its post (or reverts with its error) on the EVM, and the WASM core agrees", async () => {
    for (const v of file.vectors) {
      const r = await prover.call<Hex>("verifyStep", [file.domainSeparator, v.pre, header(v.header), BigInt(v.j), v.proof, v.binding, v.inboxRecord]);
      if (v.expectRevert !== undefined) {
        expect(r.ok, v.name).toBe(false);
        expect(decodeErrorResult({ abi: [...prover.abi, ...verifier.abi], data: r.revert! }).errorName, v.name).toBe(v.expectRevert);
        continue;
      }
      expect(r.ok ? r.value : decodeErrorResult({ abi: [...prover.abi, ...verifier.abi], data: r.revert! }).errorName, v.name).toBe(v.post);
      const binding = fromHex(v.binding);
      const inboxCount = v.header.inboxCount;
      let entry: L1Message | SignedTx | null;
      if (v.j < inboxCount) entry = decodeL1Message(binding.subarray(0, binding.length - 8));
      else entry = deriveBatch(binding, { start: BigInt(v.header.inboxStart), count: inboxCount }).batch.txs[v.j - inboxCount] ?? null;
      const w = verifyStep(fromHex(v.proof), entry, domain, { core });
      expect({ pre: w.pre, post: w.post, reason: w.status }, v.name).toEqual({ pre: v.pre, post: v.post, reason: v.reason });
    }
  });

  it("C_0 from the parent state's opening and the DA bytes", async () => {
    for (const s of file.startCommitments) {
      const r = await prover.call<Hex>("startCommitment", [
        file.domainSeparator,
        s.parentTreeRoot,
        s.parentSlotCount,
        s.parentStateRoot,
        s.da,
        header(s.header),
      ]);
      expect(r.value, s.name).toBe(s.c0);
    }
  });
});
