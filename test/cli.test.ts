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
