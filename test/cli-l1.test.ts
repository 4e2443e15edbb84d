// The L1 verbs of the built CLI (dist/cli.js) against a real anvil: deploy writes a deployment
// file, follow derives the chain from L1 alone, challenge defeats a forged claim whose proposer
// never answers (timeout after its clock), withdraw pays a withdrawal of a confirmed batch once
// — and every bad input exits with its code: 1 for a typed error (an unreachable node, a genesis
// that is not the deployment's, a batch without a confirmed claim, an index that is not a
// withdrawal, a paid withdrawal), 2 for bad usage. Each verb has its help.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { signTransaction, type Batch, type SignedTx } from "../src/index.js";
import { nodeRecovery } from "../src/node.js";
import { Anvil, ANVIL_KEYS } from "../src/l1/anvil.js";
import { loadArtifact } from "../src/l1/artifacts.js";
import { claimForBatch } from "../src/l1/bridge.js";
import { sendCall } from "../src/l1/play.js";
import { Sequencer } from "../src/l1/sequencer.js";
import { Watcher } from "../src/l1/watch.js";
import { INBOX_ABI } from "../src/l1/inbox-batches-abi.js";

const cli = new URL("../dist/cli.js", import.meta.url).pathname;
/**
 * The CLI in a child process, awaited without blocking this worker (spawnSync would stall
 * vitest's own messages for the seconds a verb takes).
 */
const spawnAsync = (file: string, args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(file, args);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (status) => resolve({ status, stdout, stderr }));
  });
const run = (...args: string[]) => spawnAsync(process.execPath, [cli, ...args]);

const [OPERATOR_KEY, USER_KEY, CHALLENGER_KEY, RELAYER_KEY] = ANVIL_KEYS as [Hex, Hex, Hex, Hex];
const USER = privateKeyToAccount(USER_KEY).address;
const WINDOW_SECONDS = 60;
const CLOCK_SECONDS = 3;

describe("l2engine deploy / follow / challenge / withdraw on anvil", () => {
  let anvil: Anvil;
  let dir: string;
  let genesisFile: string;
  let deploymentFile: string;
  let rpc: string[];
  beforeAll(async () => {
    anvil = await Anvil.start();
    dir = mkdtempSync(join(tmpdir(), "l2engine-cli-l1-"));
    genesisFile = join(dir, "genesis.json");
    deploymentFile = join(dir, "deployment.json");
    // slot 0: the user's token 1 (empty: value comes by deposit); slot 1: the fee slot
    const slots = [USER, privateKeyToAccount(OPERATOR_KEY).address].map((owner) => ({ owner, token: 1, balance: "0", nonce: "0" }));
    writeFileSync(genesisFile, JSON.stringify({ chainId: "31337", verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3", slots }));
    rpc = ["--l1-rpc", anvil.url];
  }, 60_000);
  afterAll(async () => {
    await anvil?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("each verb has its help, and bad usage exits 2 before any node is contacted", async () => {
    for (const verb of ["deploy", "follow", "challenge", "withdraw"]) {
      const h = await run(verb, "--help");
      expect(h.status, verb).toBe(0);
      expect(h.stdout).toMatch(new RegExp(`^usage: l2engine ${verb} --l1-rpc URL`));
      expect(h.stdout).toMatch(/exit codes:/);
    }
    for (const [args, message] of [
      [["deploy", "--genesis", "g.json", "--out", "d.json"], /deploy needs --l1-rpc/],
      [
        ["deploy", ...["--l1-rpc", "http://127.0.0.1:1"], "--l1-key", "0x12", "--genesis", "g.json", "--out", "d.json"],
        /--l1-key needs a 0x-prefixed 32-byte hex private key/,
      ],
      [["withdraw", "--l1-rpc", "http://127.0.0.1:1", "--deployment", "d.json", "--genesis", "g.json", "--index", "0"], /withdraw needs --batch/],
      [["demo", "--slots", "5000"], /--slots is an option of demo --engine-only/],
      [["follow", "--l1-rpc", "ftp://x", "--deployment", "x", "--genesis", "y"], /cannot read x/],
    ] as [string[], RegExp][]) {
      const r = await run(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it("deploy writes the addresses; a node that does not answer is a typed error (exit 1)", async () => {
    const r = await run(
      "deploy",
      ...rpc,
      "--l1-key",
      OPERATOR_KEY,
      "--genesis",
      genesisFile,
      "--out",
      deploymentFile,
      "--challenge-window",
      String(WINDOW_SECONDS),
      "--clock",
      String(CLOCK_SECONDS),
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^token 1: test ERC-20 deployed at 0x[0-9a-fA-F]{40}/m);
    expect(r.stdout).toMatch(/signed under chain id 31337 and verifying contract 0x[0-9a-fA-F]{40} \(the Inbox\)/);
    const d = JSON.parse(readFileSync(deploymentFile, "utf8"));
    for (const k of ["inbox", "batches", "claims", "stepVerifier", "oneStepProver", "disputeGame", "bridge"])
      expect(d.addresses[k]).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(d.challengeWindowSeconds).toBe(String(WINDOW_SECONDS));
    expect(d.tokens).toHaveLength(1);
    const dead = await run("deploy", "--l1-rpc", "http://127.0.0.1:1", "--genesis", genesisFile, "--out", join(dir, "x.json"));
    expect(dead.status).toBe(1);
    expect(dead.stderr).toMatch(/^l2engine: L1_FAILED: no L1 node answers at http:\/\/127\.0\.0\.1:1/);
  }, 60_000);

  it("follow, challenge and withdraw: the chain derived from L1, a forged claim defeated, a withdrawal paid once", async () => {
    const d = JSON.parse(readFileSync(deploymentFile, "utf8"));
    const at = { ...d.addresses, fromBlock: BigInt(d.addresses.fromBlock) } as {
      inbox: Hex;
      batches: Hex;
      claims: Hex;
      disputeGame: Hex;
      bridge: Hex;
      fromBlock: bigint;
    };
    const domain = { chainId: 31337n, verifyingContract: at.inbox };
    const client = anvil.publicClient;
    const operator = anvil.wallet(OPERATOR_KEY) as Parameters<typeof sendCall>[1];
    const user = anvil.wallet(USER_KEY) as Parameters<typeof sendCall>[1];
    const token = loadArtifact("TestToken");
    const claimsAbi = loadArtifact("Claims").abi;
    const erc20 = d.tokens[0].erc20 as Hex;
    const balance = async () => (await client.readContract({ address: erc20, abi: token.abi, functionName: "balanceOf", args: [USER] })) as bigint;

    // the user deposits 100 into slot 0 on L1 and withdraws 30 of it on L2, in batch 1
    await sendCall(client, user, { address: erc20, abi: token.abi, functionName: "mint", args: [USER, 100n] }, "mint");
    await sendCall(client, user, { address: erc20, abi: token.abi, functionName: "approve", args: [at.inbox, 100n] }, "approve");
    await sendCall(client, user, { address: at.inbox, abi: INBOX_ABI, functionName: "deposit", args: [1, 100n, 0] }, "deposit");
    const withdraw = signTransaction({ type: "withdraw", from: 0, amount: 30n, fee: 1n, nonce: 0n }, USER_KEY, domain) as SignedTx;
    const batch: Batch = {
      feePairs: [{ token: 1, slot: 1 }],
      l1Messages: [{ kind: "deposit", owner: USER, token: 1, amount: 100n, slot: 0 }],
      txs: [withdraw],
    };
    await new Sequencer(client, operator, at).postBatch(batch);
    const genesis = JSON.parse(readFileSync(genesisFile, "utf8")).slots.map((s: { owner: Hex }) => ({ owner: s.owner, token: 1, balance: 0n, nonce: 0n }));
    const watcher = new Watcher(client, at, genesis, domain, nodeRecovery);
    await watcher.sync();
    const honest = watcher.batches[0]!.honest;
    await sendCall(
      client,
      operator,
      { address: at.claims, abi: claimsAbi, functionName: "propose", args: [honest.bytes], value: BigInt(d.claimBondWei) },
      "propose",
    );
    // a liar claims the withdrawal was 90 (the real signature kept on the forged amount)
    const pre = watcher.engineBefore(1);
    const forged: Batch = { ...batch, txs: [{ ...withdraw, amount: 90n } as SignedTx] };
    const signers = pre.recoverSigners(batch);
    const fork = pre.fork();
    const liarTrace = fork.traceBatch(forged, { signers });
    fork.dispose();
    const liarClaim = claimForBatch(forged, liarTrace, pre.slotCount(), domain, {
      batchIndex: 1n,
      headerHash: honest.claim.headerHash,
      parentClaimHash: honest.claim.parentClaimHash,
    });
    pre.dispose();
    const liar = anvil.wallet(RELAYER_KEY) as Parameters<typeof sendCall>[1];
    await sendCall(
      client,
      liar,
      { address: at.claims, abi: claimsAbi, functionName: "propose", args: [liarClaim.bytes], value: BigInt(d.claimBondWei) },
      "liar propose",
    );

    // follow: the head root is the watcher's (and --json gives the same per batch)
    const f = await run("follow", ...rpc, "--deployment", deploymentFile, "--genesis", genesisFile);
    expect(f.stderr).toBe("");
    expect(f.status).toBe(0);
    expect(f.stdout).toMatch(/^batch 1: 1 L1 messages \+ 1 transactions \(2\/2 OK\), 1 withdrawals, state root 0x[0-9a-f]{64}; none confirmed$/m);
    expect(f.stdout).toContain(`state root ${watcher.engine.stateRoot()}`);
    const fj = await run("follow", ...rpc, "--deployment", deploymentFile, "--genesis", genesisFile, "--json");
    expect(JSON.parse(fj.stdout.trim())).toMatchObject({
      batch: 1,
      l1Messages: 1,
      transactions: 1,
      ok: 2,
      withdrawals: 1,
      stateRoot: watcher.engine.stateRoot(),
      confirmedClaim: null,
      honestClaim: honest.hash,
    });
    // a genesis that is not the deployment's is refused, typed (exit 1)
    const otherGenesis = join(dir, "other-genesis.json");
    writeFileSync(
      otherGenesis,
      JSON.stringify({ chainId: "31337", verifyingContract: at.inbox, slots: [{ owner: USER, token: 2, balance: "5", nonce: "0" }] }),
    );
    const wrongGenesis = await run("follow", ...rpc, "--deployment", deploymentFile, "--genesis", otherGenesis);
    expect(wrongGenesis.status).toBe(1);
    expect(wrongGenesis.stderr).toMatch(/L1_FAILED: .*other-genesis\.json: its state root 0x[0-9a-f]{64} is not the deployment's genesisStateRoot/);

    // withdraw before any claim confirmed: typed error, nothing sent
    const early = await run("withdraw", ...rpc, "--deployment", deploymentFile, "--genesis", genesisFile, "--batch", "1", "--index", "0");
    expect(early.status).toBe(1);
    expect(early.stderr).toMatch(/batch 1 has no confirmed claim yet/);

    // challenge: the honest claim agrees, the forged one is disputed; its proposer never answers,
    // so the challenger wins by timeout once the proposer's 3 s clock has run out
    const c = await run("challenge", ...rpc, "--deployment", deploymentFile, "--genesis", genesisFile, "--l1-key", CHALLENGER_KEY, "--poll-ms", "250");
    expect(c.stderr).toBe("");
    expect(c.status).toBe(0);
    expect(c.stdout).toContain(`claim ${liarClaim.hash} (batch 1, by ${privateKeyToAccount(RELAYER_KEY).address}): WRONG`);
    expect(c.stdout).toMatch(/game 1: challenger timeout/);
    expect(c.stdout).toMatch(/game 1: won: the claim is rejected/);
    expect(c.stdout).toMatch(/2 pending claims checked against our own re-execution of 1 batches: 1 agree, 1 wrong ones defeated/);
    expect(Number(await client.readContract({ address: at.claims, abi: claimsAbi, functionName: "status", args: [liarClaim.hash] }))).toBe(3); // Rejected
    // run again: nothing pending is wrong any more
    const again = await run("challenge", ...rpc, "--deployment", deploymentFile, "--genesis", genesisFile, "--l1-key", CHALLENGER_KEY);
    expect(again.stdout).toMatch(/1 pending claims checked .*: 1 agree, 0 wrong ones defeated/);

    // the window passes, the honest claim confirms, the withdrawal is paid once
    await anvil.increaseTime(WINDOW_SECONDS + 1);
    await sendCall(client, operator, { address: at.claims, abi: claimsAbi, functionName: "confirm", args: [honest.hash] }, "confirm");
    const outOfRange = await run("withdraw", ...rpc, "--deployment", deploymentFile, "--genesis", genesisFile, "--batch", "1", "--index", "1");
    expect(outOfRange.status).toBe(1);
    expect(outOfRange.stderr).toMatch(/INVALID_ARGUMENT: index: no withdrawal 1 in batch 1 \(1 withdrawals\)/);
    const noBatch = await run("withdraw", ...rpc, "--deployment", deploymentFile, "--genesis", genesisFile, "--batch", "7", "--index", "0");
    expect(noBatch.status).toBe(1);
    expect(noBatch.stderr).toMatch(/--batch: no batch 7 on L1 \(1 posted\)/);
    const before = await balance();
    const w = await run("withdraw", ...rpc, "--deployment", deploymentFile, "--genesis", genesisFile, "--l1-key", RELAYER_KEY, "--batch", "1", "--index", "0");
    expect(w.stderr).toBe("");
    expect(w.status).toBe(0);
    expect(w.stdout).toMatch(
      new RegExp(`withdrawal 0 of batch 1 paid: 30 of token 1 to ${USER} \\(\\d+ gas\\); its ERC-20 balance ${before} → ${before + 30n}`),
    );
    expect(await balance()).toBe(before + 30n);
    const twice = await run("withdraw", ...rpc, "--deployment", deploymentFile, "--genesis", genesisFile, "--batch", "1", "--index", "0");
    expect(twice.status).toBe(1);
    expect(twice.stderr).toMatch(/L1_FAILED: withdraw\(batch 1, index 0\) reverted: AlreadyPaid\(1, 0\)/);
    expect(await balance()).toBe(before + 30n);
    const f2 = await run("follow", ...rpc, "--deployment", deploymentFile, "--genesis", genesisFile);
    expect(f2.stdout).toMatch(/^batch 1: .*; confirmed claim agrees$/m);
    watcher.dispose();
  }, 120_000);
});

describe("the L1 demo (npm start) on a terminal", () => {
  it("tells the whole story on a spawned anvil: every check holds, progress bars end at 100% with a newline, the summary has the gas of every operation", async () => {
    const r = await spawnAsync("script", ["-qec", `"${process.execPath}" "${cli}" demo --batch-size 20`, "/dev/null"]);
    expect(r.status, r.stdout.slice(-2000)).toBe(0);
    const text = r.stdout.replace(/\r\n/g, "\n");
    const bars = [...text.matchAll(/\r([^\r\n[]+) \[([#.]+)\] (\d+)\/(\d+) \((\d+)%\)(?=[\r\n])/g)];
    const last = new Map<string, RegExpMatchArray>();
    for (const m of bars) last.set(m[1]!, m);
    expect([...last.keys()].sort()).toEqual(["deploying the rollup", "deposits on L1", "withdrawals on L1"]);
    for (const [label, m] of last) {
      expect(m[3], label).toBe(m[4]);
      expect(m[5], label).toBe("100");
      expect(text[m.index! + m[0].length], label).toBe("\n");
    }
    for (const re of [
      /^batch 1 \(the deposits and a TKA\/TKB pool\): 6 L1 messages \+ 1 transaction, 7\/7 OK/m,
      /^batch 2 \(signed traffic\): 0 L1 messages \+ 20 transactions/m,
      /^batch 3 \(the forced exit and traffic\): 1 L1 message \+ 20 transactions/m,
      /checked 4 claims: 3 agree, 1 wrong \(batch 2\)/,
      /^the challenger WON: the forged claim is Rejected; .* may pull 0\.2 ETH, 0\.05 ETH is burned/m,
      /^7 days later \(evm_increaseTime\): the honest claims of batches 1 to 3 confirm/m,
      /carol's forced exit was among them/,
      /claiming a paid withdrawal again is refused: AlreadyPaid/,
      /^value conserved, token 1: /m,
      /^value conserved, token 2: /m,
      /^ {2}L1 calldata per L2 transaction: [\d.]+ bytes over 3 batches/m,
      /^ {2}every claim settled, every withdrawal paid; wall time [\d.]+ s$/m,
    ])
      expect(text).toMatch(re);
    for (const op of [
      "deposit",
      "forceExit",
      "postBatch 1",
      "postBatch 2",
      "postBatch 3",
      "propose",
      "challenge",
      "reveal",
      "choose",
      "settleStep",
      "confirm",
      "withdraw",
    ])
      expect(text, op).toMatch(new RegExp(`^ {2}${op} +[\\d,]+`, "m"));
    expect(text).not.toMatch(/NaN|undefined/);
  }, 120_000);
});
