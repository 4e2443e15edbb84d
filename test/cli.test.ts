// The l2engine command line, run as a user would (the built dist/cli.js): the main job at a small
// size, help, and typed exit codes on bad usage.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";

const cli = new URL("../dist/cli.js", import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 120_000 });

describe("l2engine CLI", () => {
  it("runs the main job end to end at a small size and convicts the forged claim", () => {
    const r = run("demo", "--slots", "4000", "--batches", "2", "--batch-size", "60", "--threads", "1", "--seed", "3");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/applied 1 batches: \d+\/\d+ entries OK/);
    expect(r.stdout).toMatch(/the proposer is CONVICTED/);
    expect(r.stdout).toMatch(/summary/);
  }, 120_000);

  it("prints help and exits 0", () => {
    const r = run("help");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/usage: l2engine/);
  });

  it("exits 2 with a clear message on bad usage", () => {
    for (const args of [["nope"], ["demo", "--slots", "abc"], ["demo", "--colour", "3"], ["demo", "--slots"]]) {
      const r = run(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^l2engine: /);
    }
  });

  it("treats out-of-range sizes as bad usage, not a crash", () => {
    for (const args of [["demo", "--slots", "10"], ["demo", "--batch-size", "1"], ["demo", "--threads", "0"]]) {
      const r = run(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^l2engine: --/);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });
});

describe("l2engine encode / decode", async () => {
  const { mkdtempSync, writeFileSync, readFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { signTransaction } = await import("../src/signatures.js");
  const dir = mkdtempSync(join(tmpdir(), "l2engine-cli-"));
  const key = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" as const;
  const domain = { chainId: 1n, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as const };
  const tx = signTransaction({ type: "transfer", from: 3, to: 9, amount: 25n * 10n ** 17n, fee: 10n ** 14n, nonce: 4n }, key, domain);
  const batch = { feeSlots: [0], inbox: { start: "41", count: 2 }, txs: [{ ...tx, amount: tx.amount.toString(), fee: tx.fee.toString(), nonce: tx.nonce.toString() }] };

  it("round-trips a JSON batch through DA bytes", () => {
    writeFileSync(join(dir, "batch.json"), JSON.stringify(batch));
    const e = run("encode", join(dir, "batch.json"), join(dir, "batch.bin"));
    expect(e.status).toBe(0);
    expect(e.stdout).toMatch(/^78 bytes written/); // 6 header + 2 types + 2 slots + 3 amounts + 1 nonce + 64
    const d = run("decode", join(dir, "batch.bin"));
    expect(d.status).toBe(0);
    expect(JSON.parse(d.stdout)).toEqual(batch);
  });

  it("reports undecodable bytes and bad files with typed exit codes", () => {
    const bin = readFileSync(join(dir, "batch.bin"));
    writeFileSync(join(dir, "cut.bin"), bin.subarray(0, bin.length - 1));
    const d = run("decode", join(dir, "cut.bin"));
    expect(d.status).toBe(1);
    expect(d.stderr).toMatch(/^l2engine: DECODE_FAILED: .*ends early|needs/);
    writeFileSync(join(dir, "bad.json"), "{ not json");
    expect(run("encode", join(dir, "bad.json"), join(dir, "x.bin")).status).toBe(2);
    writeFileSync(join(dir, "wrong.json"), JSON.stringify({ ...batch, txs: [{ ...batch.txs[0], signature: "0x12" }] }));
    const w = run("encode", join(dir, "wrong.json"), join(dir, "x.bin"));
    expect(w.status).toBe(1);
    expect(w.stderr).toMatch(/ENCODE_FAILED/);
    expect(run("decode", join(dir, "missing.bin")).status).toBe(2);
    expect(run("encode", join(dir, "batch.json")).status).toBe(2);
  });
});
