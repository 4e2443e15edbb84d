// The CLI as the README presents it: the "CLI walkthrough" commands run verbatim (with `l2engine`
// on PATH as the built dist/cli.js) on a copy of examples/, the README's exit-code table is the
// one the CLI prints, every command has --help, and the demo's terminal output — progress bars
// included — read under a pseudo-terminal, as a person sees it.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXIT_CODE_TABLE } from "../src/cli/exit-codes.js";
import { COMMANDS } from "../src/cli/help.js";

const root = new URL("..", import.meta.url).pathname;
const cli = join(root, "dist/cli.js");
const readme = readFileSync(join(root, "README.md"), "utf8");
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 120_000 });

/** The ```sh lines of the README's "CLI walkthrough" section, with the exit code each one's comment names (0 if none). */
function walkthrough(): { line: string; exit: number }[] {
  const section = /### CLI walkthrough\n([\s\S]*?)(?=\n## )/.exec(readme)?.[1];
  const block = section && /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error("README has no CLI walkthrough block");
  return block
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((line) => ({ line, exit: Number(/#\s*exit (\d)/.exec(line)?.[1] ?? 0) }));
}

describe("README CLI walkthrough", () => {
  it("runs verbatim on a copy of examples/, and init and sign write exactly examples/genesis.json and batch.json", () => {
    const dir = mkdtempSync(join(tmpdir(), "l2engine-walk-"));
    cpSync(join(root, "examples"), join(dir, "examples"), { recursive: true });
    mkdirSync(join(dir, "bin"));
    writeFileSync(join(dir, "bin", "l2engine"), `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`);
    chmodSync(join(dir, "bin", "l2engine"), 0o755);
    const lines = walkthrough();
    const commands = lines.map((l) => l.line.split(/\s+/)[1]);
    // the order the issue asks for, each command at least once
    for (const c of ["keys", "init", "sign", "apply", "inspect", "trace", "prove-step", "verify-step"]) expect(commands).toContain(c);
    expect(commands.indexOf("init")).toBeLessThan(commands.indexOf("sign"));
    expect(commands.indexOf("sign")).toBeLessThan(commands.indexOf("apply"));
    const out: string[] = [];
    for (const { line, exit } of lines) {
      expect(line.startsWith("l2engine "), line).toBe(true);
      const r = spawnSync("bash", ["-c", line], {
        cwd: dir,
        encoding: "utf8",
        timeout: 120_000,
        env: { ...process.env, PATH: `${join(dir, "bin")}:${process.env.PATH}` },
      });
      expect(r.status, `${line}\n${r.stderr}`).toBe(exit);
      expect(r.stderr, line).not.toMatch(/internal error|\n\s+at /);
      out.push(r.stdout + r.stderr);
    }
    const at = (command: string, nth = 0) => out[lines.map((l, i) => [l.line, i] as const).filter(([l]) => l.split(/\s+/)[1] === command)[nth]![1]]!;
    expect(readFileSync(join(dir, "genesis.json"), "utf8")).toBe(readFileSync(join(root, "examples/genesis.json"), "utf8"));
    expect(readFileSync(join(dir, "batch.json"), "utf8")).toBe(readFileSync(join(root, "examples/batch.json"), "utf8"));
    expect(at("keys")).toMatch(/my-keys\.json holds 2 private keys: keep it secret/);
    expect(at("sign")).toMatch(/4 of 4 transactions signed .*4 nonces filled in/);
    expect(at("apply")).toMatch(/batch 1 committed: 4 entries \(4 OK\)/);
    expect(JSON.parse(at("inspect", 1).replace(/^[^{]*/, ""))).toMatchObject({ format: "batch result (JSON)", entries: 4, statuses: { OK: 4 } });
    expect(JSON.parse(at("inspect", 2))).toMatchObject({ slot: 3, owner: "0x90F79bf6EB2c4f870365E785982E1f101E93b906", balance: "20000000000000000000" });
    expect(at("verify-step", 0)).toMatch(/the claimed post-commitment is correct/);
    expect(at("verify-step", 1)).toMatch(/CONVICTED/);
    const trace = JSON.parse(readFileSync(join(dir, "trace.json"), "utf8"));
    expect(JSON.parse(at("verify-step", 0).replace(/\n[^\n]*correct\n$/, ""))).toMatchObject({
      step: 1,
      status: "OK",
      pre: trace.steps[1],
      post: trace.steps[2],
    });
  }, 180_000);

  it("the README's exit-code table is the CLI's, row for row", () => {
    const table = /\| exit code \| meaning \|\n\|---\|---\|\n((?:\|.*\|\n)+)/.exec(readme)?.[1];
    expect(table).toBeDefined();
    const rows = table!
      .trim()
      .split("\n")
      .map((row) => {
        const m = /^\| (\d) \| (.*) \|$/.exec(row)!;
        return [Number(m[1]), m[2]] as const;
      });
    expect(rows).toEqual(EXIT_CODE_TABLE.map(([c, m]) => [c, m]));
    const help = run("help").stdout.replace(/\s+/g, " ");
    for (const [code, meaning] of EXIT_CODE_TABLE) expect(help).toContain(`${code} ${meaning}`);
  });
});

describe("--version and --help", () => {
  it("--version prints package.json's version and exits 0", () => {
    const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    for (const flag of ["--version", "-V"]) {
      const r = run(flag);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`l2engine ${version}\n`);
    }
  });

  it("every command has help, as `help <command>` and as `<command> --help`, exit 0, even with other arguments", () => {
    for (const command of Object.keys(COMMANDS)) {
      const a = run("help", command);
      expect(a.status, command).toBe(0);
      expect(a.stdout, command).toMatch(new RegExp(`^usage: l2engine ${command.replace("-", "\\-")}`));
      expect(a.stdout, command).toMatch(/exit codes:/);
      const b = run(command, "--help");
      expect(b.status, command).toBe(0);
      expect(b.stdout).toBe(a.stdout);
    }
    for (const command of ["apply", "sign", "init"]) expect(run(command, "x.json", "--out", "y", "-h").stdout).toBe(run("help", command).stdout); // nothing runs
    const all = run("--help");
    expect(all.status).toBe(0);
    for (const c of Object.values(COMMANDS)) expect(all.stdout).toContain(`l2engine ${c.usage}`);
    expect(run("help", "nope").status).toBe(2);
  });
});

describe("the demo on a terminal", () => {
  it("numbers batches as the chain does, its totals add up, and every progress bar ends at 100% with a newline", () => {
    const r = spawnSync("script", ["-qec", `"${process.execPath}" "${cli}" demo --engine-only --slots 5000 --batches 2 --batch-size 200`, "/dev/null"], {
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(r.status).toBe(0);
    const text = r.stdout.replace(/\r\n/g, "\n");
    // progress bars: the last frame of each bar (after its last \r) is complete and ends its line
    const bars = [...text.matchAll(/\r([^\r\n[]+) \[([#.]+)\] (\d+)\/(\d+) \((\d+)%\)(?=[\r\n])/g)];
    const last = new Map<string, RegExpMatchArray>();
    for (const m of bars) last.set(m[1]!, m);
    expect([...last.keys()].sort()).toEqual(["sequencing", "signing (wallet side)"]);
    for (const [label, m] of last) {
      expect(m[3], label).toBe(m[4]);
      expect(m[5], label).toBe("100");
      expect(m[2], label).toBe("#".repeat(30));
      expect(text[m.index! + m[0].length], label).toBe("\n");
    }
    const lines = text.split("\n").map((l) => l.replace(/^.*\r/, "")); // what the terminal shows
    // every batch named is one of the chain's: 1 (the pools) to 3 (the disputed one)
    const named = lines.flatMap((l) => [...l.matchAll(/\bbatch(?:es)? (\d+)(?: to (\d+))?/g)].flatMap((m) => [Number(m[1]), ...(m[2] ? [Number(m[2])] : [])]));
    expect(named.length).toBeGreaterThan(5);
    for (const n of named) expect(n === 1 || n === 2 || n === 3, `batch ${n}`).toBe(true);
    expect(text).toMatch(/^batch 1: pools created/m);
    const prepared = /^400 entries for batches 2 to 3: (\d+) transactions signed with 300 keys .* and (\d+) L1 deposits$/m.exec(text);
    expect(prepared).not.toBeNull();
    expect(Number(prepared![1]) + Number(prepared![2])).toBe(400);
    const applied = /^applied and committed batch 2: (\d+)\/(\d+) entries OK/m.exec(text);
    const disputed = /^dispute over batch 3 \((\d+) entries\)/m.exec(text);
    expect(Number(applied![2]) + Number(disputed![1])).toBe(400);
    expect(text).toMatch(new RegExp(`bisection: \\d+ rounds over ${Number(disputed![1]) + 1} steps`)); // the entries and settlement
    expect(text).toMatch(/^reopened the store: 5008 slots after batch 2,/m);
    expect(text).toMatch(/^batch 3 committed with the honest result/m);
    expect(text).toMatch(/^ {2}state +5008 slots after 3 batches \(the pools, then 400 entries of traffic\)/m);
    expect(text).not.toMatch(/NaN|undefined/);
  }, 120_000);
});
