// Runs every ```ts block of README.md against the built package (npm test builds it first), so
// the examples a newcomer copies keep working: each is stripped of its types by esbuild and run
// as a module. test/package.test.ts type-checks the same blocks under a strict consumer tsconfig.
import { afterAll, describe, expect, it } from "vitest";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { transformSync } from "esbuild";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
// inside the package directory, `import "l2engine"` resolves to this package's own exports
const dir = new URL("./.tmp/", import.meta.url);

describe("README examples", () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it("has examples", () => expect(blocks.length).toBe(7));
  blocks.forEach((code, i) => {
    it(`example ${i + 1} runs`, () => {
      mkdirSync(dir, { recursive: true });
      const file = new URL(`readme-${i + 1}.mjs`, dir);
      writeFileSync(file, transformSync(code, { loader: "ts", format: "esm", target: "es2022" }).code);
      const out = execFileSync(process.execPath, [file.pathname], { encoding: "utf8" });
      expect(out.length).toBeGreaterThan(0);
      if (i === 0) expect(out).toMatch(/verifies: true/);
      if (i === 1) expect(out).toMatch(/PROOF_INVALID\/FORMAT/);
      if (i === 2) expect(out).toMatch(/'OK', 'OK', 'BAD_NONCE'/);
      if (i === 2) expect(out).toMatch(/250015n/);
      if (i === 3) expect(out).toMatch(/true 3n/);
      if (i === 4) expect(out).toMatch(/0 TRUNCATED/);
      if (i === 5) expect(out).toMatch(/disputed step 2 \(transaction 2\) found in [23] rounds/);
      if (i === 5) expect(out).toMatch(/proposer convicted/);
      if (i === 6) expect(out).toMatch(/^1 true 40n\n0\n$/);
    });
  });
});
