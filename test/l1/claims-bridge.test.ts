// Claims.sol and Bridge.sol (docs/SPEC.md §13.8–§13.9) on the in-process EVM, against stubs of the
// batch contract, the inbox escrow and the dispute game (contracts/test/ClaimsTestStubs.sol). The
// withdrawals, slots and claims are the engine's: a batch of forced exits, a withdrawal and a pool
// is traced and its claim proposed, confirmed and paid out; then the rollup freezes and the last
// confirmed state is exited and unconsumed deposits refunded. Every check of both contracts has a
// test here that fails without it (test/l1/claims-bridge-mutants.mjs removes each in turn).
import { beforeAll, describe, expect, it } from "vitest";
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Hex } from "viem";
import { Engine, addressOf, signTransaction, toHex, type Batch, type L1Message, type Withdrawal } from "../../src/index.js";
import { encodeClaim, encodeHeader, encodeL1Message, headerHash, type BatchHeader, type Claim } from "../../src/protocol/l1-records.js";
import { claimForBatch, refundArgs, slotExitArgs, withdrawalArgs, type EncodedClaim } from "../../src/l1/bridge.js";
import { ALICE, BOB, CAROL, DEPLOYER, L1, ONE_ETHER, largeWithdrawalTree, type Contract, type Outcome } from "./claims-evm.js";

const DAY = 86_400n;
const WINDOW = 7n * DAY;
const ESCAPE = 28n * DAY;
const BOND = ONE_ETHER / 4n;
const BURN_BPS = 2000n;
const ZERO = `0x${"00".repeat(32)}` as Hex;
const EMPTY_ROOT = "0x7e7b6055cf98e1f11e73d255568d365db03e1ec0ebfc0f43e75ec2136e76dad9" as Hex;

const h = (s: string | Uint8Array) => toHex(keccak_256(typeof s === "string" ? new TextEncoder().encode(s) : s));
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const bytes = (x: Hex) => Uint8Array.from(Buffer.from(x.slice(2), "hex"));
const u32 = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
};
const figures: Record<string, bigint> = {};

/** A claim valid on its face (its roots open its final commitment) with made-up roots. */
function synthetic(
  batchIndex: bigint,
  headerHash_: Hex,
  parent: Hex,
  salt: string,
  roots: { withdrawalsRoot?: Hex; withdrawalCount?: number } = {},
): EncodedClaim {
  const postStateRoot = h(`post ${salt}`);
  const withdrawalsRoot = roots.withdrawalsRoot ?? EMPTY_ROOT;
  const withdrawalCount = roots.withdrawalCount ?? 0;
  const contextHash = h(`context ${salt}`);
  const claim: Claim = {
    batchIndex,
    headerHash: headerHash_,
    parentClaimHash: parent,
    stepCount: 1,
    traceRoot: h(`trace ${salt}`),
    finalCommitment: h(cat(bytes(postStateRoot), bytes(withdrawalsRoot), u32(withdrawalCount), bytes(contextHash))),
    postStateRoot,
    withdrawalsRoot,
    withdrawalCount,
    contextHash,
  };
  const b = encodeClaim(claim);
  return { claim, bytes: toHex(b), hash: h(b) };
}

interface Rollup {
  l1: L1;
  batches: Contract;
  inbox: Contract;
  claims: Contract;
  game: Contract;
  bridge: Contract;
  t1: Contract;
  t2: Contract;
}

async function deploy(genesisStateRoot: Hex = h("genesis")): Promise<Rollup> {
  const l1 = await L1.create();
  const batches = await l1.deploy("ClaimsBatchesStub");
  const inbox = await l1.deploy("ClaimsInboxStub");
  const claims = await l1.deploy("Claims", [batches.address, genesisStateRoot, BOND, WINDOW, ESCAPE, Number(BURN_BPS)]);
  const game = await l1.deploy("ClaimsGameStub", [claims.address]);
  expect((await claims.send("bind", [game.address], { from: DEPLOYER })).ok).toBe(true);
  const bridge = await l1.deploy("Bridge", [claims.address, batches.address, inbox.address]);
  await inbox.send("bind", [bridge.address]);
  const t1 = await l1.deploy("ClaimsTestToken");
  const t2 = await l1.deploy("ClaimsTestToken");
  await inbox.send("setToken", [1, t1.address]);
  await inbox.send("setToken", [2, t2.address]);
  await t1.send("mint", [inbox.address, 10n ** 30n]);
  await t2.send("mint", [inbox.address, 10n ** 30n]);
  return { l1, batches, inbox, claims, game, bridge, t1, t2 };
}

function expectError(r: Outcome, name: string): void {
  expect(r.ok, `expected ${name}`).toBe(false);
  expect(r.error).toBe(name);
}

async function propose(r: Rollup, c: EncodedClaim, from: Hex = ALICE, value = BOND): Promise<Outcome> {
  return r.claims.send("propose", [c.bytes], { from, value });
}

const status = async (r: Rollup, c: EncodedClaim) => Number(await r.claims.read<number>("status", [c.hash]));
const PENDING = 1;
const CONFIRMED = 2;
const REJECTED = 3;

describe("Claims", () => {
  let r: Rollup;
  const hh = [ZERO, h("header 1"), h("header 2"), h("header 3")] as Hex[];
  beforeAll(async () => {
    r = await deploy();
  });
  async function fresh(): Promise<Rollup> {
    const x = await deploy();
    for (let i = 1; i <= 3; i++) await x.batches.send("setHeaderHash", [BigInt(i), hh[i]]);
    return x;
  }

  it("takes exactly claimBond wei and a 240-byte claim", async () => {
    const x = await fresh();
    const c = synthetic(1n, hh[1]!, ZERO, "a");
    expectError(await propose(x, c, ALICE, BOND - 1n), "WrongBond");
    expectError(await propose(x, c, ALICE, BOND + 1n), "WrongBond");
    expectError(await x.claims.send("propose", [`${c.bytes}00`], { value: BOND }), "BadClaimLength");
    expectError(await x.claims.send("propose", [c.bytes.slice(0, -2)], { value: BOND }), "BadClaimLength");
    const ok = await propose(x, c);
    expect(ok.ok).toBe(true);
    expect(ok.value).toBe(c.hash);
    expect(await x.l1.balance(x.claims.address)).toBe(BOND);
    expect(ok.logs.map((l) => l.eventName)).toEqual(["ClaimProposed"]);
    expect(ok.logs[0]!.args.claim).toBe(c.bytes);
    expect(await status(x, c)).toBe(PENDING);
    expect((await x.claims.read<string>("proposerOf", [c.hash])).toLowerCase()).toBe(ALICE);
    expect(await x.claims.read<bigint>("batchIndexOf", [c.hash])).toBe(1n);
    expect(await x.claims.read<bigint>("windowEnd", [c.hash])).toBe(x.l1.now + WINDOW);
    expectError(await propose(x, c), "ClaimExists");
    figures["propose (on genesis: the parent word stays zero)"] = ok.txGas;
  });

  it("refuses a claim whose header hash is not the batch's, or names an unposted batch", async () => {
    const x = await fresh();
    expectError(await propose(x, synthetic(1n, hh[2]!, ZERO, "b")), "HeaderMismatch");
    // batch 4 is not posted: its header hash reads zero, and a zero header hash must not match it
    const c1 = synthetic(1n, hh[1]!, ZERO, "b1");
    await propose(x, c1);
    await propose(x, synthetic(2n, hh[2]!, c1.hash, "b2"));
    const c3 = synthetic(3n, hh[3]!, ZERO, "b3");
    expectError(await propose(x, synthetic(4n, ZERO, c3.hash, "b4")), "HeaderMismatch");
    // past 2^32 no batch can be posted (the record keeps 32 bits of the index)
    await x.batches.send("setHeaderHash", [(1n << 32n) + 1n, hh[1]]);
    expectError(await propose(x, synthetic((1n << 32n) + 1n, hh[1]!, ZERO, "b5")), "HeaderMismatch");
  });

  it("refuses a bad parent: zero past batch 1, unknown, or of another batch", async () => {
    const x = await fresh();
    expectError(await propose(x, synthetic(2n, hh[2]!, ZERO, "p")), "BadParent");
    expectError(await propose(x, synthetic(2n, hh[2]!, h("nobody"), "p")), "BadParent");
    const c1 = synthetic(1n, hh[1]!, ZERO, "p1");
    expect((await propose(x, c1)).ok).toBe(true);
    expectError(await propose(x, synthetic(3n, hh[3]!, c1.hash, "p3")), "BadParent");
    const c2 = synthetic(2n, hh[2]!, c1.hash, "p2");
    expect((await propose(x, c2)).ok).toBe(true);
    // a second claim for batch 1 cannot build on batch 1's claim either
    expectError(await propose(x, synthetic(1n, hh[1]!, c1.hash, "p1'")), "BadParent");
    expect((await propose(x, synthetic(3n, hh[3]!, c2.hash, "p3"))).ok).toBe(true);
  });

  it("refuses a claim whose roots do not open its final commitment", async () => {
    const x = await fresh();
    const c = synthetic(1n, hh[1]!, ZERO, "f");
    for (const field of ["finalCommitment", "postStateRoot", "withdrawalsRoot", "contextHash"] as const) {
      const bad = { ...c.claim, [field]: h(`forged ${field}`) };
      expectError(await x.claims.send("propose", [toHex(encodeClaim(bad))], { value: BOND }), "FinalCommitmentMismatch");
    }
    const badCount = { ...c.claim, withdrawalCount: 1 };
    expectError(await x.claims.send("propose", [toHex(encodeClaim(badCount))], { value: BOND }), "FinalCommitmentMismatch");
  });

  it("confirms after the window, with its parent confirmed, and returns the bond by pull", async () => {
    const x = await fresh();
    const t0 = x.l1.now;
    const c1 = synthetic(1n, hh[1]!, ZERO, "w1");
    await propose(x, c1, BOB);
    x.l1.now = t0 + 100n;
    const c2 = synthetic(2n, hh[2]!, c1.hash, "w2");
    figures.propose = (await propose(x, c2, CAROL)).txGas; // a claim on a parent: both record words written
    x.l1.now = t0 + WINDOW - 1n;
    expectError(await x.claims.send("confirm", [c1.hash]), "WindowOpen");
    x.l1.now = t0 + WINDOW + 100n;
    // c2's window passed, but its parent is not confirmed yet
    expectError(await x.claims.send("confirm", [c2.hash]), "ParentNotConfirmed");
    x.l1.now = t0 + WINDOW;
    const ok = await x.claims.send("confirm", [c1.hash]);
    expect(ok.ok).toBe(true);
    figures["confirm (the first: fresh storage for the last claim and the bond's credit)"] = ok.txGas;
    expect(ok.logs.map((l) => l.eventName)).toEqual(["ClaimConfirmed"]);
    expect(await status(x, c1)).toBe(CONFIRMED);
    expect(await x.claims.read<Hex>("confirmedClaim", [1n])).toBe(c1.hash);
    expect(await x.claims.read<unknown[]>("lastConfirmed")).toEqual([1n, c1.hash, t0 + WINDOW]);
    expectError(await x.claims.send("confirm", [c1.hash]), "NotPending");
    expectError(await x.claims.send("confirm", [h("unknown")]), "NotPending");
    x.l1.now = t0 + WINDOW + 100n;
    await x.claims.send("withdrawBalance", [], { from: CAROL }); // CAROL holds no balance: its credit is fresh storage again
    const second = await x.claims.send("confirm", [c2.hash]);
    expect(second.ok).toBe(true);
    figures.confirm = second.txGas;
    expect(await x.claims.read<unknown[]>("lastConfirmed")).toEqual([2n, c2.hash, t0 + WINDOW + 100n]);
    // pull: nothing was sent; each proposer withdraws its bond
    expect(await x.claims.read<bigint>("balanceOf", [BOB])).toBe(BOND);
    const before = await x.l1.balance(BOB);
    const w = await x.claims.send("withdrawBalance", [], { from: BOB });
    expect(w.ok).toBe(true);
    expect((await x.l1.balance(BOB)) - before).toBe(BOND);
    expect(await x.claims.read<bigint>("balanceOf", [BOB])).toBe(0n);
    expectError(await x.claims.send("withdrawBalance", [], { from: BOB }), "NothingToWithdraw");
  });

  it("confirms one claim per batch: a rival is refused at confirm and at propose", async () => {
    const x = await fresh();
    const t0 = x.l1.now;
    const a = synthetic(1n, hh[1]!, ZERO, "rival a");
    const b = synthetic(1n, hh[1]!, ZERO, "rival b");
    await propose(x, a, BOB);
    await propose(x, b, CAROL);
    x.l1.now = t0 + WINDOW;
    expect((await x.claims.send("confirm", [a.hash])).ok).toBe(true);
    expectError(await x.claims.send("confirm", [b.hash]), "BatchAlreadyConfirmed");
    expectError(await propose(x, synthetic(1n, hh[1]!, ZERO, "rival c")), "BatchAlreadyConfirmed");
    // the rival can never confirm: it is retired and its bond returned
    const ret = await x.claims.send("retire", [b.hash]);
    expect(ret.ok).toBe(true);
    expect(ret.logs.map((l) => l.eventName)).toEqual(["ClaimRetired"]);
    expect(await status(x, b)).toBe(REJECTED);
    expect(await x.claims.read<bigint>("balanceOf", [CAROL])).toBe(BOND);
    expectError(await x.claims.send("retire", [b.hash]), "NotPending");
  });

  it("only the bound game opens and resolves games; a game opens only inside the window", async () => {
    const x = await fresh();
    expectError(await x.claims.send("bind", [CAROL], { from: DEPLOYER }), "AlreadyBound");
    const t0 = x.l1.now;
    const c = synthetic(1n, hh[1]!, ZERO, "g");
    await propose(x, c);
    expectError(await x.claims.send("gameOpened", [c.hash], { from: BOB }), "NotGame");
    expectError(await x.claims.send("gameResolved", [c.hash, false, BOB], { from: BOB }), "NotGame");
    expectError(await x.game.send("open", [h("unknown")]), "NotPending");
    expectError(await x.game.send("resolve", [c.hash, true, BOB]), "NoOpenGame");
    x.l1.now = t0 + WINDOW;
    expectError(await x.game.send("open", [c.hash]), "WindowClosed");
    x.l1.now = t0 + WINDOW - 1n;
    expect((await x.game.send("open", [c.hash])).ok).toBe(true);
    expect(await x.claims.read<bigint>("openGames", [c.hash])).toBe(1n);
    // before bind nobody may call the hooks, and only the deployer may bind
    const y = await x.l1.deploy("Claims", [x.batches.address, ZERO, BOND, WINDOW, ESCAPE, 0]);
    expectError(await y.send("gameOpened", [c.hash], { from: BOB }), "NotGame");
    expectError(await y.send("bind", [BOB], { from: ALICE }), "NotDeployer");
  });

  it("an open game blocks confirmation until the proposer wins it", async () => {
    const x = await fresh();
    const t0 = x.l1.now;
    const c = synthetic(1n, hh[1]!, ZERO, "open");
    await propose(x, c);
    await x.game.send("open", [c.hash]);
    await x.game.send("open", [c.hash]);
    x.l1.now = t0 + WINDOW;
    expectError(await x.claims.send("confirm", [c.hash]), "GamesOpen");
    expectError(await x.claims.send("retire", [c.hash]), "GamesOpen");
    await x.game.send("resolve", [c.hash, true, BOB]);
    expectError(await x.claims.send("confirm", [c.hash]), "GamesOpen");
    await x.game.send("resolve", [c.hash, true, CAROL]);
    expect((await x.claims.send("confirm", [c.hash])).ok).toBe(true);
    expect(await x.claims.read<bigint>("balanceOf", [BOB])).toBe(0n);
  });

  it("a lost game rejects the claim once and credits the challenger the bond less the burn (pull)", async () => {
    const x = await fresh();
    const t0 = x.l1.now;
    const proposer = await x.l1.deploy("ClaimsRefusingProposer");
    const c = synthetic(1n, hh[1]!, ZERO, "lost");
    expect((await proposer.send("propose", [x.claims.address, c.bytes], { value: BOND })).ok).toBe(true);
    await x.game.send("open", [c.hash]);
    await x.game.send("open", [c.hash]);
    const lost = await x.game.send("resolve", [c.hash, false, BOB]);
    expect(lost.ok).toBe(true);
    expect(lost.logs.map((l) => l.eventName)).toEqual(["ClaimRejected"]);
    expect((lost.logs[0]!.args.winner as string).toLowerCase()).toBe(BOB);
    expect(await status(x, c)).toBe(REJECTED);
    const burn = (BOND * BURN_BPS) / 10_000n;
    expect(await x.claims.read<bigint>("balanceOf", [BOB])).toBe(BOND - burn);
    expect(await x.claims.read<bigint>("burned")).toBe(burn);
    // the second game against the rejected claim is lost too: nothing more is paid or burned
    const again = await x.game.send("resolve", [c.hash, false, CAROL]);
    expect(again.ok).toBe(true);
    expect(again.logs).toEqual([]);
    expect(await x.claims.read<bigint>("balanceOf", [CAROL])).toBe(0n);
    expect(await x.claims.read<bigint>("burned")).toBe(burn);
    expect(await x.claims.read<bigint>("balanceOf", [proposer.address])).toBe(0n);
    x.l1.now = t0 + WINDOW;
    expectError(await x.claims.send("confirm", [c.hash]), "NotPending");
    // the winner pulls its bounty; the burn stays in the contract
    const before = await x.l1.balance(BOB);
    expect((await x.claims.send("withdrawBalance", [], { from: BOB })).ok).toBe(true);
    expect((await x.l1.balance(BOB)) - before).toBe(BOND - burn);
    expect(await x.l1.balance(x.claims.address)).toBe(burn);
  });

  it("a proposer that refuses ETH blocks nothing: its bond is credited, and only its own pull fails", async () => {
    const x = await fresh();
    const t0 = x.l1.now;
    const proposer = await x.l1.deploy("ClaimsRefusingProposer");
    const c = synthetic(1n, hh[1]!, ZERO, "refuser");
    await proposer.send("propose", [x.claims.address, c.bytes], { value: BOND });
    x.l1.now = t0 + WINDOW;
    expect((await x.claims.send("confirm", [c.hash])).ok).toBe(true);
    expect(await x.claims.read<bigint>("balanceOf", [proposer.address])).toBe(BOND);
    expectError(await proposer.send("withdraw", [x.claims.address]), "TransferFailed");
    expect(await x.claims.read<bigint>("balanceOf", [proposer.address])).toBe(BOND);
  });

  it("retires a claim whose parent was rejected, never a live one", async () => {
    const x = await fresh();
    const c1 = synthetic(1n, hh[1]!, ZERO, "r1");
    await propose(x, c1, BOB);
    const c2 = synthetic(2n, hh[2]!, c1.hash, "r2");
    await propose(x, c2, CAROL);
    expectError(await x.claims.send("retire", [c2.hash]), "StillLive");
    expectError(await x.claims.send("retire", [c1.hash]), "StillLive");
    await x.game.send("open", [c1.hash]);
    await x.game.send("resolve", [c1.hash, false, ALICE]);
    expect((await x.claims.send("retire", [c2.hash])).ok).toBe(true);
    expect(await x.claims.read<bigint>("balanceOf", [CAROL])).toBe(BOND);
    // a child of the retired claim is retired in turn
    const c3 = synthetic(3n, hh[3]!, c2.hash, "r3");
    await propose(x, c3, BOB);
    expect((await x.claims.send("retire", [c3.hash])).ok).toBe(true);
    expect(await x.claims.read<bigint>("balanceOf", [BOB])).toBe(BOND);
    expectError(await x.claims.send("retire", [h("unknown")]), "NotPending");
  });

  it("freezes escapeDelay after the last confirmation, for good: no proposal, no confirmation", async () => {
    const x = await fresh();
    const t0 = x.l1.now;
    const c1 = synthetic(1n, hh[1]!, ZERO, "z1");
    await propose(x, c1);
    x.l1.now = t0 + WINDOW;
    await x.claims.send("confirm", [c1.hash]);
    const c2 = synthetic(2n, hh[2]!, c1.hash, "z2");
    await propose(x, c2, BOB);
    x.l1.now = t0 + WINDOW + ESCAPE;
    expect(await x.claims.read<boolean>("frozen")).toBe(false);
    x.l1.now = t0 + WINDOW + ESCAPE + 1n;
    expect(await x.claims.read<boolean>("frozen")).toBe(true);
    expectError(await propose(x, synthetic(2n, hh[2]!, c1.hash, "z2'")), "Frozen");
    expectError(await x.claims.send("confirm", [c2.hash]), "Frozen");
    // c2 can never confirm now: its bond comes back
    expect((await x.claims.send("retire", [c2.hash])).ok).toBe(true);
    expect(await x.claims.read<bigint>("balanceOf", [BOB])).toBe(BOND);
    x.l1.now += 365n * DAY;
    expect(await x.claims.read<boolean>("frozen")).toBe(true);
    // with nothing ever confirmed, the delay runs from deployment
    const y = await fresh();
    y.l1.now += ESCAPE + 1n;
    expectError(await propose(y, synthetic(1n, hh[1]!, ZERO, "late")), "Frozen");
  });

  it("freezes 2^32 s after deployment at the latest, before a claim's 32-bit proposal time wraps", async () => {
    const l1 = await L1.create();
    const batches = await l1.deploy("ClaimsBatchesStub");
    const claims = await l1.deploy("Claims", [batches.address, ZERO, BOND, WINDOW, 1n << 40n, 0]);
    await batches.send("setHeaderHash", [1n, hh[1]]);
    l1.now += (1n << 32n) - 1n;
    expect(await claims.read<boolean>("frozen")).toBe(false);
    l1.now += 1n;
    expect(await claims.read<boolean>("frozen")).toBe(true);
    expectError(await claims.send("propose", [synthetic(1n, hh[1]!, ZERO, "wrap").bytes], { value: BOND }), "Frozen");
  });

  it("refuses a burn share above the whole bond", async () => {
    const l1 = await L1.create();
    await expect(l1.deploy("Claims", [ALICE, ZERO, BOND, WINDOW, ESCAPE, 10_001])).rejects.toThrow(/deploy Claims failed/);
    expect(r.claims.address).toMatch(/^0x/);
  });
});

// ---------------------------------------------------------------------------------------------
// The bridge, on an engine batch.

const KEY_A = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" as Hex;
const KEY_B = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" as Hex;
const A = addressOf(KEY_A);
const B = addressOf(KEY_B);
/** Forced exits in batch 1: > 4^5, so a withdrawal's proof has non-zero siblings on 6 levels. */
const N = 1100;
const domain = { name: "l2engine", version: "1", chainId: 1, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Hex };

describe("Bridge", () => {
  let r: Rollup;
  let engine: Engine;
  let genesisStateRoot: Hex;
  let c1: EncodedClaim;
  let c2: EncodedClaim;
  let withdrawals: Withdrawal[];
  let header1: BatchHeader;
  let pool: number;
  const messages: { m: L1Message; t: bigint }[] = [];
  let t0: bigint;

  beforeAll(async () => {
    engine = Engine.create({
      ...domain,
      genesis: [
        ...Array.from({ length: N }, (_, i) => ({ owner: A, token: 1, balance: 1000n + BigInt(i), nonce: 0n })),
        { owner: A, token: 1, balance: 1_000_000n, nonce: 0n },
        { owner: A, token: 1, balance: 1_000_000n, nonce: 0n },
        { owner: A, token: 2, balance: 1_000_000n, nonce: 0n },
        { owner: B, token: 2, balance: 500n, nonce: 0n },
      ],
    });
    genesisStateRoot = engine.stateRoot();
    r = await deploy(genesisStateRoot);
    t0 = r.l1.now;
    // inbox: batch 1 consumes 0 … N+1, batch 2 consumes N+2, N+3; N+4 is never consumed
    const batch1Msgs: L1Message[] = [
      { kind: "deposit", owner: A, token: 1, amount: 5n },
      { kind: "deposit", owner: B, token: 2, amount: 9n },
      ...Array.from({ length: N }, (_, i): L1Message => ({ kind: "forcedExit", owner: A, slot: i })),
    ];
    const later: L1Message[] = [
      { kind: "deposit", owner: B, token: 2, amount: 42n },
      { kind: "forcedExit", owner: B, slot: N + 3 },
      { kind: "deposit", owner: A, token: 1, amount: 77n },
    ];
    for (const m of [...batch1Msgs, ...later]) {
      const t = t0 - 1000n + BigInt(messages.length);
      messages.push({ m, t });
      const msg = encodeL1Message(m);
      const stamp = new Uint8Array(8);
      new DataView(stamp.buffer).setBigUint64(0, t);
      await r.inbox.send("push", [h(cat(msg, stamp))]);
    }
    const batch1: Batch = {
      feePairs: [],
      l1Messages: batch1Msgs,
      txs: [
        signTransaction({ type: "withdraw", from: N, amount: 100n, fee: 0n, nonce: 0n }, KEY_A, domain),
        signTransaction({ type: "createPool", fromA: N + 1, fromB: N + 2, amountA: 10_000n, amountB: 20_000n, feeBps: 30, nonce: 0n }, KEY_A, domain),
      ],
    };
    header1 = {
      index: 1n,
      prevHeaderHash: ZERO,
      daKind: 0,
      daHash: h("da 1"),
      daLength: 10,
      inboxStart: 0n,
      inboxCount: N + 2,
      l1Block: 90n,
      l1Timestamp: t0 - 10n,
    };
    const header2: BatchHeader = { ...header1, index: 2n, prevHeaderHash: headerHash(header1), daHash: h("da 2"), inboxStart: BigInt(N + 2), inboxCount: 2 };
    await r.batches.send("setHeaderHash", [1n, headerHash(header1)]);
    await r.batches.send("setHeaderHash", [2n, headerHash(header2)]);
    const pre = engine.slotCount();
    pool = pre + 2; // two deposits create slots first
    const traced = engine.traceBatch(batch1);
    expect(traced.result.receipts.filter((x) => x.status !== 0)).toEqual([]);
    withdrawals = traced.result.withdrawals;
    expect(withdrawals.length).toBe(N + 1);
    c1 = claimForBatch(batch1, traced, pre, domain, { batchIndex: 1n, headerHash: headerHash(header1), parentClaimHash: ZERO });
    // batch 2 runs on a fork: its claim stays pending
    const fork = engine.fork();
    const batch2: Batch = { feePairs: [], l1Messages: later.slice(0, 2), txs: [] };
    const pre2 = fork.slotCount();
    const traced2 = fork.traceBatch(batch2);
    c2 = claimForBatch(batch2, traced2, pre2, domain, { batchIndex: 2n, headerHash: headerHash(header2), parentClaimHash: c1.hash });
    fork.dispose();
    expect((await propose(r, c1, BOB)).ok).toBe(true);
    r.l1.now = t0 + WINDOW;
    expect((await r.claims.send("confirm", [c1.hash])).ok).toBe(true);
    expect((await propose(r, c2, CAROL)).ok).toBe(true);
  }, 120_000);

  const withdrawArgs = (a: ReturnType<typeof withdrawalArgs>) => [a.claim, a.index, a.owner, a.token, a.amount, a.proof] as const;

  it("pays a withdrawal of a confirmed claim once, to its owner, whoever sends it", async () => {
    const a = withdrawalArgs(engine, c1, withdrawals, N - 1);
    expect(a.amount).toBe(1000n + BigInt(N - 1));
    const before = await r.t1.read<bigint>("balanceOf", [A]);
    const paid = await r.bridge.send("withdraw", withdrawArgs(a), { from: CAROL });
    expect(paid.ok, paid.error).toBe(true);
    expect(paid.logs.map((l) => l.eventName)).toEqual(["WithdrawalPaid"]);
    expect((await r.t1.read<bigint>("balanceOf", [A])) - before).toBe(a.amount);
    expect(await r.bridge.read<boolean>("isPaid", [1n, N - 1])).toBe(true);
    figures["withdrawalClaim (first of its bitmap word, owner's first tokens)"] = paid.txGas;
    expectError(await r.bridge.send("withdraw", withdrawArgs(a), { from: A }), "AlreadyPaid");
    expect((await r.t1.read<bigint>("balanceOf", [A])) - before).toBe(a.amount);
    // the next one in the same bitmap word, to an owner who already holds the token
    const b = withdrawalArgs(engine, c1, withdrawals, N - 2);
    const paid2 = await r.bridge.send("withdraw", withdrawArgs(b));
    expect(paid2.ok).toBe(true);
    figures["l1.gas.withdrawalClaim"] = paid2.txGas;
    // the L2 withdraw transaction's record: the last one
    const w = withdrawalArgs(engine, c1, withdrawals, N);
    expect(w.amount).toBe(100n);
    expect((await r.bridge.send("withdraw", withdrawArgs(w))).ok).toBe(true);
  });

  it("refuses a wrong index, owner, token, amount or proof", async () => {
    const a = withdrawalArgs(engine, c1, withdrawals, 10);
    const other = withdrawalArgs(engine, c1, withdrawals, 11);
    const tries: [readonly unknown[], string][] = [
      [[a.claim, 11, a.owner, a.token, a.amount, a.proof], "BadProof"], // another index with this proof
      [[a.claim, 11, other.owner, other.token, other.amount, a.proof], "BadProof"], // index 11's record, index 10's proof
      [[a.claim, a.index, B, a.token, a.amount, a.proof], "BadProof"],
      [[a.claim, a.index, a.owner, 2, a.amount, a.proof], "BadProof"],
      [[a.claim, a.index, a.owner, a.token, a.amount + 1n, a.proof], "BadProof"],
      [[a.claim, a.index, a.owner, a.token, a.amount, other.proof], "BadProof"],
      [[a.claim, a.index, a.owner, a.token, a.amount, `${a.proof}00`], "BadProof"], // trailing byte
      [[a.claim, N + 1, a.owner, a.token, a.amount, a.proof], "IndexOutOfRange"],
      [[a.claim, 0xffffffff, a.owner, a.token, a.amount, a.proof], "IndexOutOfRange"],
      [[a.claim, a.index, a.owner, a.token, a.amount, toHex(engine.proveWithdrawals(withdrawals, [10, 11]).proof)], "LeafCountMismatch"],
    ];
    for (const [args, err] of tries) expectError(await r.bridge.send("withdraw", args), err);
    // a tampered sibling
    const bad = bytes(a.proof);
    bad[bad.length - 1]! ^= 1;
    expectError(await r.bridge.send("withdraw", [a.claim, a.index, a.owner, a.token, a.amount, toHex(bad)]), "BadProof");
    expect(await r.bridge.read<boolean>("isPaid", [1n, 10])).toBe(false);
    expect((await r.bridge.send("withdraw", withdrawArgs(a))).ok).toBe(true);
  });

  it("refuses withdrawals of a claim that is not confirmed", async () => {
    // c2's one withdrawal (the forced exit of B's slot) is real, but c2 is pending
    expect(c2.claim.withdrawalCount).toBe(1);
    const fork = engine.fork();
    const w2 = fork.applyBatch({ feePairs: [], l1Messages: messages.slice(N + 2, N + 4).map((x) => x.m), txs: [] }).withdrawals;
    fork.dispose();
    const a = withdrawalArgs(engine, c2, w2, 0);
    expectError(await r.bridge.send("withdraw", withdrawArgs(a)), "NotConfirmed");
    // c1's bytes under batch 2's index, and c1's bytes cut short
    const moved = { ...c1.claim, batchIndex: 2n };
    const b = withdrawalArgs(engine, c1, withdrawals, 20);
    expectError(await r.bridge.send("withdraw", [toHex(encodeClaim(moved)), 20, b.owner, b.token, b.amount, b.proof]), "NotConfirmed");
    expectError(await r.bridge.send("withdraw", [`${b.claim}00`, 20, b.owner, b.token, b.amount, b.proof]), "NotConfirmed");
  });

  it("costs ≤ 100,000 gas at a 2^20-withdrawal tree position", async () => {
    // every sibling on the path non-empty, as in a batch of ~2^20 withdrawals: 30 explicit
    // siblings; index − 1 (same bitmap word) holds a withdrawal too and is paid first
    const index = 700_001;
    const owner = addressOf(KEY_B);
    const amount = 123_456_789n;
    const tree = largeWithdrawalTree(index, owner, amount);
    const proof = bytes(tree.prove(index));
    expect(proof.length).toBe(4 + 4 + 6 + 30 * 32);
    const x = await deploy();
    await x.batches.send("setHeaderHash", [1n, h("header 1")]);
    const c = synthetic(1n, h("header 1"), ZERO, "big", { withdrawalsRoot: tree.root, withdrawalCount: tree.count });
    await propose(x, c);
    x.l1.now += WINDOW;
    await x.claims.send("confirm", [c.hash]);
    expectError(await x.bridge.send("withdraw", [c.bytes, index + 1, owner, 1, amount, toHex(proof)]), "BadProof");
    const first = await x.bridge.send("withdraw", [c.bytes, index - 1, owner, 1, amount, tree.prove(index - 1)]);
    expect(first.ok, first.error).toBe(true);
    figures["withdrawalClaim at 2^20 (first of its bitmap word, owner's first tokens)"] = first.txGas;
    const paid = await x.bridge.send("withdraw", [c.bytes, index, owner, 1, amount, toHex(proof)]);
    expect(paid.ok, paid.error).toBe(true);
    figures["l1.gas.withdrawalClaim (at 2^20)"] = paid.txGas;
    expect(paid.txGas).toBeLessThanOrEqual(100_000n);
    tree.dispose();
  });

  it("exits and refunds only once frozen", async () => {
    const e = slotExitArgs(engine, N + 3, c1);
    expectError(await r.bridge.send("exit", [e.claim, e.treeRoot, e.slotCount, e.slotIndex, e.slot, e.proof]), "NotFrozen");
    const m = messages[N + 2]!;
    const a = refundArgs(BigInt(N + 2), m.m as never, m.t, header1);
    expectError(await r.bridge.send("refund", [a.inboxIndex, a.message, a.l1Timestamp, a.lastHeader]), "NotFrozen");
    r.l1.now = t0 + WINDOW + ESCAPE + 1n;
    expect(await r.claims.read<boolean>("frozen")).toBe(true);
  });

  const exitArgs = (e: ReturnType<typeof slotExitArgs>) => [e.claim, e.treeRoot, e.slotCount, e.slotIndex, e.slot, e.proof] as const;

  it("exits a slot of the last confirmed state once, to its owner", async () => {
    const e = slotExitArgs(engine, N + 3, c1); // B's token-2 slot
    const slot = engine.getSlot(N + 3);
    expect(slot.balance).toBe(500n);
    const before = await r.t2.read<bigint>("balanceOf", [B]);
    const ok = await r.bridge.send("exit", exitArgs(e), { from: CAROL });
    expect(ok.ok, ok.error).toBe(true);
    expect(ok.logs.map((l) => l.eventName)).toEqual(["SlotExited"]);
    expect((await r.t2.read<bigint>("balanceOf", [B])) - before).toBe(500n);
    figures.exit = ok.txGas;
    expectError(await r.bridge.send("exit", exitArgs(e)), "AlreadyExited");
    expect(await r.bridge.read<boolean>("isExited", [N + 3])).toBe(true);
    // a withdrawn-from slot exits what is left after the confirmed batch
    const left = slotExitArgs(engine, N, c1);
    expect(engine.getSlot(N).balance).toBe(1_000_000n - 100n);
    const beforeA = await r.t1.read<bigint>("balanceOf", [A]);
    expect((await r.bridge.send("exit", exitArgs(left))).ok).toBe(true);
    expect((await r.t1.read<bigint>("balanceOf", [A])) - beforeA).toBe(1_000_000n - 100n);
  });

  it("refuses exits against any other state, of other slots, or of pool and LP slots", async () => {
    const e = slotExitArgs(engine, N + 2, c1);
    const [claim, treeRoot, slotCount, slotIndex, slot, proof] = exitArgs(e);
    expectError(await r.bridge.send("exit", ["0x", treeRoot, slotCount, slotIndex, slot, proof]), "NotLastConfirmed");
    expectError(await r.bridge.send("exit", [c2.bytes, treeRoot, slotCount, slotIndex, slot, proof]), "NotLastConfirmed");
    expectError(await r.bridge.send("exit", [claim, treeRoot, slotCount + 1, slotIndex, slot, proof]), "StateOpeningMismatch");
    expectError(await r.bridge.send("exit", [claim, h("root"), slotCount, slotIndex, slot, proof]), "StateOpeningMismatch");
    expectError(await r.bridge.send("exit", [claim, treeRoot, slotCount, slotCount, slot, proof]), "IndexOutOfRange");
    // another slot's bytes, a changed balance, another index with this proof, a short slot
    const other = slotExitArgs(engine, N + 1, c1);
    expectError(await r.bridge.send("exit", [claim, treeRoot, slotCount, slotIndex, other.slot, proof]), "BadProof");
    const richer = bytes(slot);
    richer[39]! ^= 1;
    expectError(await r.bridge.send("exit", [claim, treeRoot, slotCount, slotIndex, toHex(richer), proof]), "BadProof");
    expectError(await r.bridge.send("exit", [claim, treeRoot, slotCount, N + 1, slot, proof]), "BadProof");
    expectError(await r.bridge.send("exit", [claim, treeRoot, slotCount, slotIndex, slot.slice(0, -2), proof]), "BadProof");
    // the pool's reserve slots (reserved owner) and the creator's LP shares
    for (const s of [pool, pool + 1, pool + 2, pool + 3]) {
      const slotBytes = toHex(encodeSlotOf(engine, s));
      expectError(await r.bridge.send("exit", [claim, treeRoot, slotCount, s, slotBytes, toHex(engine.proveSlots([s]))]), "NotExitable");
    }
    expect(() => slotExitArgs(engine, pool, c1)).toThrow(/cannot exit/);
    expect((await r.bridge.send("exit", exitArgs(e))).ok).toBe(true);
  });

  it("refunds a deposit no confirmed batch consumed, once, to its owner", async () => {
    const m = messages[N + 2]!; // consumed by batch 2, which never confirmed
    const a = refundArgs(BigInt(N + 2), m.m as never, m.t, header1);
    const args = [a.inboxIndex, a.message, a.l1Timestamp, a.lastHeader] as const;
    const before = await r.t2.read<bigint>("balanceOf", [B]);
    const ok = await r.bridge.send("refund", args, { from: CAROL });
    expect(ok.ok, ok.error).toBe(true);
    expect(ok.logs.map((l) => l.eventName)).toEqual(["DepositRefunded"]);
    expect((await r.t2.read<bigint>("balanceOf", [B])) - before).toBe(42n);
    figures.refund = ok.txGas;
    expectError(await r.bridge.send("refund", args), "AlreadyRefunded");
    expect(await r.bridge.read<boolean>("isRefunded", [BigInt(N + 2)])).toBe(true);
    // never consumed by any batch
    const m2 = messages[N + 4]!;
    const b = refundArgs(BigInt(N + 4), m2.m as never, m2.t, header1);
    expect((await r.bridge.send("refund", [b.inboxIndex, b.message, b.l1Timestamp, b.lastHeader])).ok).toBe(true);
  });

  it("refuses refunds of consumed deposits, forced exits, forged records and a wrong header", async () => {
    const d0 = messages[0]!; // a deposit batch 1 consumed: it is in the confirmed state
    const a = refundArgs(BigInt(N + 4), d0.m as never, d0.t, header1);
    expectError(await r.bridge.send("refund", [0n, a.message, a.l1Timestamp, a.lastHeader]), "Consumed");
    expectError(await r.bridge.send("refund", [BigInt(N + 1), a.message, a.l1Timestamp, a.lastHeader]), "RecordMismatch");
    expect(() => refundArgs(0n, d0.m as never, d0.t, header1)).toThrow(/consumed/);
    const fe = messages[N + 3]!; // a forced exit
    const feBytes = toHex(encodeL1Message(fe.m));
    expectError(await r.bridge.send("refund", [BigInt(N + 3), feBytes, fe.t, a.lastHeader]), "NotADeposit");
    // the same deposit bytes as a 46-byte message, or with a kind byte other than 0
    expectError(await r.bridge.send("refund", [BigInt(N + 3), `${a.message}00`, fe.t, a.lastHeader]), "NotADeposit");
    expectError(await r.bridge.send("refund", [BigInt(N + 3), `0x02${a.message.slice(4)}`, fe.t, a.lastHeader]), "NotADeposit");
    // the record of another message, another time, or beyond the inbox
    const m = messages[N + 2]!;
    const good = refundArgs(BigInt(N + 2), m.m as never, m.t, header1);
    const moreB = { ...(m.m as object), amount: 43n } as never;
    const forged = refundArgs(BigInt(N + 2), moreB, m.t, header1);
    expectError(await r.bridge.send("refund", [good.inboxIndex, forged.message, m.t, good.lastHeader]), "RecordMismatch");
    expectError(await r.bridge.send("refund", [good.inboxIndex, good.message, m.t + 1n, good.lastHeader]), "RecordMismatch");
    expectError(await r.bridge.send("refund", [BigInt(N + 5), good.message, m.t, good.lastHeader]), "IndexOutOfRange");
    // a header that is not the last confirmed batch's: batch 0's (none), a forged end, cut short
    const early = { ...header1, inboxCount: 1 };
    expectError(await r.bridge.send("refund", [0n, toHex(encodeL1Message(d0.m)), d0.t, "0x"]), "BadHeader");
    expectError(await r.bridge.send("refund", [0n, toHex(encodeL1Message(d0.m)), d0.t, toHex(encodeHeader(early))]), "BadHeader");
    expectError(await r.bridge.send("refund", [0n, toHex(encodeL1Message(d0.m)), d0.t, good.lastHeader.slice(0, -2)]), "BadHeader");
  });

  it("at genesis (nothing confirmed): exits against the genesis state, refunds from inbox 0", async () => {
    const g = Engine.create({
      ...domain,
      genesis: [
        { owner: A, token: 1, balance: 70n, nonce: 0n },
        { owner: B, token: 2, balance: 30n, nonce: 0n },
      ],
    });
    const x = await deploy(g.stateRoot());
    const d = { kind: "deposit", owner: A, token: 1, amount: 11n } as const;
    const stamp = new Uint8Array(8);
    new DataView(stamp.buffer).setBigUint64(0, 5n);
    await x.inbox.send("push", [h(cat(encodeL1Message(d), stamp))]);
    await x.batches.send("setHeaderHash", [1n, h("header 1")]);
    const c = synthetic(1n, h("header 1"), ZERO, "never confirmed");
    await propose(x, c);
    x.l1.now += ESCAPE + 1n;
    const e = slotExitArgs(g, 1, null, g.stateRoot());
    expectError(await x.bridge.send("exit", [c.bytes, e.treeRoot, e.slotCount, e.slotIndex, e.slot, e.proof]), "NotLastConfirmed");
    expect((await x.bridge.send("exit", exitArgs(e))).ok).toBe(true);
    expect(await x.t2.read<bigint>("balanceOf", [B])).toBe(30n);
    const a = refundArgs(0n, d, 5n, null);
    expect((await x.bridge.send("refund", [a.inboxIndex, a.message, a.l1Timestamp, a.lastHeader])).ok).toBe(true);
    expect(await x.t1.read<bigint>("balanceOf", [A])).toBe(11n);
    g.dispose();
  });

  it("reports its gas", () => {
    console.log(`claims/bridge whole-transaction gas: ${JSON.stringify(Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Number(v)])))}`);
    expect(figures["l1.gas.withdrawalClaim"]).toBeLessThanOrEqual(100_000n);
  });
});

function encodeSlotOf(e: Engine, index: number): Uint8Array {
  const s = e.getSlot(index);
  const out = new Uint8Array(48);
  out.set(bytes(s.owner), 0);
  const v = new DataView(out.buffer);
  v.setUint32(20, s.token);
  v.setBigUint64(24, s.balance >> 64n);
  v.setBigUint64(32, s.balance & ((1n << 64n) - 1n));
  v.setBigUint64(40, s.nonce);
  return out;
}
