// The l2engine command line, run as a user would (the built dist/cli.js): the main job at a small
// size, help, the file commands (apply, trace, prove-step, verify-step, inspect, encode, decode)
// checked against the library, and the README's exit codes on every command's error paths:
// 0 ok · 1 invalid input content · 2 bad usage · 3 convicted · 4 internal error (never expected).
import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";

const cli = new URL("../dist/cli.js", import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 120_000 });

describe("l2engine CLI", () => {
  it("runs the main job end to end at a small size and convicts the forged claim", () => {
    const r = run("demo", "--engine-only", "--slots", "4000", "--batches", "2", "--batch-size", "60", "--threads", "1", "--seed", "3");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/applied and committed batch 2: \d+\/\d+ entries OK/);
    expect(r.stdout).toMatch(/reopened the store: \d+ slots after batch 2/);
    expect(r.stdout).toMatch(/the proposer is CONVICTED/);
    expect(r.stdout).toMatch(/summary/);
  }, 120_000);

  it("prints help and exits 0", () => {
    const r = run("help");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/usage: l2engine/);
  });

  it("exits 2 with a clear message on bad usage", () => {
    for (const args of [["nope"], ["demo", "--engine-only", "--slots", "abc"], ["demo", "--colour", "3"], ["demo", "--engine-only", "--slots"]]) {
      const r = run(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^l2engine: /);
    }
  });

  it("treats out-of-range sizes as bad usage, not a crash", () => {
    for (const args of [
      ["demo", "--engine-only", "--slots", "10"],
      ["demo", "--engine-only", "--batch-size", "1"],
      ["demo", "--engine-only", "--threads", "0"],
    ]) {
      const r = run(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^l2engine: --/);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });
});

describe("l2engine encode / decode", async () => {
  const { mkdtempSync, rmSync, writeFileSync, readFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { signTransaction } = await import("../src/protocol/signatures.js");
  const dir = mkdtempSync(join(tmpdir(), "l2engine-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const key = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" as const;
  const domain = { chainId: 1n, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as const };
  const tx = signTransaction({ type: "transfer", from: 3, to: 9, amount: 25n * 10n ** 17n, fee: 10n ** 14n, nonce: 4n }, key, domain);
  const batch = { feePairs: [{ token: 1, slot: 0 }], txs: [{ ...tx, amount: tx.amount.toString(), fee: tx.fee.toString(), nonce: tx.nonce.toString() }] };

  it("round-trips a JSON batch through DA bytes", () => {
    writeFileSync(join(dir, "batch.json"), JSON.stringify(batch));
    const e = run("encode", join(dir, "batch.json"), join(dir, "batch.bin"));
    expect(e.status).toBe(0);
    expect(e.stdout).toMatch(/^77 bytes written/); // 5 header (version, 1 pair: token 1 → slot 0, n) + 2 types + 2 slots + 3 amounts + 1 nonce + 64
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
    const bad = run("encode", join(dir, "bad.json"), join(dir, "x.bin"));
    expect(bad.status).toBe(1); // malformed JSON is invalid input, not bad usage
    expect(bad.stderr).toBe(`l2engine: INVALID_ARGUMENT: ${join(dir, "bad.json")}: not valid JSON (a JSON batch): line 1, column 3: expected a string key\n`);
    writeFileSync(join(dir, "wrong.json"), JSON.stringify({ ...batch, txs: [{ ...batch.txs[0], signature: "0x12" }] }));
    const w = run("encode", join(dir, "wrong.json"), join(dir, "x.bin"));
    expect(w.status).toBe(1);
    expect(w.stderr).toMatch(/ENCODE_FAILED/);
    expect(run("decode", join(dir, "missing.bin")).status).toBe(2);
    expect(run("encode", join(dir, "batch.json")).status).toBe(2);
  });

  it("refuses a u64/u128 JSON number above 2^53 instead of rounding it, naming the file and field", () => {
    // 2^60 + 1 as a number: JSON.parse would read 2^60 and encode a different amount
    writeFileSync(join(dir, "round.json"), JSON.stringify(batch).replace('"amount":"2500000000000000000"', '"amount":1152921504606846977'));
    const r = run("encode", join(dir, "round.json"), join(dir, "round.bin"));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `l2engine: INVALID_ARGUMENT: ${join(dir, "round.json")}: txs[0].amount: a u128 must be a decimal string: the JSON number 1152921504606846977 is above 2^53 − 1 and would be rounded\n`,
    );
    // the same value as a decimal string survives exactly; small numbers are accepted for convenience
    const exact = { ...batch, txs: [{ ...batch.txs[0], amount: "1152921504606846977", fee: 100000000000000, nonce: 4 }] };
    writeFileSync(join(dir, "exact.json"), JSON.stringify(exact));
    expect(run("encode", join(dir, "exact.json"), join(dir, "exact.bin")).status).toBe(0);
    const d = run("decode", join(dir, "exact.bin"));
    expect(JSON.parse(d.stdout).txs[0]).toMatchObject({ amount: "1152921504606846977", fee: "100000000000000", nonce: "4" });
    expect(JSON.parse(d.stdout).feePairs).toEqual([{ token: 1, slot: 0 }]); // u32s stay numbers; u64/u128 are always strings
  });

  it("encode, decode, help, tree-demo and unknown commands: every error path has its exit code", () => {
    const cases: Array<[string[], number, RegExp]> = [
      [["encode", join(dir, "nope.json"), join(dir, "x.bin")], 2, /^l2engine: cannot read /],
      [["encode", join(dir, "batch.json"), join(dir, "no-such-dir", "x.bin")], 2, /^l2engine: cannot write /],
      [["encode", join(dir, "batch.json"), join(dir, "x.bin"), "extra"], 2, /takes 2 file arguments/],
      [["decode"], 2, /takes 1 file argument/],
      [["decode", join(dir, "batch.json")], 1, /^l2engine: DECODE_FAILED: /],
      [["tree-demo", "--leaves", "1e3"], 2, /--leaves needs a non-negative integer/],
      [["tree-demo", "--leaves", "0x10"], 2, /--leaves needs a non-negative integer/],
      [["help", "extra"], 2, /unknown command extra/],
      [["frobnicate"], 2, /unknown command frobnicate/],
    ];
    for (const [args, status, stderr] of cases) {
      const r = run(...args);
      expect(r.status, args.join(" ")).toBe(status);
      expect(r.stderr, args.join(" ")).toMatch(stderr);
      expect(r.stderr, args.join(" ")).not.toMatch(/\n\s+at /);
    }
  });
});

describe("l2engine apply / trace / prove-step / verify-step / inspect", async () => {
  const { mkdtempSync, rmSync, writeFileSync, readFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { addressOf, signTransaction } = await import("../src/protocol/signatures.js");
  const { Engine } = await import("../src/engine/engine.js");
  const { encodeBatch } = await import("../src/da/codec.js");
  const { proveStep } = await import("../src/dispute/step-proof.js");
  const { encodeStepProof } = await import("../src/dispute/step-proof.js");
  const dir = mkdtempSync(join(tmpdir(), "l2engine-cli-chain-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const data = join(dir, "chain");
  const file = (name: string) => join(dir, name);
  const keys = [
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  ] as const;
  const [a, b] = keys.map(addressOf) as [`0x${string}`, `0x${string}`];
  const domain = { chainId: 1n, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as const };
  const slots = [
    { owner: a, token: 1, balance: 10n ** 20n, nonce: 0n },
    { owner: b, token: 1, balance: 10n ** 18n, nonce: 0n },
    { owner: a, token: 2, balance: 5n * 10n ** 18n, nonce: 0n },
  ];
  const batch1 = {
    feePairs: [{ token: 1, slot: 1 }],
    inbox: { start: 0n, count: 1 }, // the first L1 inbox message
    l1Messages: [{ kind: "deposit" as const, owner: b, token: 2, amount: 7n * 10n ** 17n }],
    txs: [signTransaction({ type: "transfer", from: 0, to: 1, amount: 3n * 10n ** 18n, fee: 10n ** 15n, nonce: 0n }, keys[0], domain)],
  };
  const batch2 = {
    feePairs: [{ token: 1, slot: 1 }],
    l1Messages: [],
    txs: [
      signTransaction({ type: "transfer", from: 0, to: 1, amount: 10n ** 18n, fee: 10n ** 15n, nonce: 1n }, keys[0], domain),
      signTransaction({ type: "withdraw", from: 1, amount: 2n * 10n ** 18n, fee: 10n ** 15n, nonce: 0n }, keys[1], domain),
    ],
  };
  const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
  writeFileSync(file("genesis.json"), json({ ...domain, slots }));
  writeFileSync(file("batch1.json"), json(batch1));
  writeFileSync(file("batch2.json"), json(batch2));
  // the library's answers, computed without the CLI or a store
  const engine = Engine.create({ genesis: slots, ...domain });
  const r1 = engine.applyBatch(batch1);
  const t2 = engine.fork().traceBatch(batch2);

  it("apply creates the chain from a genesis file, commits, and agrees with the library", () => {
    expect(run("apply", file("batch1.json"), "--data-dir", data).status).toBe(2); // no chain, no genesis
    const r = run("apply", file("batch1.json"), "--data-dir", data, "--genesis", file("genesis.json"), "--out", file("r1.json"));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/batch 1 committed: 2 entries \(2 OK\)/);
    expect(JSON.parse(readFileSync(file("r1.json"), "utf8")).postStateRoot).toBe(r1.postStateRoot);
    const head = JSON.parse(run("inspect", "--data-dir", data).stdout);
    expect(head).toMatchObject({ batchCount: 1, stateRoot: r1.postStateRoot, slotCount: 4 });
    expect(JSON.parse(run("inspect", "--data-dir", data, "--slot", "3").stdout)).toMatchObject({
      slot: 3,
      owner: b,
      token: 2,
      balance: String(7n * 10n ** 17n),
    });
    expect(JSON.parse(run("inspect", "--data-dir", data, "--batch", "1").stdout).result.postStateRoot).toBe(r1.postStateRoot);
    expect(JSON.parse(run("inspect", "--data-dir", data, "--owner", b).stdout).slots).toEqual([1, 3]);
  });

  it("a malformed batch exits 1 and leaves the chain as it was", () => {
    writeFileSync(file("bad.json"), json({ ...batch2, feePairs: Array.from({ length: 17 }, (_, token) => ({ token, slot: 1 })) }));
    const r = run("apply", file("bad.json"), "--data-dir", data);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^l2engine: INVALID_ARGUMENT: batch.feePairs: at most 16 fee pairs/);
    writeFileSync(
      file("bad.json"),
      json({
        ...batch2,
        feePairs: [
          { token: 2, slot: 1 },
          { token: 1, slot: 1 },
        ],
      }),
    );
    const order = run("apply", file("bad.json"), "--data-dir", data);
    expect(order.status).toBe(1);
    expect(order.stderr).toMatch(/^l2engine: INVALID_ARGUMENT: batch.feePairs\[1\].token must be greater than batch.feePairs\[0\].token/);
    expect(JSON.parse(run("inspect", "--data-dir", data).stdout).batchCount).toBe(1);
  });

  it("trace, prove-step and verify-step reproduce the library's commitments and convict a wrong claim", () => {
    const t = run("trace", file("batch2.json"), "--data-dir", data, "--out", file("t2.json"));
    expect(t.status).toBe(0);
    const trace = JSON.parse(readFileSync(file("t2.json"), "utf8"));
    expect(trace.traceRoot).toBe(t2.traceRoot);
    expect(trace.steps).toEqual(t2.steps);
    expect(JSON.parse(run("inspect", "--data-dir", data).stdout).batchCount).toBe(1); // not committed
    const p = run("prove-step", file("batch2.json"), "--data-dir", data, "--step", "1", "--out", file("p.bin"));
    expect(p.status).toBe(0);
    expect(p.stdout).toMatch(/step 1 \(tx\) of batch 2: \d+-byte proof/);
    const args = [file("p.bin"), file("batch2.json"), "--chain-id", "1", "--contract", domain.verifyingContract, "--step", "1", "--agreed", t2.steps[1]!];
    const v = run("verify-step", ...args, "--claimed", t2.steps[2]!);
    expect(v.status).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ step: 1, kind: "tx", status: "OK", pre: t2.steps[1], post: t2.steps[2] });
    const wrong = run("verify-step", ...args, "--claimed", t2.steps[3]!);
    expect(wrong.status).toBe(3);
    expect(wrong.stderr).toMatch(/CONVICTED/);
    const info = JSON.parse(run("inspect", file("p.bin")).stdout);
    expect(info).toMatchObject({ format: "step proof", witness: [1] }); // the withdrawal touches slot 1 alone (no fee slot in a witness)
    // a damaged proof is a typed error, never a verdict
    const bytes = readFileSync(file("p.bin"));
    bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0x40;
    writeFileSync(file("bad.bin"), bytes);
    const bad = run("verify-step", file("bad.bin"), ...args.slice(1), "--claimed", t2.steps[3]!);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^l2engine: (PROOF_INVALID|DECODE_FAILED): /);
    expect(run("verify-step", ...args.slice(0, 2), "--contract", domain.verifyingContract, "--step", "1", "--agreed", t2.steps[1]!).status).toBe(2); // no --chain-id
  });

  it("verify-step judges only from the agreed commitment: an invented pre-state, a wrong domain or a malformed claim is never a verdict", () => {
    const args = [file("batch2.json"), "--chain-id", "1", "--contract", domain.verifyingContract, "--step", "1"];
    // a proof of the same step built on another state (the genesis, before batch 1) — honest for that state
    const other = Engine.create({ genesis: slots, ...domain });
    writeFileSync(file("invented.bin"), encodeStepProof(proveStep(other, batch2, 1)));
    other.dispose();
    for (const claimed of [t2.steps[2]!, t2.steps[3]!]) {
      const r = run("verify-step", file("invented.bin"), ...args, "--agreed", t2.steps[1]!, "--claimed", claimed);
      expect(r.status, claimed).toBe(1);
      expect(r.stderr).toMatch(/PROOF_INVALID: the proof starts at/);
    }
    // a referee for another chain id refuses instead of convicting the honest proposer
    const chain7 = ["--chain-id", "7", ...args.slice(3)];
    const w = run("verify-step", file("p.bin"), file("batch2.json"), ...chain7, "--agreed", t2.steps[1]!, "--claimed", t2.steps[2]!);
    expect(w.status).toBe(1);
    expect(w.stderr).not.toMatch(/CONVICTED/);
    // malformed commitments are bad usage, not a conviction
    for (const bad of [
      ["--claimed", "0x1234"],
      ["--agreed", "zz"],
    ]) {
      const r = run("verify-step", file("p.bin"), ...args, "--agreed", t2.steps[1]!, "--claimed", t2.steps[2]!, ...bad);
      expect(r.status, bad.join(" ")).toBe(2);
      expect(r.stderr).not.toMatch(/CONVICTED/);
    }
    expect(run("verify-step", file("p.bin"), ...args).status).toBe(2); // no --agreed
  });

  it("applies DA bytes and inspects them", () => {
    writeFileSync(file("batch2.bin"), encodeBatch({ feePairs: batch2.feePairs, txs: batch2.txs }));
    const info = JSON.parse(run("inspect", file("batch2.bin")).stdout);
    expect(info).toMatchObject({ format: "DA v1", txs: 2, types: { transfer: 1, withdraw: 1 } });
    const r = run("apply", file("batch2.bin"), "--data-dir", data);
    expect(r.status).toBe(0);
    expect(JSON.parse(run("inspect", "--data-dir", data).stdout)).toMatchObject({ batchCount: 2, stateRoot: t2.result.postStateRoot });
    expect(run("inspect", "--data-dir", join(dir, "nowhere")).status).toBe(2);
  });

  it("every chain command: invalid content exits 1 naming the file and field, bad usage exits 2", () => {
    writeFileSync(file("notjson.json"), '{"feePairs": [1], "txs": [}');
    writeFileSync(file("notobject.json"), "[1, 2]");
    writeFileSync(file("nofees.json"), json({ txs: [] }));
    writeFileSync(file("txsobject.json"), json({ feePairs: [], txs: {} }));
    writeFileSync(file("bignum.json"), json(batch2).replace(`"nonce":"1"`, `"nonce":18446744073709551615`));
    writeFileSync(file("shortsig.json"), json({ ...batch2, txs: [batch2.txs[0], { ...batch2.txs[1], signature: batch2.txs[1]!.signature.slice(0, -2) }] }));
    writeFileSync(file("junk.bin"), new Uint8Array([0x99, 1, 2, 3]));
    const content: Array<[string, RegExp]> = [
      [
        "notjson.json",
        /notjson\.json: not valid JSON \(a JSON batch \(\{ feePairs, inbox, l1Messages, txs \}\)\): line 1, column 27: unexpected character "\}"/,
      ],
      ["notobject.json", /notobject\.json: a batch must be a JSON object/],
      ["nofees.json", /nofees\.json: feePairs: must be an array/],
      ["txsobject.json", /txsobject\.json: txs: must be an array/],
      ["bignum.json", /bignum\.json: txs\[0\]\.nonce: a u64 must be a decimal string: the JSON number 18446744073709551615/],
    ];
    // its own chain and proof, so the test does not depend on the ones before it
    const own = join(dir, "errors-chain");
    expect(run("apply", file("batch1.json"), "--data-dir", own, "--genesis", file("genesis.json")).status).toBe(0);
    const proof = file("errors-proof.msgpack");
    expect(run("prove-step", file("batch2.json"), "--data-dir", own, "--step", "1", "--out", proof).status).toBe(0);
    const commands = (batchFile: string): string[][] => [
      ["apply", batchFile, "--data-dir", own],
      ["trace", batchFile, "--data-dir", own],
      ["prove-step", batchFile, "--data-dir", own, "--step", "0", "--out", file("never.msgpack")],
      ["verify-step", proof, batchFile, "--chain-id", "1", "--contract", domain.verifyingContract, "--step", "1", "--agreed", t2.steps[1]!],
    ];
    for (const [name, message] of content) {
      for (const args of commands(file(name))) {
        const r = run(...args);
        expect(r.status, args.join(" ")).toBe(1);
        expect(r.stderr, args.join(" ")).toMatch(/^l2engine: INVALID_ARGUMENT: /);
        expect(r.stderr, args.join(" ")).toMatch(message);
      }
    }
    // a malformed signature is refused by the API (exit 1), never turned into BAD_SIGNATURE
    for (const args of commands(file("shortsig.json")).slice(0, 3)) {
      const r = run(...args);
      expect(r.status, args.join(" ")).toBe(1);
      expect(r.stderr, args.join(" ")).toMatch(/^l2engine: INVALID_ARGUMENT: txs\[1\]: withdraw\.signature must be 0x and 130 hex digits/);
    }
    const inspectJunk = run("inspect", file("junk.bin"));
    expect(inspectJunk.status).toBe(1);
    expect(inspectJunk.stderr).toMatch(/^l2engine: INVALID_ARGUMENT: .*junk\.bin: not JSON, and neither DA bytes, a step proof nor a batch result/);
    expect(JSON.parse(run("inspect", "--data-dir", own).stdout).batchCount).toBe(1); // nothing was committed by the failures above

    const usage: string[][] = [
      ["apply", file("missing.json"), "--data-dir", own],
      ["apply", file("batch2.json")],
      ["apply", file("batch2.json"), "--data-dir", own, "--colour", "red"],
      ["apply", file("batch2.json"), file("batch1.json"), "--data-dir", own],
      ["apply", file("batch2.json"), "--data-dir", own, "--out", join(dir, "no-such-dir", "r.json")],
      ["trace", file("batch2.json"), "--data-dir", join(dir, "nowhere")],
      ["trace", file("batch2.json")],
      ["prove-step", file("batch2.json"), "--data-dir", own, "--out", file("x.msgpack")],
      ["prove-step", file("batch2.json"), "--data-dir", own, "--step", "1e0", "--out", file("x.msgpack")],
      ["prove-step", file("batch2.json"), "--data-dir", own, "--step", "0"],
      ["verify-step", file("missing.msgpack"), file("batch2.json"), "--chain-id", "1", "--contract", domain.verifyingContract],
      ["verify-step", proof, file("batch2.json"), "--chain-id", "0x1", "--contract", domain.verifyingContract],
      ["verify-step", proof, "--chain-id", "1", "--contract", domain.verifyingContract],
      ["inspect", file("missing.bin")],
      ["inspect", "--data-dir", join(dir, "nowhere")],
      ["inspect"],
      ["inspect", "--data-dir", own, "--slot", "-1"],
    ];
    for (const args of usage) {
      const r = run(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(/^l2engine: /);
      expect(r.stderr, args.join(" ")).not.toMatch(/\n\s+at /);
    }
    // a --slot, --batch or --step the data does not hold is invalid input, whichever side it is on
    const outOfRange: Array<[string[], RegExp]> = [
      [["inspect", "--data-dir", own, "--slot", "999"], /^l2engine: INVALID_ARGUMENT: --slot 999: no such slot \(the state has slots 0 to \d+\)/],
      [["inspect", "--data-dir", own, "--batch", "0"], /^l2engine: INVALID_ARGUMENT: --batch 0: no such batch \(the chain holds batches 1 to \d+; /],
      [["inspect", "--data-dir", own, "--batch", "99"], /^l2engine: INVALID_ARGUMENT: --batch 99: no such batch \(the chain holds batches 1 to \d+; /],
      [
        ["prove-step", file("batch2.json"), "--data-dir", own, "--step", "99", "--out", file("x.msgpack")],
        /--step 99: .*batch2\.json has no such step \(its 2 entries are steps 0 to 1; step 2 is fee settlement\)/,
      ],
      [
        ["verify-step", proof, file("batch2.json"), "--chain-id", "1", "--contract", domain.verifyingContract, "--step", "3", "--agreed", t2.steps[1]!],
        /--step 3: .*has no such step/,
      ],
    ];
    for (const [args, message] of outOfRange) {
      const r = run(...args);
      expect(r.status, args.join(" ")).toBe(1);
      expect(r.stderr, args.join(" ")).toMatch(message);
    }
  });

  it("a genesis file: chainId above 2^53 as a string is exact; as a number, or malformed JSON, is exit 1", () => {
    const big = { chainId: 2n ** 64n + 1n, verifyingContract: domain.verifyingContract };
    const bigData = join(dir, "bigchain");
    writeFileSync(file("genesis-big.json"), json({ ...big, slots }));
    writeFileSync(file("genesis-bignum.json"), json({ ...big, slots }).replace(`"${big.chainId}"`, String(big.chainId)));
    writeFileSync(file("genesis-broken.json"), json({ ...big, slots }).slice(0, -1));
    const signed = {
      feePairs: [{ token: 1, slot: 1 }],
      l1Messages: [],
      txs: [signTransaction({ type: "transfer", from: 0, to: 1, amount: 5n, fee: 1n, nonce: 0n }, keys[0], big)],
    };
    writeFileSync(file("batch-big.json"), json(signed));
    for (const [g, message] of [
      ["genesis-bignum.json", /genesis-bignum\.json: chainId: a chain id \(uint256\) must be a decimal string: the JSON number 18446744073709551617/],
      ["genesis-broken.json", /genesis-broken\.json: not valid JSON .*: unexpected end of the file|expected ',' or '\}'/],
    ] as const) {
      const r = run("apply", file("batch-big.json"), "--data-dir", join(dir, `bad-${g}`), "--genesis", file(g));
      expect(r.status, g).toBe(1);
      expect(r.stderr, g).toMatch(message);
    }
    const r = run("apply", file("batch-big.json"), "--data-dir", bigData, "--genesis", file("genesis-big.json"));
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/batch 1 committed: 1 entries \(1 OK\)/); // the signature binds the exact chain id
    expect(JSON.parse(run("inspect", "--data-dir", bigData).stdout).chainId).toBe("18446744073709551617");
  });

  it("the demo keeps its chain in --data-dir and refuses a directory that holds one", () => {
    const demoDir = join(dir, "demo");
    const r = run("demo", "--engine-only", "--slots", "2000", "--batches", "1", "--batch-size", "20", "--threads", "1", "--data-dir", demoDir);
    expect(r.status).toBe(0);
    const head = JSON.parse(run("inspect", "--data-dir", demoDir).stdout);
    expect(head.batchCount).toBe(2); // the pools, then the disputed batch committed honestly
    expect(r.stdout).toContain(head.stateRoot);
    const again = run("demo", "--engine-only", "--slots", "2000", "--data-dir", demoDir);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already holds a chain/);
  }, 120_000);
});
