// The CLI commands that make its input files — init (genesis), keys new, sign (a batch written by
// hand) — and inspect reading every file the CLI writes, told apart by content, never showing a
// private key. Run as a user would: the built dist/cli.js.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addressOf, recoverTransactionSigner } from "../src/protocol/signatures.js";
import { Engine } from "../src/engine/engine.js";
import { parseJson } from "../src/cli/files.js";
import type { Batch, Hex, Slot } from "../src/protocol/types.js";

const cli = new URL("../dist/cli.js", import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 120_000 });
const examples = new URL("../examples/", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "l2engine-cli-files-"));
const file = (name: string) => join(dir, name);
const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x), 2);
const KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
] as const;
const CAROL_KEY = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6";
const [alice, bob, seq] = KEYS.map(addressOf) as [Hex, Hex, Hex];
const carol = addressOf(CAROL_KEY);

describe("l2engine init", () => {
  it("writes the genesis apply reads: defaults, one slot per key, filler up to --slots", () => {
    const plain = run("init", "--out", file("g0.json"));
    expect(plain.status).toBe(0);
    expect(JSON.parse(readFileSync(file("g0.json"), "utf8"))).toEqual({
      chainId: "31337",
      verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
      slots: [],
    });
    const r = run(
      "init",
      "--out",
      file("g.json"),
      "--keys",
      join(examples, "keys.json"),
      "--slots",
      "5",
      "--token",
      "7",
      "--balance",
      "340282366920938463463374607431768211455",
      "--chain-id",
      "18446744073709551617",
      "--contract",
      "0x00000000000000000000000000000000000000AA",
    );
    expect(r.status, r.stderr).toBe(0);
    const g = parseJson(readFileSync(file("g.json"), "utf8"), "g.json") as { chainId: bigint; verifyingContract: string; slots: Slot[] };
    expect(g.chainId).toBe(2n ** 64n + 1n);
    expect(g.verifyingContract).toBe("0x00000000000000000000000000000000000000aa");
    expect(g.slots.map((s) => s.owner.slice(0, 6).toLowerCase())).toEqual(
      [alice, bob, seq].map((a) => a.slice(0, 6).toLowerCase()).concat([expect.any(String), expect.any(String)]),
    );
    expect(new Set(g.slots.map((s) => s.owner)).size).toBe(5); // the filler owners are distinct addresses no one has a key for
    for (const s of g.slots) expect(s).toMatchObject({ token: 7, balance: (1n << 128n) - 1n, nonce: 0n });
    // valid for the engine, and the chain apply creates from it has the same root
    const engine = Engine.create({ genesis: g.slots, chainId: g.chainId, verifyingContract: g.verifyingContract as Hex });
    writeFileSync(file("empty-batch.json"), json({ feePairs: [], txs: [] }));
    const a = run("apply", file("empty-batch.json"), "--data-dir", file("g-chain"), "--genesis", file("g.json"));
    expect(a.status, a.stderr).toBe(0);
    expect(a.stdout).toContain(`state root ${engine.stateRoot()}`);
  });

  it("bad options are usage errors (2); a bad keys file is invalid input (1) naming the entry", () => {
    writeFileSync(
      file("badkeys.json"),
      json({
        keys: [
          { address: alice, privateKey: KEYS[0] },
          { address: alice, privateKey: KEYS[1] },
        ],
      }),
    );
    const cases: Array<[string[], number, RegExp]> = [
      [["init"], 2, /init needs --out/],
      [["init", "--out", file("x.json"), "--keys", join(examples, "keys.json"), "--slots", "2"], 2, /--slots 2 is fewer than the 3 addresses/],
      [
        ["init", "--out", file("x.json"), "--balance", "340282366920938463463374607431768211456"],
        2,
        /--balance must be a decimal integer from 0 to 340282366920938463463374607431768211455/,
      ],
      [["init", "--out", file("x.json"), "--token", "2147483648"], 2, /--token must be an L1 token/],
      [["init", "--out", file("x.json"), "--contract", "0x12"], 2, /--contract/],
      [["init", "--out", file("x.json"), "--slots", "16777217"], 2, /--slots must be at most 16777216/],
      [["init", "--out", file("x.json"), "--keys", file("badkeys.json")], 1, /badkeys\.json: keys\[1\]\.address: is not the address of keys\[1\]\.privateKey/],
    ];
    for (const [args, status, message] of cases) {
      const r = run(...args);
      expect(r.status, args.join(" ")).toBe(status);
      expect(r.stderr, args.join(" ")).toMatch(message);
    }
    expect(existsSync(file("x.json"))).toBe(false);
  });
});

describe("l2engine keys new", () => {
  it("writes random keys with their addresses, owner-only, warns on stderr, and never overwrites", () => {
    const r = run("keys", "new", "--out", file("k.json"), "--count", "3");
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/k\.json holds 3 private keys: keep it secret — anyone who reads it can sign for these addresses/);
    const k = JSON.parse(readFileSync(file("k.json"), "utf8"));
    expect(k.warning).toMatch(/private keys/);
    expect(k.keys).toHaveLength(3);
    for (const e of k.keys) {
      expect(e.privateKey).toMatch(/^0x[0-9a-f]{64}$/);
      expect(addressOf(e.privateKey)).toBe(e.address);
      expect(r.stdout).toContain(e.address); // the addresses, never the keys, on stdout
      expect(r.stdout).not.toContain(e.privateKey.slice(2));
    }
    expect(new Set(k.keys.map((e: { privateKey: string }) => e.privateKey)).size).toBe(3);
    expect(statSync(file("k.json")).mode & 0o777).toBe(0o600);
    const again = run("keys", "new", "--out", file("k.json"));
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/k\.json exists: keys new never overwrites a keys file/);
    expect(JSON.parse(readFileSync(file("k.json"), "utf8"))).toEqual(k);
    for (const args of [["keys"], ["keys", "old"], ["keys", "new"], ["keys", "new", "--out", file("k2.json"), "--count", "0"]])
      expect(run(...args).status, args.join(" ")).toBe(2);
  });
});

describe("l2engine sign", () => {
  const keysFile = file("sign-keys.json");
  writeFileSync(keysFile, json({ keys: [...KEYS, CAROL_KEY].map((privateKey) => ({ privateKey })) }));
  const genesisFile = file("sign-genesis.json");
  const domain = { chainId: 5n, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Hex };
  const genesis: Slot[] = [alice, bob, seq].map((owner) => ({ owner, token: 1, balance: 10n ** 21n, nonce: 0n }));
  writeFileSync(genesisFile, json({ ...domain, slots: genesis }));
  // carol's slot 3 is created by the third transaction; she spends from it in the fourth
  const unsigned = {
    feePairs: [{ token: 1, slot: 2 }],
    txs: [
      { type: "transfer", from: 0, to: 1, amount: "5", fee: "1" },
      { type: "transfer", from: 0, to: 1, amount: "6", fee: "1" },
      { type: "transferToNew", from: 1, toOwner: carol, amount: "100", fee: "1" },
      { type: "withdraw", from: 3, amount: "10", fee: "0" },
      { type: "transfer", from: 0, to: 3, amount: "7", fee: "1", nonce: "2" },
    ],
  };
  writeFileSync(file("unsigned.json"), json(unsigned));

  it("signs each transaction with its slot owner's key and fills nonces from the state as the batch runs", () => {
    const r = run("sign", file("unsigned.json"), "--keys", keysFile, "--genesis", genesisFile, "--out", file("signed.json"));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/5 of 5 transactions signed .*, 4 nonces filled in \(batch 1, chain id 5\)/);
    const signed = parseJson(readFileSync(file("signed.json"), "utf8"), "signed.json") as Batch;
    expect(signed.txs.map((t) => t.nonce)).toEqual([0n, 1n, 0n, 0n, 2n]);
    expect(signed.txs.map((t) => recoverTransactionSigner(t, domain))).toEqual([alice, alice, bob, carol, alice]);
    const engine = Engine.create({ genesis, ...domain });
    expect(engine.applyBatch({ ...signed, l1Messages: [] }).receipts.map((x) => x.status)).toEqual([0, 0, 0, 0, 0]);
    // signing a signed batch keeps it as it is
    const again = run("sign", file("signed.json"), "--keys", keysFile, "--genesis", genesisFile, "--out", file("signed2.json"));
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/0 of 5 transactions signed .*5 signatures kept/);
    expect(readFileSync(file("signed2.json"), "utf8")).toBe(readFileSync(file("signed.json"), "utf8"));
  });

  it("on a chain (--data-dir) the nonces continue from its head", () => {
    const data = file("sign-chain");
    expect(run("apply", file("signed.json"), "--data-dir", data, "--genesis", genesisFile).status).toBe(0);
    writeFileSync(
      file("next.json"),
      json({
        feePairs: [{ token: 1, slot: 2 }],
        txs: [
          { type: "transfer", from: 0, to: 1, amount: "1", fee: "0" },
          { type: "withdraw", from: 3, amount: "1", fee: "0" },
        ],
      }),
    );
    const r = run("sign", file("next.json"), "--keys", keysFile, "--data-dir", data, "--out", file("next-signed.json"));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\(batch 2, chain id 5\)/);
    const next = parseJson(readFileSync(file("next-signed.json"), "utf8"), "x") as Batch;
    expect(next.txs.map((t) => t.nonce)).toEqual([3n, 1n]);
    const a = run("apply", file("next-signed.json"), "--data-dir", data);
    expect(a.stdout).toMatch(/batch 2 committed: 2 entries \(2 OK\)/);
  });

  it("a transaction it cannot sign is invalid input naming its index; bad usage is exit 2", () => {
    const onlyAlice = file("alice-keys.json");
    writeFileSync(onlyAlice, json({ keys: [{ privateKey: KEYS[0] }] }));
    const write = (name: string, txs: unknown[]) => writeFileSync(file(name), json({ feePairs: [{ token: 1, slot: 2 }], txs }));
    write("nokey.json", unsigned.txs);
    write("noslot.json", [unsigned.txs[0], { type: "withdraw", from: 9, amount: "1", fee: "0" }]);
    write("badfield.json", [unsigned.txs[0], unsigned.txs[1], { type: "transfer", from: 0, to: 1, amount: "5" }]);
    write("badtype.json", [{ type: "mint", from: 0 }]);
    write("signednononce.json", [{ ...unsigned.txs[0], signature: `0x${"11".repeat(65)}` }]);
    const cases: Array<[string, string, RegExp]> = [
      [
        "nokey.json",
        onlyAlice,
        /nokey\.json: txs\[2\]: no key in .*alice-keys\.json for 0x70997970c51812dc3a010c7d01b50e0d17dc79c8, the owner of its authorizing slot 1 \(from\)/,
      ],
      ["noslot.json", keysFile, /noslot\.json: txs\[1\]\.from: slot 9 does not exist when this transaction runs \(the state has 3 slots then\)/],
      ["badfield.json", keysFile, /badfield\.json: txs\[2\]\.fee: must be/],
      ["badtype.json", keysFile, /badtype\.json: txs\[0\]\.type: must be one of transfer, /],
      ["signednononce.json", keysFile, /signednononce\.json: txs\[0\]\.nonce: is missing but the transaction is signed/],
    ];
    for (const [batch, keys, message] of cases) {
      const r = run("sign", file(batch), "--keys", keys, "--genesis", genesisFile, "--out", file("never.json"));
      expect(r.status, batch).toBe(1);
      expect(r.stderr, batch).toMatch(/^l2engine: INVALID_ARGUMENT: /);
      expect(r.stderr, batch).toMatch(message);
    }
    expect(existsSync(file("never.json"))).toBe(false);
    // a kept signature by someone else: a warning, the batch is still written
    write("forged.json", [{ ...unsigned.txs[0], nonce: "0", signature: `0x${"11".repeat(32)}${"22".repeat(32)}1b` }]);
    const forged = run("sign", file("forged.json"), "--keys", keysFile, "--genesis", genesisFile, "--out", file("forged-out.json"));
    expect(forged.status).toBe(0);
    expect(forged.stderr).toMatch(
      /warning: .*forged\.json: txs\[0\]: its signature is not by 0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266, the owner of slot 0; kept/,
    );
    const usage = [
      ["sign", file("unsigned.json"), "--keys", keysFile, "--out", file("x.json")],
      ["sign", file("unsigned.json"), "--keys", keysFile, "--genesis", genesisFile, "--data-dir", file("sign-chain"), "--out", file("x.json")],
      ["sign", file("unsigned.json"), "--genesis", genesisFile, "--out", file("x.json")],
      ["sign", file("unsigned.json"), "--keys", keysFile, "--genesis", genesisFile],
      ["sign", file("unsigned.json"), "--keys", file("missing.json"), "--genesis", genesisFile, "--out", file("x.json")],
    ];
    for (const args of usage) expect(run(...args).status, args.join(" ")).toBe(2);
  });
});

describe("l2engine inspect <file>: every file the CLI writes, by content", () => {
  it("genesis, keys, batch JSON, DA bytes, result JSON and msgpack, trace, step proof — whatever their names", () => {
    const g = join(examples, "genesis.json");
    const batch = join(examples, "batch.json");
    const data = file("inspect-chain");
    expect(run("apply", batch, "--data-dir", data, "--genesis", g, "--out", file("r.msgpack")).status).toBe(0);
    expect(run("apply", batch, "--data-dir", file("inspect-chain2"), "--genesis", g, "--out", file("r.json")).status).toBe(0);
    expect(run("trace", batch, "--genesis", g, "--out", file("t.json")).status).toBe(0);
    expect(run("prove-step", batch, "--genesis", g, "--step", "2", "--out", file("p.proof")).status).toBe(0);
    expect(run("encode", batch, file("b.bin")).status).toBe(0);
    // renamed, so only the content can tell
    const renamed: Array<[string, string, Record<string, unknown>]> = [
      [g, "genesis.dat", { format: "genesis", slots: 3, chainId: "31337", stateRoot: expect.stringMatching(/^0x[0-9a-f]{64}$/) }],
      [join(examples, "keys.json"), "keys.txt", { format: "keys", count: 3, addresses: [alice, bob, seq] }],
      [batch, "batch.bin", { format: "batch (JSON)", txs: 4, unsigned: 0, types: { transfer: 2, withdraw: 1, transferToNew: 1 } }],
      [join(examples, "unsigned-batch.json"), "unsigned", { format: "batch (JSON)", txs: 4, unsigned: 4, withoutNonce: 4 }],
      [file("b.bin"), "da.json", { format: "DA v1", txs: 4 }],
      [file("r.json"), "result.msgpack", { format: "batch result (JSON)", entries: 4, statuses: { OK: 4 }, withdrawals: 1 }],
      [file("r.msgpack"), "result.json", { format: "batch result (msgpack)", entries: 4, statuses: { OK: 4 }, withdrawals: 1 }],
      [file("t.json"), "trace.bin", { format: "trace", steps: 5, commitments: 6 }],
      [file("p.proof"), "proof.json", { format: "step proof" }],
    ];
    const results = JSON.parse(readFileSync(file("r.json"), "utf8"));
    for (const [from, name, want] of renamed) {
      copyFileSync(from, file(name));
      const r = run("inspect", file(name));
      expect(r.status, `${name}: ${r.stderr}`).toBe(0);
      expect(JSON.parse(r.stdout), name).toMatchObject(want);
      for (const k of KEYS) expect(r.stdout).not.toContain(k.slice(2)); // never a private key
    }
    expect(JSON.parse(run("inspect", file("result.json")).stdout).postStateRoot).toBe(results.postStateRoot);
  });

  it("malformed JSON names the file, line and column; JSON of no CLI kind and junk are invalid input too", () => {
    writeFileSync(file("broken.json"), '{\n  "feePairs": [{ "token": 1, "slot": 2 }],\n  "txs": [,]\n}');
    writeFileSync(file("other.json"), '{ "hello": "world" }');
    writeFileSync(file("badtx.json"), json({ feePairs: [{ token: 1, slot: 2 }], txs: [{ type: "transfer", amount: "x" }] }));
    const cases: Array<[string, RegExp]> = [
      ["broken.json", /broken\.json: not valid JSON \(a file the CLI writes\): line 3, column 11: unexpected character ","/],
      ["other.json", /other\.json: JSON, but none of the files the CLI writes/],
      ["badtx.json", /badtx\.json: txs\[0\]\.amount: a u128 must be a decimal string, got "x"/],
    ];
    for (const [name, message] of cases) {
      const r = run("inspect", file(name));
      expect(r.status, name).toBe(1);
      expect(r.stderr, name).toMatch(message);
    }
  });
});
