// The glue on a real node: StepVerifier and OneStepProver deployed on anvil (within EIP-170's code
// size limit), ~50 steps of posted random batches — every entry type, failing transactions,
// settlement, an undecodable batch — through eth_call give the posts the in-process EVM and the
// WASM core give, and a transfer step sent as a real transaction costs what the in-process
// figure says a whole transaction costs (execution + 21,000 + EIP-7623 calldata).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeFunctionData, type Hex } from "viem";
import { domainSeparator } from "../../src/index.js";
import { Anvil } from "./anvil.js";
import { InProcessEvm, artifact, wholeTxGas, type Deployed } from "./evm.js";
import { TEST_DOMAIN, postedRuns, startArgs, verifyStepArgs, type PostedRun, type StepCase } from "./glue.js";

const DS = domainSeparator(TEST_DOMAIN);
const KINDS = ["deposit", "forcedExit", "transfer", "transferToNew", "withdraw", "createPool", "addLiquidity", "removeLiquidity", "swap", "settle"];

/** ~50 steps: per kind the first three successes and two failures, then the undecodable batch's steps. */
function pick(runs: PostedRun[]): StepCase[] {
  const out: StepCase[] = [];
  const seen = new Map<string, number>();
  for (const run of runs) {
    for (const s of run.steps) {
      const key = `${s.kind}:${s.reason === 0 ? "ok" : "fail"}`;
      const n = seen.get(key) ?? 0;
      if (!run.posted.decodable || n < (s.reason === 0 ? 3 : 2)) out.push(s);
      seen.set(key, n + 1);
    }
  }
  return out;
}

describe("OneStepProver on anvil", () => {
  let anvil: Anvil;
  beforeAll(async () => {
    anvil = await Anvil.start();
  }, 30_000);
  afterAll(async () => {
    await anvil?.stop();
  });

  it("gives the in-process EVM's and the WASM core's post on every entry type through eth_call; a real transaction's gas matches", async () => {
    const runs = [...postedRuns(2, 4, 33, (b) => b === 3)];
    const cases = pick(runs);
    for (const k of KINDS)
      expect(
        cases.some((c) => c.kind === k && c.reason === 0),
        `${k} succeeds in the subset`,
      ).toBe(true);
    expect(cases.some((c) => !c.posted.decodable)).toBe(true);

    const evm = await InProcessEvm.create();
    const local = await evm.deploy(artifact("StepVerifier"));
    const localProver: Deployed = await evm.deploy(artifact("OneStepProver"), [local.address.toString()]);
    const verifierAt = await anvil.deploy(artifact("StepVerifier"));
    const proverArtifact = artifact("OneStepProver");
    const proverAt = await anvil.deploy(proverArtifact, [verifierAt]);

    for (const run of runs) {
      const args = startArgs(DS, run.parent, run.posted);
      const onNode = await anvil.call<Hex>(proverAt, proverArtifact.abi, "startCommitment", args);
      expect(onNode.value, `C_0 of batch ${run.posted.header.index}`).toBe(run.steps[0]!.pre);
    }
    for (const c of cases) {
      const where = `batch ${c.posted.header.index} step ${c.j} (${c.kind}, reason ${c.reason})`;
      const args = verifyStepArgs(DS, c.pre, c.posted, c.j, c.proof);
      const inProcess = await localProver.call<Hex>("verifyStep", args);
      const onNode = await anvil.call<Hex>(proverAt, proverArtifact.abi, "verifyStep", args);
      expect(inProcess.value, where).toBe(c.post);
      expect(onNode.ok, where).toBe(true);
      expect(onNode.value, where).toBe(c.post);
    }

    // one transfer step as a real transaction: the receipt's gasUsed against the in-process figure
    const transfer = cases.find((c) => c.kind === "transfer" && c.reason === 0)!;
    const args = verifyStepArgs(DS, transfer.pre, transfer.posted, transfer.j, transfer.proof);
    const data = encodeFunctionData({ abi: proverArtifact.abi, functionName: "verifyStep", args } as never);
    const inProcess = await localProver.call<Hex>("verifyStep", args);
    const expected = wholeTxGas(data, inProcess.gas);
    const receipt = await anvil.transact(proverAt, data);
    expect(receipt.status).toBe("success");
    console.log(
      `anvil: ${cases.length} steps of ${runs.length} posted batches agree; a transfer step (${transfer.posted.da.length} DA bytes) as a transaction: ` +
        `gasUsed ${receipt.gasUsed} on anvil, ${expected} in-process (execution ${inProcess.gas} + intrinsic and calldata)`,
    );
    // the same rules on both sides (evm.ts prices each call with a transaction's warm set)
    expect(receipt.gasUsed).toBe(expected);
    expect(cases.length).toBeGreaterThanOrEqual(40);
  }, 120_000);
});
