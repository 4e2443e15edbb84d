// The browser-safe core entry ("l2engine", dist/index.js) in headless Chromium: the packed package
// is installed into a fresh project, a page script importing it is bundled by esbuild for the
// browser (a Node built-in anywhere in the entry's graph fails the build), and the page applies a
// batch of signed transactions (signatures recovered in the page by @noble/curves), traces it,
// proves, encodes, decodes and verifies every step, and convicts a forged claim. The same
// scenario (test/fixtures/browser-scenario.mjs) runs here in Node against src/, and an
// independent oracle (ReferenceEngine, pure TypeScript) checks both.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, type Metafile } from "esbuild";
import { chromium, type Browser } from "playwright-core";
import * as l2 from "../src/index.js";

const root = new URL("..", import.meta.url).pathname;
const fixtures = join(root, "test/fixtures");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const CHROMIUM = "/usr/bin/chromium";

// Debian's chromium package. CI installs it, so there (CI set) the browser test always runs and
// its absence is a failure; on a machine without it and without CI the test is skipped, saying why.
const haveChromium = existsSync(CHROMIUM);
const skipBrowser = !haveChromium && !process.env.CI;
if (skipBrowser) console.warn(`${CHROMIUM} not found: the headless-Chromium test is skipped (apt-get install chromium; with CI set it fails instead)`);

type Scenario = {
  keccakEmpty: string;
  owners: string[];
  preStateRoot: string;
  stateRoot: string;
  result: { postStateRoot: string; postTreeRoot: string; withdrawalsRoot: string; slotCount: number; fees: string[]; receipts: { status: number }[] };
  slots: { owner: string; token: number; balance: string; nonce: string }[];
  trace: { steps: string[]; traceRoot: string; postStateRoot: string };
  steps: { step: number; kind: string; pre: string; post: string; status: number; proofBytes: number; proofHex: string }[];
  dispute: {
    step: number;
    rounds: number;
    pre: string;
    proposerPost: string;
    challengerPost: string;
    claimTraceRoot: string;
    verdict: { pre: string; post: string; status: number };
  };
  defaults: Record<string, string>;
};
type Fixture = {
  domain: l2.Eip712Domain;
  inputs: (m: typeof l2) => { owners: l2.Hex[]; genesis: l2.Slot[]; batch: l2.Batch; forged: l2.Batch };
  scenario: (m: typeof l2) => Promise<Scenario>;
};
// imported by URL: a .mjs fixture has no type declarations
const loadFixture = (): Promise<Fixture> => import(new URL("./fixtures/browser-scenario.mjs", import.meta.url).href);

/** npm pack (no lifecycle scripts: dist/ is what `npm run build` made) and install into a fresh project. */
function installPacked(work: string): string {
  execFileSync(npm, ["pack", "--ignore-scripts", "--pack-destination", work, "--silent"], { cwd: root, stdio: "pipe" });
  const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
  expect(tarball).toMatch(/^l2engine-.*\.tgz$/);
  const project = join(work, "consumer");
  mkdirSync(join(project, "src"), { recursive: true });
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module" }));
  // dependencies from the npm cache, else the registry; no install scripts (lmdb's native part is
  // for l2engine/node, which the browser never loads)
  execFileSync(npm, ["install", join(work, tarball!), "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", "--silent"], {
    cwd: project,
    stdio: "pipe",
    timeout: 240_000,
  });
  for (const f of ["browser-entry.mjs", "browser-scenario.mjs"]) copyFileSync(join(fixtures, f), join(project, "src", f));
  return project;
}

const browserBuild = { bundle: true, platform: "browser", format: "esm", target: "es2022", write: false, logLevel: "silent" } as const;

/** Bundles the page script for the browser; throws (failing the test) on anything unresolvable. */
async function bundle(project: string): Promise<{ code: string; metafile: Metafile }> {
  const r = await build({ ...browserBuild, absWorkingDir: project, entryPoints: ["src/browser-entry.mjs"], outfile: "out/bundle.js", metafile: true });
  return { code: r.outputFiles[0]!.text, metafile: r.metafile };
}

function serve(files: Record<string, { type: string; body: string }>): Promise<Server> {
  const server = createServer((req, res) => {
    const f = files[new URL(req.url ?? "/", "http://x").pathname];
    if (!f) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": f.type, "cache-control": "no-store" }).end(f.body);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server)); // loopback only, ephemeral port
  });
}

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>l2engine in the browser</title><link rel="icon" href="data:,"></head>
<body><script type="module" src="/bundle.js"></script></body></html>`;

/** Loads the page in headless Chromium and returns window.__result (or throws with __error / console errors). */
async function runInChromium(code: string): Promise<{ result: Scenario; errors: string[]; requests: string[]; origin: string }> {
  const server = await serve({ "/": { type: "text/html; charset=utf-8", body: PAGE }, "/bundle.js": { type: "text/javascript; charset=utf-8", body: code } });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 60_000,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(`${origin}/`, { timeout: 30_000 });
    await page.waitForFunction(() => "__result" in window || "__error" in window, null, { timeout: 120_000, polling: 100 });
    const { result, error } = await page.evaluate(() => ({ result: (window as any).__result, error: (window as any).__error }));
    if (error !== undefined) throw new Error(`the page failed: ${error}\n${errors.join("\n")}`);
    return { result, errors, requests, origin };
  } finally {
    await browser?.close();
    await new Promise((r) => server.close(r));
  }
}

describe("the browser entry in headless Chromium", () => {
  it("esbuild for the browser rejects Node built-ins (so a leak would fail the bundle below)", async () => {
    for (const spec of ["node:fs", "fs", "node:worker_threads", "os"]) {
      const r = build({ ...browserBuild, stdin: { contents: `import * as m from "${spec}"; console.log(m);`, resolveDir: root } });
      await expect(r, spec).rejects.toThrow(/Could not resolve/);
    }
  });

  it.skipIf(skipBrowser)(
    "applies a batch and verifies step proofs in the page, as in Node",
    async () => {
      expect(haveChromium, `${CHROMIUM} is missing (CI installs Debian's chromium package)`).toBe(true);
      const work = mkdtempSync(join(tmpdir(), "l2engine-browser-"));
      try {
        // 1. the packed package, bundled for the browser
        const project = installPacked(work);
        const { code, metafile } = await bundle(project);
        const inputs = Object.keys(metafile.inputs);
        expect(inputs).toContain("node_modules/l2engine/dist/index.js"); // the package's ESM "." export
        for (const p of inputs)
          expect(p, "the browser entry pulls in a Node-only module").not.toMatch(
            /(^|\/)(lmdb|tiny-secp256k1|msgpackr-extract)\/|node-index|\/dist\/(node|cli|recover-worker)\.js$/,
          );
        const out = Object.values(metafile.outputs)[0]!;
        expect(out.imports, "nothing left external").toEqual([]);
        expect(code).not.toMatch(/\brequire\(|from\s*["']node:/);

        // 2. the page
        const { result: page, errors, requests, origin } = await runInChromium(code);
        expect(errors).toEqual([]);
        for (const u of requests) expect(u.startsWith(`${origin}/`), u).toBe(true);

        // 3. the same scenario in Node, against src/: identical, byte for byte
        const fixture = await loadFixture();
        const node = await fixture.scenario(l2);
        const { defaults, ...rest } = page;
        const { defaults: nodeDefaults, ...nodeRest } = node;
        expect(rest).toEqual(nodeRest);
        expect(nodeDefaults).toEqual({ createSyncAfterAsync: "ok", createEngineWithoutCore: "ok", verifyStepWithoutCore: "ok" });
        expect(Object.keys(defaults).sort()).toEqual(Object.keys(nodeDefaults).sort());

        // 4. independent checks: a known vector, the receipts, and the pure-TypeScript oracle
        expect(page.keccakEmpty).toBe("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
        const { genesis, batch } = fixture.inputs(l2);
        const { OK, BAD_NONCE, BAD_SIGNATURE } = l2.Reason;
        expect(page.result.receipts.map((r) => r.status)).toEqual([OK, OK, OK, OK, OK, BAD_NONCE, BAD_SIGNATURE]);
        const [alice, bob, seq] = page.owners;
        expect(page.slots.map((s) => [s.owner, s.token, s.balance, s.nonce])).toEqual([
          [alice, 1, "922", "2"], // 1000 - 100 - 2 + 30 - 5 - 1
          [bob, 1, "119", "1"], // 50 + 100 - 30 - 1
          [seq, 1, "4", "0"], // the fees: 2 + 1 + 1
          [alice, 2, "50", "1"], // 70 - 20 withdrawn
          [bob, 2, "9", "0"], // the deposit
          [seq, 1, "5", "0"], // transferToNew
        ]);
        const signers = batch.txs.map((tx) => l2.recoverTransactionSigner(tx, fixture.domain));
        const oracle = new l2.ReferenceEngine(genesis);
        expect(page.preStateRoot).toBe(oracle.stateRoot());
        const ref = oracle.applyBatch(batch, signers, { trace: true, domain: fixture.domain });
        expect(page.stateRoot).toBe(ref.postStateRoot);
        expect(page.result.postStateRoot).toBe(ref.postStateRoot);
        expect(page.result.postTreeRoot).toBe(ref.postTreeRoot);
        expect(page.result.withdrawalsRoot).toBe(ref.withdrawalsRoot);
        expect(page.trace.steps).toEqual(ref.steps);
        expect(page.trace.postStateRoot).toBe(ref.postStateRoot);

        // 5. every step proof the page made: verifies here to the honest trace's commitments, and
        // re-encodes to the same bytes
        const entries = batch.l1Messages.length + batch.txs.length;
        expect(page.steps.map((s) => s.step)).toEqual([...Array(entries + 1).keys()]);
        for (const s of page.steps) {
          expect([s.pre, s.post], `step ${s.step}`).toEqual([ref.steps![s.step], ref.steps![s.step + 1]]);
          expect(s.proofHex.length).toBe(2 + 2 * s.proofBytes); // 0x and two digits a byte
          const proof = l2.decodeStepProof(l2.fromHex(s.proofHex));
          expect(l2.toHex(l2.encodeStepProof(proof))).toBe(s.proofHex);
          const v = l2.verifyStep(proof, l2.entryAt(batch, s.step).entry, fixture.domain);
          expect(v).toEqual({ pre: s.pre, post: s.post, status: s.status });
        }
        expect(page.steps.at(-1)!.kind).toBe("settle");

        // 6. the forged claim: bisection lands on transaction 1 (step 2), and the page's verdict
        // is the honest commitment, not the proposer's
        const d = page.dispute;
        expect(d.step).toBe(batch.l1Messages.length + 1);
        expect(d.claimTraceRoot).not.toBe(page.trace.traceRoot);
        expect(d.pre).toBe(ref.steps![d.step]);
        expect(d.verdict.pre).toBe(d.pre);
        expect(d.verdict.post).toBe(ref.steps![d.step + 1]);
        expect(d.verdict.post).toBe(d.challengerPost);
        expect(d.verdict.post).not.toBe(d.proposerPost); // the proposer is convicted

        console.log(
          `browser bundle ${(code.length / 1024).toFixed(0)} KiB; step proofs ${page.steps.map((s) => s.proofBytes).join("/")} bytes; ` +
            `page defaults ${JSON.stringify(defaults)}`,
        );
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
    180_000,
  );
});
