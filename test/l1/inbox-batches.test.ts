// The inbox and batch contracts (docs/SPEC.md §13.1, §13.2, §13.6) on the in-process EVM — every
// check refused with its custom error — and on anvil: the gas of a deposit, a forced exit, a full
// calldata batch of transfers, a forced inclusion and a committee batch; a sequencer that skips an
// overdue message refused while anyone force-includes it; and a node following L1 from genesis
// (deposits, transfers, a forced exit, an undecodable batch, a forced inclusion) reaching the
// sequencer's state root.
import { keccak_256 } from "@noble/hashes/sha3.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeFunctionData, type Hex, hashTypedData, hexToBytes, parseSignature, serializeSignature } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  Engine,
  addressOf,
  deriveBatch,
  encodeBatch,
  encodeL1Message,
  headerHash,
  inboxRecord,
  type Batch,
  type BatchHeader,
  type L1Message,
} from "../../src/index.js";
import { nodeRecovery } from "../../src/node.js";
import { L1Error } from "../../src/protocol/errors.js";
import { loadArtifact } from "../../src/l1/artifacts.js";
import { Follower } from "../../src/l1/follower.js";
import { recordPreimage } from "../../src/l1/inbox.js";
import { BATCHES_ABI, COMMITTEE_BATCH_TYPES, INBOX_ABI } from "../../src/l1/inbox-batches-abi.js";
import { Sequencer } from "../../src/l1/sequencer.js";
import { Rng, signedWorkload } from "../workload.js";
import { MAX_L1_DA_BYTES } from "../../src/index.js";
import { MAX_BLOB_DA_BYTES } from "../../src/l1/blobs.js";
import { ANVIL_CHAIN_ID, ANVIL_KEYS, Anvil } from "./anvil.js";
import { L1Sim, type SimContract, type SimResult } from "./evm-context.js";
import { fullTransferBatch } from "./glue.js";

const DAY = 86_400n;
const ZERO32 = `0x${"00".repeat(32)}` as Hex;
const NO_SLOT = 0xffffffff;
const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}` as Hex;
const keccakHex = (b: Uint8Array) => hex(keccak_256(b));
const DEPLOYER = "0x00000000000000000000000000000000000d0d0d" as Hex;
const SEQUENCER = "0x0000000000000000000000000000000000005e9e" as Hex;
const ALICE = "0x000000000000000000000000000000000000a11c" as Hex;
const BOB = "0x0000000000000000000000000000000000000b0b" as Hex;
const BRIDGE = "0x000000000000000000000000000000000000b1d9" as Hex;

function expectError(r: SimResult, name: string, args?: readonly unknown[]): void {
  expect(r.ok, `expected ${name}`).toBe(false);
  expect(r.error?.name, `expected ${name}, got ${r.error?.name ?? r.revert}`).toBe(name);
  if (args)
    expect(r.error!.args.map((a) => (typeof a === "string" ? a.toLowerCase() : a))).toEqual(args.map((a) => (typeof a === "string" ? a.toLowerCase() : a)));
}

function expectOk(r: SimResult): void {
  expect(r.ok, `reverted: ${r.error?.name}(${r.error?.args.join(", ")}) ${r.revert}`).toBe(true);
}

interface World {
  sim: L1Sim;
  tokenA: SimContract;
  tokenB: SimContract;
  odd: SimContract;
  inbox: SimContract;
  batches: SimContract;
}

async function world(options: { committee?: Hex[]; quorum?: bigint } = {}): Promise<World> {
  const sim = await L1Sim.create();
  const tokenA = await sim.deploy(loadArtifact("TestToken"), ["A", "A"]);
  const tokenB = await sim.deploy(loadArtifact("TestToken"), ["B", "B"]);
  const odd = await sim.deploy(loadArtifact("TestTokenOddReturns"));
  const inbox = await sim.deploy(
    loadArtifact("Inbox"),
    [
      [1, 2, 3],
      [tokenA.address, tokenB.address, odd.address],
    ],
    DEPLOYER,
  );
  const batches = await sim.deploy(loadArtifact("Batches"), [inbox.address, SEQUENCER, DAY, options.committee ?? [], options.quorum ?? 0n]);
  for (const who of [ALICE, BOB]) {
    for (const t of [tokenA, tokenB, odd]) {
      expectOk(await t.send("mint", [who, 10n ** 24n]));
      expectOk(await t.send("approve", [inbox.address, 10n ** 30n], { from: who }));
    }
  }
  return { sim, tokenA, tokenB, odd, inbox, batches };
}

/** The queued message's record preimage from its MessageQueued event. */
function preimageOf(r: SimResult): Hex {
  const ev = r.logs.find((l) => l.eventName === "MessageQueued")!;
  return hex(recordPreimage(hexToBytes(ev.args.message as Hex), ev.args.l1Timestamp as bigint));
}

async function deposit(w: World, from: Hex, amount = 10n ** 18n): Promise<SimResult> {
  const r = await w.inbox.send("deposit", [1, amount, NO_SLOT], { from });
  expectOk(r);
  return r;
}

describe("Inbox (in-process EVM)", () => {
  it("records deposits and forced exits byte-exact (SPEC §13.1) and holds the escrow", async () => {
    const w = await world();
    const queued: { m: L1Message; t: bigint; r: SimResult }[] = [];
    const cases: [Hex, string, readonly unknown[], L1Message][] = [
      [ALICE, "deposit", [1, 10n ** 18n, 1], { kind: "deposit", owner: ALICE, token: 1, amount: 10n ** 18n, slot: 1 }],
      [BOB, "deposit", [2, 5n, NO_SLOT], { kind: "deposit", owner: BOB, token: 2, amount: 5n }],
      [ALICE, "forceExit", [0], { kind: "forcedExit", owner: ALICE, slot: 0 }],
      [BOB, "deposit", [1, (1n << 128n) - 1n - 10n ** 24n, 0xfffffffe], { kind: "deposit", owner: BOB, token: 1, amount: 0n, slot: 0xfffffffe }],
    ];
    await w.tokenA.send("mint", [BOB, (1n << 128n) - 1n - 2n * 10n ** 24n]);
    await w.tokenA.send("approve", [w.inbox.address, (1n << 256n) - 1n], { from: BOB }); // the largest amount
    for (const [i, [from, fn, args, m]] of cases.entries()) {
      w.sim.timestamp += 12n;
      const r = await w.inbox.send(fn, args, { from });
      expectOk(r);
      expect(r.value).toBe(BigInt(i));
      const msg = m.kind === "deposit" && m.amount === 0n ? { ...m, amount: (1n << 128n) - 1n - 10n ** 24n } : m;
      queued.push({ m: msg, t: w.sim.timestamp, r });
    }
    expect(await w.inbox.read("messageCount")).toBe(4n);
    for (const [i, q] of queued.entries()) {
      const ev = q.r.logs.find((l) => l.eventName === "MessageQueued")!;
      expect(ev.args.index).toBe(BigInt(i));
      expect((ev.args.owner as string).toLowerCase()).toBe(q.m.owner.toLowerCase());
      expect(ev.args.message).toBe(hex(encodeL1Message(q.m)));
      expect(ev.args.l1Timestamp).toBe(q.t);
      expect(await w.inbox.read("record", [BigInt(i)]), `record ${i}`).toBe(inboxRecord(q.m, q.t));
    }
    expectError(await w.inbox.send("record", [4n]), "IndexOutOfRange", [4n, 4n]);
    expect(await w.tokenA.read("balanceOf", [w.inbox.address])).toBe(10n ** 18n + (1n << 128n) - 1n - 10n ** 24n);
    expect(await w.tokenB.read("balanceOf", [w.inbox.address])).toBe(5n);
    expect(await w.tokenA.read("balanceOf", [ALICE])).toBe(10n ** 24n - 10n ** 18n);
    expect((await w.inbox.read<string>("erc20Of", [2])).toLowerCase()).toBe(w.tokenB.address.toLowerCase());
    expect(await w.inbox.read("erc20Of", [4])).toBe(`0x${"00".repeat(20)}`);
  });

  it("refuses an unknown token, a zero amount, a forced exit of slot 0xffffffff, and a malformed registry", async () => {
    const w = await world();
    expectError(await w.inbox.send("deposit", [4, 1n, NO_SLOT], { from: ALICE }), "UnknownToken", [4]);
    expectError(await w.inbox.send("deposit", [1, 0n, NO_SLOT], { from: ALICE }), "ZeroAmount");
    expectError(await w.inbox.send("forceExit", [NO_SLOT], { from: ALICE }), "SlotNotEncodable", [NO_SLOT]);
    expectOk(await w.inbox.send("forceExit", [NO_SLOT - 1], { from: ALICE }));
    // a deposit needs the tokens: the ERC-20's revert is the deposit's
    expect((await w.inbox.send("deposit", [1, 10n ** 25n, NO_SLOT], { from: ALICE })).ok).toBe(false);
    expect(await w.inbox.read("messageCount")).toBe(1n);
    const a = loadArtifact("Inbox");
    const t = w.tokenA.address;
    for (const [ids, erc20s] of [
      [[1, 2], [t]],
      [[2 ** 31], [t]],
      [
        [1, 1],
        [t, w.tokenB.address],
      ],
      [[1], [ALICE]],
    ] as const)
      await expect(w.sim.deploy(a, [ids, erc20s]), JSON.stringify(ids)).rejects.toThrow(/BadTokenRegistry/);
    await w.sim.deploy(a, [[2 ** 31 - 1], [t]]);
  });

  it("takes a token that returns nothing, refuses one that returns false or reverts without data", async () => {
    const w = await world();
    expectOk(await w.inbox.send("deposit", [3, 7n, NO_SLOT], { from: ALICE }));
    expect(await w.odd.read("balanceOf", [w.inbox.address])).toBe(7n);
    expectOk(await w.odd.send("setMode", [1]));
    expectError(await w.inbox.send("deposit", [3, 7n, NO_SLOT], { from: ALICE }), "TransferFailed", [w.odd.address]);
    expectOk(await w.odd.send("setMode", [2]));
    expectError(await w.inbox.send("deposit", [3, 7n, NO_SLOT], { from: ALICE }), "TransferFailed", [w.odd.address]);
  });

  it("binds the bridge once, by the deployer only; releases escrow on the bridge's word only", async () => {
    const w = await world();
    await deposit(w, ALICE, 10n ** 18n);
    expectOk(await w.inbox.send("deposit", [3, 9n, NO_SLOT], { from: ALICE }));
    expectError(await w.inbox.send("release", [1, BOB, 1n], { from: BRIDGE }), "NotBridge", [BRIDGE]);
    expectError(await w.inbox.send("bind", [BRIDGE], { from: ALICE }), "NotDeployer", [ALICE]);
    expectError(await w.inbox.send("bind", [`0x${"00".repeat(20)}`], { from: DEPLOYER }), "ZeroBridge");
    expectOk(await w.inbox.send("bind", [BRIDGE], { from: DEPLOYER }));
    expect((await w.inbox.read<string>("bridge")).toLowerCase()).toBe(BRIDGE);
    expectError(await w.inbox.send("bind", [ALICE], { from: DEPLOYER }), "AlreadyBound");
    expectError(await w.inbox.send("release", [1, BOB, 1n], { from: ALICE }), "NotBridge", [ALICE]);
    expectError(await w.inbox.send("release", [1, BOB, 1n], { from: DEPLOYER }), "NotBridge", [DEPLOYER]);
    expectError(await w.inbox.send("release", [5, BOB, 1n], { from: BRIDGE }), "UnknownToken", [5]);
    const r = await w.inbox.send("release", [1, BOB, 4n * 10n ** 17n], { from: BRIDGE });
    expectOk(r);
    expect(r.logs.find((l) => l.eventName === "Released")?.args).toEqual({ token: 1, to: expect.stringMatching(/b0b$/i), amount: 4n * 10n ** 17n });
    expectOk(await w.inbox.send("release", [3, BOB, 9n], { from: BRIDGE })); // the token returning nothing
    expect(await w.tokenA.read("balanceOf", [BOB])).toBe(10n ** 24n + 4n * 10n ** 17n);
    expect(await w.tokenA.read("balanceOf", [w.inbox.address])).toBe(6n * 10n ** 17n);
    expect(await w.odd.read("balanceOf", [w.inbox.address])).toBe(0n);
    expect((await w.inbox.send("release", [1, BOB, 10n ** 18n], { from: BRIDGE })).ok).toBe(false); // more than the escrow
  });
});

function header(r: SimResult): BatchHeader {
  const ev = r.logs.find((l) => l.eventName === "BatchPosted")!;
  const h = ev.args.header as BatchHeader;
  expect(headerHash(h)).toBe(ev.args.headerHash);
  return h;
}

const post = (w: World, index: bigint, inboxCount: number, da: Uint8Array = new Uint8Array([1, 0, 0, 0]), next: Hex = "0x", from = SEQUENCER) =>
  w.batches.send("postBatch", [index, inboxCount, hex(da), next], { from });

describe("Batches (in-process EVM)", () => {
  it("stores one chained header hash per batch at the expected index; only the sequencer posts", async () => {
    const w = await world();
    const da = new Uint8Array([1, 0, 0, 0]);
    expectError(await post(w, 1n, 0, da, "0x", ALICE), "NotSequencer", [ALICE]);
    expectError(await post(w, 0n, 0), "WrongIndex", [1n, 0n]);
    expectError(await post(w, 2n, 0), "WrongIndex", [1n, 2n]);
    const d0 = await deposit(w, ALICE);
    await deposit(w, BOB);
    expectOk(await w.inbox.send("forceExit", [0], { from: ALICE }));
    w.sim.blockNumber = 123n;
    expectError(await post(w, 1n, 1, da, preimageOf(d0)), "BadRecordPreimage", [1n]); // record 0's preimage is not record 1's
    const r2 = await post(w, 1n, 3, da);
    expectOk(r2);
    const h1 = header(r2);
    expect(h1).toEqual({
      index: 1n,
      prevHeaderHash: ZERO32,
      daKind: 0,
      daHash: keccakHex(da),
      daLength: 4,
      inboxStart: 0n,
      inboxCount: 3,
      l1Block: 123n,
      l1Timestamp: w.sim.timestamp,
    });
    expect(await w.batches.read("headerHash", [1n])).toBe(headerHash(h1));
    expectError(await post(w, 1n, 0), "WrongIndex", [2n, 1n]); // no replay
    const r3 = await post(w, 2n, 0, new Uint8Array(0));
    const h2 = header(r3);
    expect(h2.prevHeaderHash).toBe(headerHash(h1));
    expect(h2.inboxStart).toBe(3n);
    expect(h2.daHash).toBe(keccakHex(new Uint8Array(0)));
    expect(await w.batches.read("batchCount")).toBe(2n);
    expect(await w.batches.read("inboxConsumed")).toBe(3n);
  });

  it("checks the inbox range, the DA length and the inbox count", async () => {
    const w = await world();
    await deposit(w, ALICE);
    expectError(await post(w, 1n, 2), "InboxRangeOutOfBounds", [2n, 1n]);
    expectError(await post(w, 1n, 0xffffffff), "InboxCountTooLarge", [0xffffffffn, 1n << 20n]);
    expectError(await post(w, 1n, 1, new Uint8Array(120_001)), "DaTooLarge", [120_001n, 120_000n]);
    expectOk(await post(w, 1n, 1, new Uint8Array(120_000)));
    expectError(await post(w, 2n, 1), "InboxRangeOutOfBounds", [2n, 1n]);
  });

  it("refuses a batch that leaves an overdue message behind; anyone force-includes it, only when one is overdue", async () => {
    const w = await world();
    expectError(await w.batches.send("forceInclude", [0, "0x", "0x"], { from: BOB }), "NothingOverdue");
    const t0 = w.sim.timestamp;
    const d0 = preimageOf(await deposit(w, ALICE));
    w.sim.timestamp += 3600n;
    const d1 = preimageOf(await deposit(w, BOB));
    // not yet overdue: the sequencer may wait, giving the first record left behind
    w.sim.timestamp = t0 + DAY - 1n;
    expectError(await post(w, 1n, 0), "BadRecordPreimage", [0n]);
    expectError(await post(w, 1n, 0, undefined, d1), "BadRecordPreimage", [0n]);
    const forged = hex(recordPreimage(hexToBytes(d0).subarray(0, 45), t0 + DAY)); // a later timestamp
    expectError(await post(w, 1n, 0, undefined, forged), "BadRecordPreimage", [0n]);
    expectError(await w.batches.send("forceInclude", [1, d0, d1], { from: BOB }), "NothingOverdue");
    expectOk(await post(w, 1n, 0, undefined, d0));
    // overdue from t0 + forceDelay on
    w.sim.timestamp = t0 + DAY;
    expectError(await post(w, 2n, 0, undefined, d0), "OverdueMessageSkipped", [0n, t0]);
    expectOk(await post(w, 2n, 1, undefined, d1)); // message 1 is not overdue yet
    w.sim.timestamp = t0 + 3600n + DAY + 5n;
    expectError(await post(w, 3n, 0, undefined, d1), "OverdueMessageSkipped", [1n, t0 + 3600n]);
    // anyone: an empty calldata batch consuming the overdue message
    expectError(await w.batches.send("forceInclude", [1, d0, "0x"], { from: BOB }), "BadRecordPreimage", [1n]);
    const d2 = preimageOf(await deposit(w, ALICE)); // queued now: not overdue
    expectError(await w.batches.send("forceInclude", [0, d1, d1], { from: BOB }), "OverdueMessageSkipped", [1n, t0 + 3600n]);
    const f = await w.batches.send("forceInclude", [1, d1, d2], { from: BOB });
    expectOk(f);
    const h = header(f);
    expect(h).toMatchObject({ index: 3n, daKind: 0, daHash: keccakHex(new Uint8Array(0)), daLength: 0, inboxStart: 1n, inboxCount: 1 });
    expect(await w.batches.read("inboxConsumed")).toBe(2n);
    expectError(await w.batches.send("forceInclude", [1, d2, "0x"], { from: BOB }), "NothingOverdue");
    // it may consume more than the overdue ones, never past the inbox
    w.sim.timestamp += DAY;
    expectError(await w.batches.send("forceInclude", [2, d2, "0x"], { from: BOB }), "InboxRangeOutOfBounds", [4n, 3n]);
    expectOk(await w.batches.send("forceInclude", [1, d2, "0x"], { from: BOB }));
    // a preimage is only read when a message is left behind
    expectOk(await post(w, 5n, 0, undefined, "0x1234"));
  });

  it("takes blob batches naming every blob of the transaction", async () => {
    const w = await world();
    const blobs = [`0x01${"11".repeat(31)}`, `0x01${"22".repeat(31)}`, `0x01${"33".repeat(31)}`] as Hex[];
    const blob = (count: bigint, hashes: Hex[], index = 1n) =>
      w.batches.send("postBlobBatch", [index, 0, 100_000, count, "0x"], { from: SEQUENCER, blobHashes: hashes });
    expectError(await blob(1n, []), "NoBlobs");
    expectError(await blob(0n, blobs.slice(0, 1)), "NoBlobs");
    expectError(await blob(2n, blobs.slice(0, 1)), "BlobIndexOutOfRange", [1n]);
    expectError(await blob(1n, blobs.slice(0, 2)), "BlobIndexOutOfRange", [1n]);
    expectError(await blob(2n, blobs), "BlobIndexOutOfRange", [2n]);
    // D50: a blob batch holds at most 105,000 DA bytes (its costliest step must fit 5M gas)
    expect(await w.batches.read("MAX_BLOB_DA_BYTES")).toBe(BigInt(MAX_BLOB_DA_BYTES));
    expectError(await w.batches.send("postBlobBatch", [1n, 0, 120_001, 1n, "0x"], { from: SEQUENCER, blobHashes: blobs.slice(0, 1) }), "BlobDaTooLarge");
    expectError(
      await w.batches.send("postBlobBatch", [1n, 0, MAX_BLOB_DA_BYTES + 1, 1n, "0x"], { from: SEQUENCER, blobHashes: blobs.slice(0, 1) }),
      "BlobDaTooLarge",
      [BigInt(MAX_BLOB_DA_BYTES + 1), BigInt(MAX_BLOB_DA_BYTES)],
    );
    expectOk(await w.batches.send("postBlobBatch", [1n, 0, MAX_BLOB_DA_BYTES, 1n, "0x"], { from: SEQUENCER, blobHashes: blobs.slice(0, 1) }));
    // a blob count far past the transaction's blobs is the first missing blob, not an allocation failure
    expectError(await blob(1n << 64n, blobs.slice(0, 1), 2n), "BlobIndexOutOfRange", [1n]);
    expectError(await w.batches.send("postBlobBatch", [1n, 0, 1, 1n, "0x"], { from: ALICE, blobHashes: blobs.slice(0, 1) }), "NotSequencer");
    const r = await blob(2n, blobs.slice(0, 2), 2n);
    expectOk(r);
    expect(header(r)).toMatchObject({ daKind: 1, daHash: keccakHex(hexToBytes(`0x${blobs[0]!.slice(2)}${blobs[1]!.slice(2)}`)), daLength: 100_000 });
  });

  it("the committee digest of SPEC §13.6's vector", () => {
    const digest = hashTypedData({
      domain: { name: "l2engine", version: "1", chainId: 1, verifyingContract: "0x5FbDB2315678afecb367f032d93F642f64180aa3" },
      types: COMMITTEE_BATCH_TYPES,
      primaryType: "CommitteeBatch",
      message: { index: 1n, daHash: keccakHex(new Uint8Array(0)), daLength: 0 },
    });
    expect(digest).toBe("0xd419177a19fdf47e9e1a72e6800d31f87a0cd39684618b74a67f33940e8bee7f");
  });

  it("checks a committee quorum: members, strictly increasing, low s, over the digest of this contract and index", async () => {
    const keys = [21, 22, 23, 24].map((i) => `0x${i.toString(16).padStart(64, "0")}` as Hex);
    const accounts = keys.map((k) => privateKeyToAccount(k)).sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
    const [m0, m1, m2, outsider] = accounts as [(typeof accounts)[0], (typeof accounts)[0], (typeof accounts)[0], (typeof accounts)[0]];
    const members = [m0, m1, m2];
    const w = await world({ committee: members.map((a) => a.address), quorum: 2n });
    const daHash = keccakHex(new Uint8Array([9, 9, 9]));
    const domain = { name: "l2engine", version: "1", chainId: 1, verifyingContract: w.batches.address } as const;
    const digestFor = (index: bigint, h: Hex = daHash, len = 3) =>
      hashTypedData({ domain, types: COMMITTEE_BATCH_TYPES, primaryType: "CommitteeBatch", message: { index, daHash: h, daLength: len } });
    expect(await w.batches.read("committeeDigest", [daHash, 3])).toBe(digestFor(1n));
    const sign = async (a: (typeof accounts)[0], digest: Hex) => (await a.sign({ hash: digest })).slice(2);
    const sigs = async (signers: (typeof accounts)[0][], digest = digestFor(1n)) =>
      `0x${(await Promise.all(signers.map((a) => sign(a, digest)))).join("")}` as Hex;
    const postC = (signatures: Hex, index = 1n) => w.batches.send("postCommitteeBatch", [index, 0, daHash, 3, signatures, "0x"], { from: SEQUENCER });

    expectError(await postC(await sigs([m0])), "CommitteeQuorumNotMet", [1n, 2n]);
    expectError(await postC("0x"), "CommitteeQuorumNotMet", [0n, 2n]);
    expectError(await postC(await sigs([m0, outsider].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1)))), "BadCommitteeSignature");
    expectError(await postC(await sigs([m0, m0])), "BadCommitteeSignature", [1n]);
    expectError(await postC(await sigs([m1, m0])), "BadCommitteeSignature", [1n]);
    expectError(await postC(`${await sigs([m0, m1])}00`), "BadCommitteeSignature", [2n]);
    // the high-s twin of a valid signature recovers the same member: refused
    const good = parseSignature(`0x${await sign(m1, digestFor(1n))}`);
    const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const twin = serializeSignature({ r: good.r, s: `0x${(N - BigInt(good.s)).toString(16).padStart(64, "0")}`, yParity: 1 - good.yParity! });
    expectError(await postC(`${await sigs([m0])}${twin.slice(2)}` as Hex), "BadCommitteeSignature", [1n]);
    // signed for another batch index, another data hash, or another contract: recovers someone else
    expectError(await postC(await sigs([m0, m1], digestFor(2n))), "BadCommitteeSignature", [0n]);
    expectError(await postC(await sigs([m0, m1], digestFor(1n, ZERO32))), "BadCommitteeSignature", [0n]);
    const elsewhere = hashTypedData({
      domain: { ...domain, verifyingContract: ALICE },
      types: COMMITTEE_BATCH_TYPES,
      primaryType: "CommitteeBatch",
      message: { index: 1n, daHash, daLength: 3 },
    });
    expectError(await postC(await sigs([m0, m1], elsewhere)), "BadCommitteeSignature", [0n]);
    expectError(await w.batches.send("postCommitteeBatch", [1n, 0, daHash, 3, await sigs([m0, m2]), "0x"], { from: ALICE }), "NotSequencer");
    expectError(await postC(await sigs([m0, m2]), 2n), "WrongIndex", [1n, 2n]);
    const r = await postC(await sigs([m0, m2]));
    expectOk(r);
    expect(header(r)).toMatchObject({ index: 1n, daKind: 2, daHash, daLength: 3 });
    expectOk(await postC(await sigs(members, digestFor(2n)), 2n));

    // no committee: refused; malformed committees refused at deployment
    const plain = await world();
    expectError(await plain.batches.send("postCommitteeBatch", [1n, 0, daHash, 3, await sigs([m0, m1]), "0x"], { from: SEQUENCER }), "NotCommitteeMode");
    const a = loadArtifact("Batches");
    const addrs = members.map((m) => m.address);
    for (const [committee, quorum] of [
      [[addrs[1], addrs[0]], 1n],
      [[addrs[0], addrs[0]], 1n],
      [addrs, 0n],
      [addrs, 4n],
      [[], 1n],
    ] as const)
      await expect(plain.sim.deploy(a, [plain.inbox.address, SEQUENCER, DAY, committee, quorum]), `${committee.length}/${quorum}`).rejects.toThrow(
        /BadCommittee/,
      );
    await expect(plain.sim.deploy(a, [plain.inbox.address, `0x${"00".repeat(20)}`, DAY, [], 0n])).rejects.toThrow(/ZeroSequencer/);
  });
});

// ---------------------------------------------------------------------------------------------
// On anvil: real transactions, real gas, the Sequencer and the Follower.

const ANVIL_DAY = 86_400;

describe("Inbox and Batches on anvil", () => {
  let anvil: Anvil;
  let token: Hex;
  let inbox: Hex;
  let batches: Hex;
  const figures: Record<string, string> = {};
  const users = ANVIL_KEYS.slice(1).map((k) => privateKeyToAccount(k));

  beforeAll(async () => {
    anvil = await Anvil.start();
    token = await anvil.deploy(loadArtifact("TestToken"), ["Test", "TT"]);
    inbox = await anvil.deploy(loadArtifact("Inbox"), [[1], [token]]);
    batches = await anvil.deploy(loadArtifact("Batches"), [inbox, anvil.account.address, BigInt(ANVIL_DAY), [], 0n]);
  }, 30_000);
  afterAll(async () => {
    console.log(
      `l1 figures (anvil receipts, whole transactions):\n  ${Object.entries(figures)
        .map(([k, v]) => `${k}: ${v}`)
        .join("\n  ")}`,
    );
    await anvil?.stop();
  });

  const tokenAbi = () => loadArtifact("TestToken").abi;
  async function send(to: Hex, abi: readonly unknown[], fn: string, args: readonly unknown[], key: Hex = ANVIL_KEYS[0]!) {
    const data = encodeFunctionData({ abi, functionName: fn, args } as never);
    const r = await anvil.transact(to, data, anvil.wallet(key));
    expect(r.status, `${fn} on ${to}`).toBe("success");
    return r;
  }

  it("a deposit costs ≤ 70,000 gas (first into the escrow, first of an account, later; finite or unlimited allowance); a forced exit; messages as the engine encodes them", async () => {
    // users 0 and 1 approve a finite amount (the token decreases it), user 2 an unlimited one
    const allowances = [10n ** 30n, 10n ** 30n, (1n << 256n) - 1n];
    for (const [i, u] of users.entries()) {
      await send(token, tokenAbi(), "mint", [u.address, 10n ** 24n]);
      await send(token, tokenAbi(), "approve", [inbox, allowances[i]], ANVIL_KEYS[i + 1]);
    }
    const first = await send(inbox, INBOX_ABI, "deposit", [1, 10n ** 18n, NO_SLOT], ANVIL_KEYS[1]);
    const firstOfAccount = await send(inbox, INBOX_ABI, "deposit", [1, 2n * 10n ** 18n, NO_SLOT], ANVIL_KEYS[2]);
    const later = await send(inbox, INBOX_ABI, "deposit", [1, 3n * 10n ** 18n, 0], ANVIL_KEYS[1]);
    const exit = await send(inbox, INBOX_ABI, "forceExit", [0], ANVIL_KEYS[2]);
    const unlimitedFirst = await send(inbox, INBOX_ABI, "deposit", [1, 10n ** 18n, NO_SLOT], ANVIL_KEYS[3]);
    const unlimitedLater = await send(inbox, INBOX_ABI, "deposit", [1, 10n ** 18n, NO_SLOT], ANVIL_KEYS[3]);
    figures["l1.gas.deposit"] =
      `finite allowance: first into an empty escrow ${first.gasUsed}, first of an account ${firstOfAccount.gasUsed}, later ${later.gasUsed}; ` +
      `unlimited allowance: first of an account ${unlimitedFirst.gasUsed}, later ${unlimitedLater.gasUsed}`;
    figures["l1.gas.forceExit"] = `${exit.gasUsed}`;
    // l1.gas.deposit ≤ 70,000 with an unlimited allowance; a finite one adds the token's own
    // allowance write (~3,100), the very first deposit of a token the escrow's balance slot (~17,100)
    for (const r of [unlimitedFirst, unlimitedLater, exit]) expect(r.gasUsed).toBeLessThanOrEqual(70_000n);
    for (const r of [firstOfAccount, later]) expect(r.gasUsed).toBeLessThanOrEqual(73_500n);
    const logs = await anvil.publicClient.getContractEvents({ address: inbox, abi: INBOX_ABI, eventName: "MessageQueued", fromBlock: 0n, strict: true });
    expect(logs.map((l) => l.args.message)).toEqual([
      hex(encodeL1Message({ kind: "deposit", owner: users[0]!.address, token: 1, amount: 10n ** 18n })),
      hex(encodeL1Message({ kind: "deposit", owner: users[1]!.address, token: 1, amount: 2n * 10n ** 18n })),
      hex(encodeL1Message({ kind: "deposit", owner: users[0]!.address, token: 1, amount: 3n * 10n ** 18n, slot: 0 })),
      hex(encodeL1Message({ kind: "forcedExit", owner: users[1]!.address, slot: 0 })),
      hex(encodeL1Message({ kind: "deposit", owner: users[2]!.address, token: 1, amount: 10n ** 18n })),
      hex(encodeL1Message({ kind: "deposit", owner: users[2]!.address, token: 1, amount: 10n ** 18n })),
    ]);
    for (const l of logs) {
      const block = await anvil.publicClient.getBlock({ blockNumber: l.blockNumber });
      expect(l.args.l1Timestamp).toBe(block.timestamp);
      const rec = await anvil.call<Hex>(inbox, INBOX_ABI, "record", [l.args.index]);
      expect(rec.value).toBe(keccakHex(recordPreimage(hexToBytes(l.args.message), l.args.l1Timestamp)));
    }
  }, 60_000);

  it("a sequencer skipping an overdue message cannot post; anyone force-includes it; a follower from genesis reaches the sequencer's state root", async () => {
    // The L2 chain: 16 genesis slots of the test keys; transactions signed for this inbox's domain.
    const keys = [11, 12, 13, 14].map((i) => `0x${i.toString(16).padStart(64, "0")}` as Hex);
    const owners = keys.map(addressOf);
    const domain = { chainId: BigInt(ANVIL_CHAIN_ID), verifyingContract: inbox };
    const rng = new Rng(7);
    const genesis = Array.from({ length: 16 }, (_, i) => ({ owner: owners[i % 4]!, token: 1 + (i % 2), balance: rng.big(10n ** 24n), nonce: 0n }));
    const engine = Engine.create({ genesis, ...domain, recovery: nodeRecovery });
    const sequencer = new Sequencer(anvil.publicClient, anvil.walletClient as never, { inbox, batches });
    const follower = new Follower(anvil.publicClient, { inbox, batches });
    const consumed = async () => anvil.call<bigint>(batches, BATCHES_ABI, "inboxConsumed", []).then((r) => r.value!);
    const messagesFrom = async (start: bigint): Promise<L1Message[]> => {
      const logs = await anvil.publicClient.getContractEvents({ address: inbox, abi: INBOX_ABI, eventName: "MessageQueued", fromBlock: 0n, strict: true });
      return logs
        .filter((l) => l.args.index >= start)
        .map((l) => {
          const m = hexToBytes(l.args.message);
          return m[0] === 0
            ? {
                kind: "deposit" as const,
                owner: l.args.owner,
                token: 1,
                amount: BigInt(hex(m.subarray(25, 41))),
                ...(m[44] === 0xff ? {} : { slot: Number(BigInt(hex(m.subarray(41, 45)))) }),
              }
            : { kind: "forcedExit" as const, owner: l.args.owner, slot: Number(BigInt(hex(m.subarray(21, 25)))) };
        });
    };
    const sequence = async (b: number, options: { da?: Uint8Array } = {}) => {
      const work = signedWorkload(700 + b, engine, 24, keys, owners, domain);
      const batch: Batch = { feePairs: work.feePairs, l1Messages: await messagesFrom(await consumed()), txs: work.txs };
      const posted = await sequencer.postBatch(batch, options);
      const { batch: d } = deriveBatch(posted.da, { start: posted.header.inboxStart, count: posted.header.inboxCount });
      engine.applyBatch({ feePairs: d.feePairs, l1Messages: batch.l1Messages, txs: d.txs });
      return posted;
    };

    // the sequencer checks its batch's messages against the inbox before sending anything
    const wrong = sequencer.postBatch({ feePairs: [], l1Messages: [{ kind: "forcedExit", owner: ALICE, slot: 9 }], txs: [] });
    await expect(wrong).rejects.toThrow(/l1Messages\[0\] is not inbox message 0/);
    await expect(wrong).rejects.toMatchObject({ code: "L1_FAILED", fault: "MISMATCH" });
    // batch 1: the deposits and the forced exit of the previous test, transactions
    const p1 = await sequence(1);
    expect(p1.header.inboxCount).toBeGreaterThanOrEqual(4);
    // batch 2: a deposit and a forced exit of a genesis slot queued, then transactions
    await send(inbox, INBOX_ABI, "deposit", [1, 7n * 10n ** 18n, 0], ANVIL_KEYS[3]);
    await send(inbox, INBOX_ABI, "forceExit", [2], ANVIL_KEYS[3]);
    await sequence(2);
    // batch 3: DA bytes that do not decode (a trailing byte): its messages still run
    await send(inbox, INBOX_ABI, "deposit", [1, 10n ** 18n, NO_SLOT], ANVIL_KEYS[1]);
    const work3 = signedWorkload(703, engine, 8, keys, owners, domain);
    const bad = new Uint8Array([...encodeBatch(work3), 0]);
    expect(deriveBatch(bad, { start: 0n, count: 0 }).error).not.toBeNull();
    await sequence(3, { da: bad });
    // a message the sequencer leaves for a day: it can no longer post without it; anyone force-includes it
    await send(inbox, INBOX_ABI, "deposit", [1, 5n * 10n ** 18n, NO_SLOT], ANVIL_KEYS[2]);
    const skipped = await consumed();
    await anvil.increaseTime(ANVIL_DAY + 1);
    const work4 = signedWorkload(704, engine, 8, keys, owners, domain);
    const skipping = sequencer.postBatch({ feePairs: work4.feePairs, l1Messages: [], txs: work4.txs });
    await expect(skipping).rejects.toThrow(L1Error);
    await expect(skipping).rejects.toThrow(new RegExp(`OverdueMessageSkipped\\(${skipped}, `));
    const logs = await anvil.publicClient.getContractEvents({ address: inbox, abi: INBOX_ABI, eventName: "MessageQueued", fromBlock: 0n, strict: true });
    const overdue = logs.find((l) => l.args.index === skipped)!;
    const overduePreimage = hex(recordPreimage(hexToBytes(overdue.args.message), overdue.args.l1Timestamp));
    const forced = await send(batches, BATCHES_ABI, "forceInclude", [1, overduePreimage, "0x"], ANVIL_KEYS[3]);
    figures["forceInclude"] = `${forced.gasUsed}`;
    engine.applyBatch({ feePairs: [], l1Messages: await messagesFrom(skipped), txs: [] });
    // the sequencer carries on at the next index
    await send(inbox, INBOX_ABI, "forceExit", [1], ANVIL_KEYS[1]);
    await sequence(5);

    const followed = Engine.create({ genesis, ...domain, recovery: nodeRecovery });
    const applied = await follower.follow(followed);
    expect(applied.map((a) => a.batch.header.index)).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(applied[2]!.batch.decodeError?.fault).toBe("TRAILING_BYTES");
    expect(applied[2]!.batch.batch.txs).toEqual([]);
    expect(applied[3]!.batch.header).toMatchObject({ daLength: 0, inboxStart: skipped, inboxCount: 1 });
    expect(applied.flatMap((a) => a.batch.batch.l1Messages.map((m) => m.kind))).toContain("forcedExit");
    expect(followed.stateRoot()).toBe(engine.stateRoot());
    expect(await follower.follow(followed)).toEqual([]); // nothing new
    engine.dispose();
    followed.dispose();
  }, 120_000);
  it("l1.gas.submitBatchPerTx: a full calldata batch of real signed transfers; a committee batch", async () => {
    const inbox2 = await anvil.deploy(loadArtifact("Inbox"), [[1], [token]]);
    const batches2 = await anvil.deploy(loadArtifact("Batches"), [inbox2, anvil.account.address, BigInt(ANVIL_DAY), [], 0n]);
    const keys = [31, 32, 33, 34].map((i) => `0x${i.toString(16).padStart(64, "0")}` as Hex);
    const domain = { chainId: BigInt(ANVIL_CHAIN_ID), verifyingContract: inbox2 };
    // transfers as users send them: 4 significant digits, a small fee, sequential nonces
    const { genesis, batch } = fullTransferBatch(keys, domain);
    const txs = batch.txs;
    const engine = Engine.create({ genesis, ...domain, recovery: nodeRecovery });
    const result = engine.applyBatch(batch);
    expect(result.receipts.every((r) => r.status === 0)).toBe(true);
    engine.dispose();
    const sequencer = new Sequencer(anvil.publicClient, anvil.walletClient as never, { inbox: inbox2, batches: batches2 });
    const posted = await sequencer.postBatch(batch);
    const perTx = Number(posted.gasUsed) / txs.length;
    figures["l1.gas.submitBatchPerTx"] = `${perTx.toFixed(0)} (${txs.length} transfers in ${posted.da.length} DA bytes, transaction ${posted.gasUsed})`;
    expect(posted.da.length).toBeGreaterThan(MAX_L1_DA_BYTES - 200);
    expect(perTx).toBeLessThanOrEqual(3_200);

    // a committee batch (quorum 2 of 3) of the same data
    const members = [41, 42, 43]
      .map((i) => privateKeyToAccount(`0x${i.toString(16).padStart(64, "0")}`))
      .sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
    const batches3 = await anvil.deploy(loadArtifact("Batches"), [inbox2, anvil.account.address, BigInt(ANVIL_DAY), members.map((m) => m.address), 2n]);
    const daHash = keccakHex(posted.da);
    const digest = hashTypedData({
      domain: { name: "l2engine", version: "1", chainId: ANVIL_CHAIN_ID, verifyingContract: batches3 },
      types: COMMITTEE_BATCH_TYPES,
      primaryType: "CommitteeBatch",
      message: { index: 1n, daHash, daLength: posted.da.length },
    });
    expect((await anvil.call<Hex>(batches3, BATCHES_ABI, "committeeDigest", [daHash, posted.da.length])).value).toBe(digest);
    const signatures = `0x${(await Promise.all(members.slice(0, 2).map((m) => m.sign({ hash: digest })))).map((x) => x.slice(2)).join("")}` as Hex;
    const committee = await send(batches3, BATCHES_ABI, "postCommitteeBatch", [1n, 0, daHash, posted.da.length, signatures, "0x"]);
    figures["committee batch"] = `${committee.gasUsed} (2 signatures)`;
    // a follower gets committee data from its holder, checked against the header
    await expect(new Follower(anvil.publicClient, { inbox: inbox2, batches: batches3 }).batches()).rejects.toMatchObject({ fault: "DA_UNAVAILABLE" });
    const tampered = posted.da.slice();
    tampered[5]! ^= 1;
    await expect(new Follower(anvil.publicClient, { inbox: inbox2, batches: batches3 }, async () => tampered).batches()).rejects.toMatchObject({
      fault: "MISMATCH",
    });
    const [c] = await new Follower(anvil.publicClient, { inbox: inbox2, batches: batches3 }, async () => posted.da).batches();
    expect(c!.batch.txs.length).toBe(txs.length);
    expect(c!.header.daKind).toBe(2);
  }, 120_000);
});
