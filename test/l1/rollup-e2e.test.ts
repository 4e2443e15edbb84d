// The whole L1 side together on anvil: the real Inbox, Batches, Claims, DisputeGame, Bridge,
// OneStepProver and StepVerifier deployed and wired by deployRollup (no stubs), driven through
// src/l1's Sequencer, Follower, game parties and bridge helpers and the Engine:
//   (a) deposits → signed L2 traffic → batches → claims → window → confirmed → withdrawals paid,
//       value conserved per token at every stage, a second claim of a withdrawal refused;
//   (b) a wrong claim lost to an honest challenger (bond to the challenger by pull, less the burn)
//       while the honest claim of the batch confirms; a wrong challenger losing its bond; a timeout;
//   (c) forced inclusion; (f) a follower from genesis reaching the sequencer's state root;
//   (d) the escape hatch: frozen, a slot exited against the last confirmed state, a deposit refunded;
//   (e) validium: a committee deployment's quorum checked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Abi, type Hex, hashTypedData, keccak256 } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  Engine,
  addressOf,
  encodeBatch,
  encodeStepProof,
  proveSteps,
  signTransaction,
  traceRoot,
  type Batch,
  type BatchResult,
  type Claim,
  type SignedTx,
  type Slot,
  type Tx,
  type Withdrawal,
} from "../../src/index.js";
import { nodeRecovery } from "../../src/node.js";
import { L1Error } from "../../src/protocol/errors.js";
import { type BatchHeader, encodeClaim } from "../../src/protocol/l1-records.js";
import { loadArtifact } from "../../src/l1/artifacts.js";
import { claimForBatch, claimWithdrawal, type EncodedClaim, exitSlot, refundArgs, refundDeposit, slotExitArgs, withdrawalArgs } from "../../src/l1/bridge.js";
import { type DeployedRollup, deployRollup } from "../../src/l1/deploy.js";
import { Follower } from "../../src/l1/follower.js";
import { GameChallenger, type GameBatch, GameProposer, nextMoveOf, PHASE, type PartyTrace, traceBatchOnL1, ViemGame } from "../../src/l1/game.js";
import { InboxReader, recordPreimage } from "../../src/l1/inbox.js";
import { BATCHES_ABI, COMMITTEE_BATCH_TYPES } from "../../src/l1/inbox-batches-abi.js";
import { headerFromEvent, type PostedHeader, Sequencer } from "../../src/l1/sequencer.js";
import { ANVIL_CHAIN_ID, ANVIL_KEYS, Anvil } from "./anvil.js";

const ZERO32 = `0x${"00".repeat(32)}` as Hex;
const NO_SLOT = 0xffffffff;
const E18 = 10n ** 18n;
const WINDOW = 1_000n;
const CLOCK = 300n;
const FORCE_DELAY = 1_500n;
const ESCAPE_DELAY = 4_000n;
const BOND = 25n * 10n ** 16n;
const BURN_BPS = 2_000n;
const MINTED = 1_000n * E18;

/** Keys of the L1 users, who sign their L2 transactions with the same keys. */
const USER_KEYS = [0xa1, 0xa2, 0xa3].map((i) => `0x${i.toString(16).padStart(64, "0")}` as Hex);
const USERS = USER_KEYS.map(addressOf);
const [HONEST_KEY, DISHONEST_KEY, CHALLENGER_KEY, WRONG_CHALLENGER_KEY] = ANVIL_KEYS as [Hex, Hex, Hex, Hex];

const abiOf = (name: string): Abi => loadArtifact(name).abi;

/** A transaction's outcome: gas, or the custom error it reverted with. */
async function send(anvil: Anvil, key: Hex, to: Hex, contract: string, fn: string, args: readonly unknown[], value?: bigint): Promise<bigint> {
  const wallet = anvil.wallet(key);
  const abi = abiOf(contract);
  try {
    const { request } = await anvil.publicClient.simulateContract({ address: to, abi, functionName: fn, args, value, account: wallet.account! } as never);
    const hash = await wallet.writeContract(request as never);
    const r = await anvil.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    if (r.status !== "success") throw new Error(`${contract}.${fn} reverted on chain`);
    return r.gasUsed;
  } catch (e) {
    const named = (e as { walk?: (f: (x: unknown) => boolean) => unknown }).walk?.(
      (x) => (x as { data?: { errorName?: string } })?.data?.errorName !== undefined,
    ) as { data: { errorName: string; args?: unknown[] } } | undefined;
    if (named) throw new Error(`${contract}.${fn} reverted: ${named.data.errorName}(${(named.data.args ?? []).map(String).join(", ")})`);
    throw e;
  }
}

function read<T>(anvil: Anvil, to: Hex, contract: string, fn: string, args: readonly unknown[] = []): Promise<T> {
  return anvil.publicClient.readContract({ address: to, abi: abiOf(contract), functionName: fn, args } as never) as Promise<T>;
}

/** One batch of the rollup as the sequencer posted and ran it. */
interface Posted {
  posted: PostedHeader;
  batch: Batch;
  gameBatch: GameBatch;
  honest: PartyTrace & { result: BatchResult };
  /** The state the batch ran on. */
  pre: { treeRoot: Hex; slotCount: number; engine: Engine };
  claim: EncodedClaim;
}

/** A deployed rollup, the sequencer's engine and everything the tests check against. */
class World {
  readonly domain: { chainId: bigint; verifyingContract: Hex };
  readonly engine: Engine;
  readonly sequencer: Sequencer;
  readonly inboxReader: InboxReader;
  readonly posted: Posted[] = [];
  /** Confirmed claim per batch index (for parents). */
  readonly confirmed = new Map<bigint, EncodedClaim>();
  readonly paid = new Set<string>();
  readonly gas: Record<string, bigint[]> = {};
  private constructor(
    readonly anvil: Anvil,
    readonly rollup: DeployedRollup,
    readonly tokens: Hex[],
    readonly genesis: Slot[],
  ) {
    const a = rollup.addresses;
    this.domain = { chainId: BigInt(ANVIL_CHAIN_ID), verifyingContract: a.inbox };
    this.engine = Engine.create({ genesis, ...this.domain, recovery: nodeRecovery });
    this.sequencer = new Sequencer(anvil.publicClient, anvil.walletClient as never, a);
    this.inboxReader = new InboxReader(anvil.publicClient, a.inbox, a.fromBlock);
  }

  static async create(anvil: Anvil, options: { committee?: Hex[]; quorum?: number } = {}): Promise<World> {
    const tokens = [await anvil.deploy(loadArtifact("TestToken"), ["A", "A"]), await anvil.deploy(loadArtifact("TestToken"), ["B", "B"])];
    // the fee slots of both tokens (the sequencer's), empty: every unit on L2 came through the escrow
    const genesis: Slot[] = [1, 2].map((token) => ({ owner: anvil.account.address, token, balance: 0n, nonce: 0n }));
    const probe = Engine.create({ genesis, chainId: 1n, verifyingContract: `0x${"00".repeat(19)}01`, recovery: nodeRecovery });
    const genesisStateRoot = probe.stateRoot();
    probe.dispose();
    const rollup = await deployRollup(anvil.publicClient, anvil.walletClient as never, {
      genesisStateRoot,
      sequencer: anvil.account.address,
      tokens: tokens.map((erc20, i) => ({ id: i + 1, erc20 })),
      challengeWindowSeconds: WINDOW,
      clockPerSideSeconds: CLOCK,
      forceDelaySeconds: FORCE_DELAY,
      escapeDelaySeconds: ESCAPE_DELAY,
      committee: options.committee,
      quorum: options.quorum,
    });
    const w = new World(anvil, rollup, tokens, genesis);
    expect(w.engine.stateRoot()).toBe(genesisStateRoot);
    for (const [i, key] of USER_KEYS.entries()) {
      await anvil.rpc("anvil_setBalance", [USERS[i], `0x${(100n * E18).toString(16)}`]);
      for (const t of tokens) {
        await send(anvil, HONEST_KEY, t, "TestToken", "mint", [USERS[i], MINTED]);
        await send(anvil, key, t, "TestToken", "approve", [rollup.addresses.inbox, (1n << 256n) - 1n]);
      }
    }
    return w;
  }

  get a() {
    return this.rollup.addresses;
  }

  note(name: string, gas: bigint): void {
    const list = this.gas[name] ?? [];
    list.push(gas);
    this.gas[name] = list;
  }

  async deposit(user: number, token: number, amount: bigint, slot = NO_SLOT): Promise<void> {
    this.note("deposit", await send(this.anvil, USER_KEYS[user]!, this.a.inbox, "Inbox", "deposit", [token, amount, slot]));
  }

  /** The inbox messages no batch consumed yet. */
  async pending() {
    await this.inboxReader.sync();
    const consumed = await read<bigint>(this.anvil, this.a.batches, "Batches", "inboxConsumed");
    return this.inboxReader.range(consumed, Number(this.inboxReader.count() - consumed));
  }

  /** A signed L2 transaction of user `u` (nonce from the engine's state of its slot). */
  sign(u: number, tx: Tx): SignedTx {
    return signTransaction(tx, USER_KEYS[u]!, this.domain) as SignedTx;
  }

  slotOf(u: number, token: number): number {
    const s = this.engine.slotsOf(USERS[u]!).find((i) => this.engine.getSlot(i).token === token);
    if (s === undefined) throw new Error(`user ${u} has no slot of token ${token}`);
    return s;
  }

  nonceOf(slot: number): bigint {
    return this.engine.getSlot(slot).nonce;
  }

  /** Posts a batch of every pending message and `txs`, runs it on the engine; the honest claim. */
  async postAndRun(txs: SignedTx[], options: { messages?: boolean } = {}): Promise<Posted> {
    const messages = options.messages === false ? [] : (await this.pending()).map((m) => m.message);
    const batch: Batch = {
      feePairs: [
        { token: 1, slot: 0 },
        { token: 2, slot: 1 },
      ],
      l1Messages: messages,
      txs,
    };
    const posted = await this.sequencer.postBatch(batch);
    this.note("postBatch", posted.gasUsed);
    return this.run(posted, batch);
  }

  /** Runs a posted batch (its header and DA) on the engine and makes the honest claim. */
  async run(posted: PostedHeader, batch: Batch): Promise<Posted> {
    const h = posted.header;
    await this.inboxReader.sync();
    const records = this.inboxReader.range(h.inboxStart, h.inboxCount);
    const gameBatch: GameBatch = { header: h, da: posted.da, messages: records.map((r) => r.message), timestamps: records.map((r) => r.l1Timestamp) };
    const pre = { treeRoot: this.engine.treeRoot(), slotCount: this.engine.slotCount(), engine: this.engine.fork() };
    const honest = traceBatchOnL1(this.engine, gameBatch);
    const applied = this.engine.applyBatch(honest.batch);
    expect(applied.postStateRoot).toBe(honest.result.postStateRoot);
    const parent = this.posted[this.posted.length - 1];
    const claim = claimForBatch(
      honest.batch,
      { result: honest.result, steps: honest.leaves as Hex[], traceRoot: traceRoot(this.engine.core, honest.leaves) },
      pre.slotCount,
      this.domain,
      { batchIndex: h.index, headerHash: posted.headerHash, parentClaimHash: parent ? parent.claim.hash : ZERO32 },
    );
    expect(batch.txs.length).toBe(honest.batch.txs.length);
    const p: Posted = { posted, batch: honest.batch, gameBatch, honest, pre, claim };
    this.posted.push(p);
    return p;
  }

  async propose(claim: Claim | EncodedClaim, key = HONEST_KEY): Promise<Hex> {
    const bytes = "bytes" in claim ? claim.bytes : claimBytesOf(claim);
    this.note("propose", await send(this.anvil, key, this.a.claims, "Claims", "propose", [bytes], BOND));
    return keccak256(bytes);
  }

  async confirm(p: Posted): Promise<void> {
    this.note("confirm", await send(this.anvil, HONEST_KEY, this.a.claims, "Claims", "confirm", [p.claim.hash]));
    this.confirmed.set(p.posted.header.index, p.claim);
  }

  async status(claimHash: Hex): Promise<number> {
    return Number(await read<number>(this.anvil, this.a.claims, "Claims", "status", [claimHash]));
  }

  /** escrow(t) = L2 balances(t) + unconsumed deposits(t) + withdrawals not yet paid(t); L1 + escrow = minted. */
  async checkConservation(where: string): Promise<void> {
    const pending = await this.pending();
    for (const [i, erc20] of this.tokens.entries()) {
      const token = i + 1;
      const escrow = await read<bigint>(this.anvil, erc20, "TestToken", "balanceOf", [this.a.inbox]);
      let l2 = 0n;
      for (let s = 0; s < this.engine.slotCount(); s++) {
        const slot = this.engine.getSlot(s);
        if (slot.token === token) l2 += slot.balance;
      }
      let queued = 0n;
      for (const m of pending) if (m.message.kind === "deposit" && m.message.token === token) queued += m.message.amount;
      let unpaid = 0n;
      for (const p of this.posted)
        p.honest.result.withdrawals.forEach((w, k) => {
          if (w.token === token && !this.paid.has(`${p.posted.header.index}:${k}`)) unpaid += w.amount;
        });
      let l1 = 0n;
      for (const u of USERS) l1 += await read<bigint>(this.anvil, erc20, "TestToken", "balanceOf", [u]);
      expect(escrow, `${where}: token ${token} escrow = L2 ${l2} + queued ${queued} + unpaid ${unpaid}`).toBe(l2 + queued + unpaid);
      expect(l1 + escrow, `${where}: token ${token} L1 + escrow`).toBe(MINTED * BigInt(USERS.length));
    }
  }

  /** Claims every withdrawal of a confirmed batch on L1 (anyone may send; the owner is paid). */
  async payWithdrawals(p: Posted): Promise<void> {
    const list: readonly Withdrawal[] = p.honest.result.withdrawals;
    for (let k = 0; k < list.length; k++) {
      const w = list[k]!;
      const erc20 = this.tokens[w.token - 1]!;
      const before = await read<bigint>(this.anvil, erc20, "TestToken", "balanceOf", [w.owner]);
      const args = withdrawalArgs(this.engine, p.claim, list, k);
      const hash = await claimWithdrawal(this.anvil.wallet(CHALLENGER_KEY) as never, this.anvil.publicClient, this.a.bridge, args);
      this.note("withdraw", (await this.anvil.publicClient.getTransactionReceipt({ hash })).gasUsed);
      this.paid.add(`${p.posted.header.index}:${k}`);
      expect(await read<bigint>(this.anvil, erc20, "TestToken", "balanceOf", [w.owner])).toBe(before + w.amount);
      expect(await read<boolean>(this.anvil, this.a.bridge, "Bridge", "isPaid", [p.posted.header.index, k])).toBe(true);
    }
  }

  game(): ViemGame {
    return new ViemGame(this.anvil.publicClient, this.a.disputeGame, abiOf("DisputeGame"));
  }

  dispose(): void {
    this.engine.dispose();
    for (const p of this.posted) p.pre.engine.dispose();
  }
}

function claimBytesOf(c: Claim): Hex {
  return `0x${Buffer.from(encodeClaim(c)).toString("hex")}` as Hex;
}

/** Transaction `i` of the batch with a signature that recovers no owner: a proposer that says it failed. */
function withFailedTx(batch: Batch, i: number): Batch {
  return { ...batch, txs: batch.txs.map((t, k) => (k === i ? ({ ...t, signature: `0x${"11".repeat(64)}1b` } as SignedTx) : t)) };
}

/** A wrong party's trace and claim of `p`: transaction `i` "failed". */
function tamperedOf(w: World, p: Posted, i: number): { trace: PartyTrace; claim: Claim } {
  const on = p.pre.engine;
  const tampered = withFailedTx(p.batch, i);
  const signers = on.recoverSigners(tampered);
  const fork = on.fork();
  const traced = fork.traceBatch(tampered, { signers });
  fork.dispose();
  const proofs = [...proveSteps(on, tampered, { signers })].map(encodeStepProof);
  const claim = claimForBatch(tampered, traced, p.pre.slotCount, w.domain, {
    batchIndex: p.posted.header.index,
    headerHash: p.posted.headerHash,
    parentClaimHash: p.claim.claim.parentClaimHash,
  }).claim;
  return { trace: { leaves: traced.steps, proofs }, claim };
}

/**
 * Plays game `gameId` to its end through the real DisputeGame: each party moves when its turn
 * comes; an `idle` party never moves, so the clock runs out (anvil's clock moved forward).
 */
async function play(
  w: World,
  gameId: bigint,
  proposer: [GameProposer, Hex],
  challenger: [GameChallenger, Hex],
  idle?: "proposer" | "challenger",
): Promise<{ result: number; moves: string[] }> {
  const game = w.game();
  const moves: string[] = [];
  for (let i = 0; i < 60; i++) {
    const view = await game.view(gameId);
    if (view.phase >= PHASE.ProposerWon) return { result: view.phase, moves };
    let moved = false;
    for (const [who, [party, key]] of [
      ["challenger", challenger],
      ["proposer", proposer],
    ] as const) {
      if (who === idle) continue;
      const move = await nextMoveOf(party, game, gameId);
      if (move === null) continue;
      try {
        const gas = await game.send(w.anvil.wallet(key), move);
        w.note(`game.${move.functionName}`, gas);
        moves.push(`${who}:${move.functionName}`);
        moved = true;
        break;
      } catch {
        // a proposer defending a wrong leaf has no proof L1 accepts: its move reverts, nothing is decided
      }
    }
    if (!moved) await w.anvil.increaseTime(CLOCK + 1n);
  }
  throw new Error(`game ${gameId} did not end`);
}

async function challenge(w: World, challenger: GameChallenger, key: Hex): Promise<bigint> {
  const gas = await w.game().send(w.anvil.wallet(key), challenger.challengeMove(BOND));
  w.note("game.challenge", gas);
  return read<bigint>(w.anvil, w.a.disputeGame, "DisputeGame", "gameCount");
}

describe("the rollup end to end on anvil (real contracts, no stubs)", () => {
  let anvil: Anvil;
  let w: World;

  beforeAll(async () => {
    anvil = await Anvil.start();
    w = await World.create(anvil);
  }, 60_000);
  afterAll(async () => {
    if (w) {
      const figures = Object.entries(w.gas).map(
        ([k, v]) => `${k}: ${v.length === 1 ? v[0] : `${v.length}× min ${v.reduce((a, b) => (a < b ? a : b))} max ${v.reduce((a, b) => (a > b ? a : b))}`}`,
      );
      console.log(
        `rollup e2e gas (anvil receipts, whole transactions):\n  ${figures.join("\n  ")}\n  deploy: ${Object.entries(w.rollup.gasUsed)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")}`,
      );
      w.dispose();
    }
    await anvil?.stop();
  });

  it("(a) deposits → signed L2 traffic → batches → claims → window → confirmed → withdrawals paid; value conserved; a second claim refused", async () => {
    await w.deposit(0, 1, 100n * E18);
    await w.deposit(1, 1, 50n * E18);
    await w.deposit(2, 2, 70n * E18);
    await w.deposit(0, 2, 30n * E18);
    await w.checkConservation("after the deposits");
    const p1 = await w.postAndRun([]);
    expect(p1.honest.result.receipts.every((r) => r.status === 0)).toBe(true);
    await w.checkConservation("after batch 1");
    const [a1, b1, c2, a2] = [w.slotOf(0, 1), w.slotOf(1, 1), w.slotOf(2, 2), w.slotOf(0, 2)];
    // batch 2: a forced exit of user 2's token-2 slot queued on L1, a deposit into an existing
    // slot, transfers, withdrawals and a transfer to a new slot, every one signed by its owner
    w.note("forceExit", await send(anvil, USER_KEYS[2]!, w.a.inbox, "Inbox", "forceExit", [c2]));
    await w.deposit(1, 1, 5n * E18, b1);
    const fee = 10n ** 15n;
    const txs = [
      w.sign(0, { type: "transfer", from: a1, to: b1, amount: 20n * E18, fee, nonce: 0n }),
      w.sign(1, { type: "withdraw", from: b1, amount: 30n * E18, fee, nonce: 0n }),
      w.sign(0, { type: "withdraw", from: a1, amount: 10n * E18, fee, nonce: 1n }),
      w.sign(0, { type: "transferToNew", from: a2, toOwner: USERS[2]!, amount: 5n * E18, fee, nonce: 0n }),
      w.sign(0, { type: "withdraw", from: a2, amount: 1n * E18, fee, nonce: 1n }),
    ];
    const p2 = await w.postAndRun(txs);
    expect(p2.honest.result.receipts.map((r) => r.status)).toEqual(new Array(7).fill(0));
    expect(p2.honest.result.withdrawals.length).toBe(4); // the forced exit and three withdrawals
    await w.checkConservation("after batch 2");
    expect(p2.claim.claim.parentClaimHash).toBe(p1.claim.hash);

    // claims: batch 2's cannot confirm before its parent, nor anything before its window ends
    await w.propose(p1.claim);
    await w.propose(p2.claim);
    await expect(send(anvil, HONEST_KEY, w.a.claims, "Claims", "confirm", [p1.claim.hash])).rejects.toThrow(/WindowOpen/);
    const paying = withdrawalArgs(w.engine, p2.claim, p2.honest.result.withdrawals, 0);
    await expect(claimWithdrawal(anvil.wallet(CHALLENGER_KEY) as never, anvil.publicClient, w.a.bridge, paying)).rejects.toMatchObject({
      errorName: "NotConfirmed",
    });
    await anvil.increaseTime(WINDOW + 1n);
    await expect(send(anvil, HONEST_KEY, w.a.claims, "Claims", "confirm", [p2.claim.hash])).rejects.toThrow(/ParentNotConfirmed/);
    await w.confirm(p1);
    await w.confirm(p2);
    expect(await w.status(p2.claim.hash)).toBe(2);
    // a confirmed claim's bond is its proposer's to pull
    expect(await read<bigint>(anvil, w.a.claims, "Claims", "balanceOf", [anvil.account.address])).toBe(2n * BOND);
    await w.payWithdrawals(p2);
    await w.checkConservation("after the withdrawals");
    // a second claim of one withdrawal is refused, whoever sends it
    const again = claimWithdrawal(anvil.wallet(USER_KEYS[1]!) as never, anvil.publicClient, w.a.bridge, paying);
    await expect(again).rejects.toMatchObject({ code: "L1_FAILED", fault: "REVERTED", errorName: "AlreadyPaid", args: [2n, 0] });
    await w.checkConservation("after the refused second claim");
  }, 180_000);

  it("(b) a wrong claim is lost to an honest challenger on the real Claims + DisputeGame; the honest claim confirms", async () => {
    const [a1, b1] = [w.slotOf(0, 1), w.slotOf(1, 1)];
    const txs: SignedTx[] = [];
    for (let i = 0; i < 6; i++) {
      const from = i % 2 === 0 ? a1 : b1;
      txs.push(
        w.sign(i % 2, { type: "transfer", from, to: i % 2 === 0 ? b1 : a1, amount: E18 + BigInt(i), fee: 10n ** 14n, nonce: w.nonceOf(from) + BigInt(i >> 1) }),
      );
    }
    const p3 = await w.postAndRun(txs);
    const wrong = tamperedOf(w, p3, 4);
    const parent = { claim: w.confirmed.get(2n)!.claim, treeRoot: p3.pre.treeRoot, slotCount: p3.pre.slotCount };
    const dispute = { claim: wrong.claim, batch: p3.gameBatch, parent };
    const wrongHash = await w.propose(wrong.claim, DISHONEST_KEY);
    await w.propose(p3.claim);
    const challenger = new GameChallenger(dispute, p3.honest);
    expect(challenger.disputes()).toBe(true);
    expect(new GameChallenger({ ...dispute, claim: p3.claim.claim }, p3.honest).disputes()).toBe(false);
    const burnedBefore = await read<bigint>(anvil, w.a.claims, "Claims", "burned");
    const gameId = await challenge(w, challenger, CHALLENGER_KEY);
    const { result, moves } = await play(w, gameId, [new GameProposer(dispute, wrong.trace), DISHONEST_KEY], [challenger, CHALLENGER_KEY]);
    console.log(`(b) wrong claim game: ${moves.join(", ")}`);
    expect(result).toBe(PHASE.ChallengerWon);
    expect(await w.status(wrongHash)).toBe(3); // Rejected
    expect(await read<bigint>(anvil, w.a.claims, "Claims", "balanceOf", [privateKeyToAccount(DISHONEST_KEY).address])).toBe(0n);
    // the proposer's bond, less the burned share, is the challenger's to pull; its own bond back
    const challengerAddress = privateKeyToAccount(CHALLENGER_KEY).address;
    const burn = (BOND * BURN_BPS) / 10_000n;
    expect(await read<bigint>(anvil, w.a.claims, "Claims", "balanceOf", [challengerAddress])).toBe(BOND - burn);
    expect(await read<bigint>(anvil, w.a.claims, "Claims", "burned")).toBe(burnedBefore + burn);
    expect(await read<bigint>(anvil, w.a.disputeGame, "DisputeGame", "balanceOf", [challengerAddress])).toBe(BOND);
    const before = await anvil.publicClient.getBalance({ address: challengerAddress });
    const g1 = await send(anvil, CHALLENGER_KEY, w.a.claims, "Claims", "withdrawBalance", []);
    const g2 = await send(anvil, CHALLENGER_KEY, w.a.disputeGame, "DisputeGame", "withdrawBalance", []);
    const after = await anvil.publicClient.getBalance({ address: challengerAddress });
    const gasPrice = (await anvil.publicClient.getBlock()).baseFeePerGas ?? 0n;
    expect(after - before).toBeGreaterThan(2n * BOND - burn - (g1 + g2) * (gasPrice + 10n ** 10n));
    expect(after - before).toBeLessThanOrEqual(2n * BOND - burn);
    await expect(send(anvil, CHALLENGER_KEY, w.a.claims, "Claims", "withdrawBalance", [])).rejects.toThrow(/NothingToWithdraw/);
    // the honest claim of the same batch confirms after its window
    await anvil.increaseTime(WINDOW + 1n);
    await w.confirm(p3);
    expect(await w.status(p3.claim.hash)).toBe(2);
    await w.checkConservation("after batch 3");
  }, 240_000);

  it("(b) an honest proposer beats a wrong challenger (who loses its bond); a wrong proposer that lets its clock run out loses", async () => {
    const [a1, b1] = [w.slotOf(0, 1), w.slotOf(1, 1)];
    const mk = (n: number) => {
      const out: SignedTx[] = [];
      for (let i = 0; i < n; i++) out.push(w.sign(0, { type: "transfer", from: a1, to: b1, amount: E18, fee: 10n ** 14n, nonce: w.nonceOf(a1) + BigInt(i) }));
      return out;
    };
    const p4 = await w.postAndRun(mk(5));
    await w.propose(p4.claim);
    const parent4 = { claim: w.confirmed.get(3n)!.claim, treeRoot: p4.pre.treeRoot, slotCount: p4.pre.slotCount };
    // the wrong challenger believes transaction 2 failed
    const wrongView = tamperedOf(w, p4, 2);
    const wrongChallenger = new GameChallenger({ claim: p4.claim.claim, batch: p4.gameBatch, parent: parent4 }, wrongView.trace);
    expect(wrongChallenger.disputes()).toBe(true);
    const proposerAddress = privateKeyToAccount(HONEST_KEY).address;
    const before = await read<bigint>(anvil, w.a.disputeGame, "DisputeGame", "balanceOf", [proposerAddress]);
    const gameId = await challenge(w, wrongChallenger, WRONG_CHALLENGER_KEY);
    const { result, moves } = await play(
      w,
      gameId,
      [new GameProposer({ claim: p4.claim.claim, batch: p4.gameBatch, parent: parent4 }, p4.honest), HONEST_KEY],
      [wrongChallenger, WRONG_CHALLENGER_KEY],
    );
    console.log(`(b) wrong challenger game: ${moves.join(", ")}`);
    expect(result).toBe(PHASE.ProposerWon);
    const burn = (BOND * BURN_BPS) / 10_000n;
    expect(await read<bigint>(anvil, w.a.disputeGame, "DisputeGame", "balanceOf", [proposerAddress])).toBe(before + BOND - burn);
    expect(await read<bigint>(anvil, w.a.disputeGame, "DisputeGame", "balanceOf", [privateKeyToAccount(WRONG_CHALLENGER_KEY).address])).toBe(0n);
    await anvil.increaseTime(WINDOW + 1n);
    await w.confirm(p4);

    // batch 5: a wrong claim whose proposer never answers: the challenger times it out
    const p5 = await w.postAndRun(mk(3));
    const wrong5 = tamperedOf(w, p5, 1);
    const dispute5 = { claim: wrong5.claim, batch: p5.gameBatch, parent: { claim: p4.claim.claim, treeRoot: p5.pre.treeRoot, slotCount: p5.pre.slotCount } };
    const wrongHash = await w.propose(wrong5.claim, DISHONEST_KEY);
    await w.propose(p5.claim);
    const challenger = new GameChallenger(dispute5, p5.honest);
    const id5 = await challenge(w, challenger, CHALLENGER_KEY);
    const played = await play(w, id5, [new GameProposer(dispute5, wrong5.trace), DISHONEST_KEY], [challenger, CHALLENGER_KEY], "proposer");
    console.log(`(b) timeout game: ${played.moves.join(", ")}`);
    expect(played.moves).toContain("challenger:timeout");
    expect(played.result).toBe(PHASE.ChallengerWon);
    expect(await w.status(wrongHash)).toBe(3);
    await anvil.increaseTime(WINDOW + 1n);
    await w.confirm(p5);
    await w.payWithdrawals(p5);
    await w.checkConservation("after batch 5");
  }, 240_000);

  it("(c)(f) a sequencer skipping an overdue message cannot post; anyone force-includes it; a follower from genesis reaches the sequencer's state root", async () => {
    await w.deposit(2, 1, 9n * E18);
    const overdue = (await w.pending())[0]!;
    await anvil.increaseTime(FORCE_DELAY + 1n);
    const skipping = w.sequencer.postBatch({ feePairs: [], l1Messages: [], txs: [] });
    await expect(skipping).rejects.toThrow(L1Error);
    await expect(skipping).rejects.toThrow(new RegExp(`OverdueMessageSkipped\\(${overdue.index}, `));
    const first = `0x${Buffer.from(recordPreimage(overdue.bytes, overdue.l1Timestamp)).toString("hex")}` as Hex;
    w.note("forceInclude", await send(anvil, USER_KEYS[1]!, w.a.batches, "Batches", "forceInclude", [1, first, "0x"]));
    const forced = await anvil.publicClient.getContractEvents({
      address: w.a.batches,
      abi: BATCHES_ABI,
      eventName: "BatchPosted",
      fromBlock: w.a.fromBlock,
      strict: true,
    });
    const last = forced[forced.length - 1]!;
    const header = headerFromEvent(last.args.header);
    expect(header).toMatchObject({ index: 6n, daLength: 0, inboxStart: overdue.index, inboxCount: 1 });
    await w.run(
      { header, headerHash: last.args.headerHash, da: new Uint8Array(0), gasUsed: 0n, transactionHash: last.transactionHash },
      { feePairs: [], l1Messages: [overdue.message], txs: [] },
    );
    await w.checkConservation("after the forced inclusion");
    // the sequencer carries on at the next index
    const a1 = w.slotOf(0, 1);
    await w.postAndRun([w.sign(0, { type: "withdraw", from: a1, amount: E18, fee: 0n, nonce: w.nonceOf(a1) })]);
    const follower = new Follower(anvil.publicClient, w.a);
    const followed = Engine.create({ genesis: w.genesis, ...w.domain, recovery: nodeRecovery });
    try {
      const applied = await follower.follow(followed);
      expect(applied.map((x) => x.batch.header.index)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n]);
      expect(followed.stateRoot()).toBe(w.engine.stateRoot());
      applied.forEach((x, i) => expect(x.result.postStateRoot, `batch ${i + 1}`).toBe(w.posted[i]!.honest.result.postStateRoot));
    } finally {
      followed.dispose();
    }
  }, 120_000);

  it("(d) the escape hatch: no confirmation for escapeDelay freezes the rollup; a slot exits against the last confirmed state; an unconsumed deposit is refunded", async () => {
    // batches 6 and 7 are posted but never confirmed; a deposit queued and never consumed
    await w.deposit(1, 2, 4n * E18);
    const bridgeAbi = "Bridge";
    const lastConfirmed = w.posted[4]!; // batch 5
    const lastHeader: BatchHeader = lastConfirmed.posted.header;
    const exiter = 1;
    const exitSlotIndex = w.slotOf(exiter, 1);
    // the exit is against batch 5's post-state: the state batch 6 ran on
    const state5 = w.posted[5]!.pre.engine;
    const args = slotExitArgs(state5, exitSlotIndex, lastConfirmed.claim);
    await expect(exitSlot(anvil.wallet(USER_KEYS[exiter]!) as never, anvil.publicClient, w.a.bridge, args)).rejects.toMatchObject({ errorName: "NotFrozen" });
    expect(await read<boolean>(anvil, w.a.claims, "Claims", "frozen")).toBe(false);
    await anvil.increaseTime(ESCAPE_DELAY + 1n);
    expect(await read<boolean>(anvil, w.a.claims, "Claims", "frozen")).toBe(true);
    const token1 = w.tokens[0]!;
    const slot = state5.getSlot(exitSlotIndex);
    const before = await read<bigint>(anvil, token1, "TestToken", "balanceOf", [USERS[exiter]]);
    const hash = await exitSlot(anvil.wallet(USER_KEYS[exiter]!) as never, anvil.publicClient, w.a.bridge, args);
    w.note("exit", (await anvil.publicClient.getTransactionReceipt({ hash })).gasUsed);
    expect(await read<bigint>(anvil, token1, "TestToken", "balanceOf", [USERS[exiter]])).toBe(before + slot.balance);
    await expect(exitSlot(anvil.wallet(USER_KEYS[exiter]!) as never, anvil.publicClient, w.a.bridge, args)).rejects.toMatchObject({
      errorName: "AlreadyExited",
    });
    // an exit against a state that is not the last confirmed one is refused before anything is sent
    expect(() => slotExitArgs(w.engine, exitSlotIndex, lastConfirmed.claim)).toThrow(/not the last confirmed state root/);
    // deposits not in the confirmed state: the one batch 6 force-included, and the one never consumed
    await w.inboxReader.sync();
    const end = lastHeader.inboxStart + BigInt(lastHeader.inboxCount);
    const unconfirmed = w.inboxReader.range(end, Number(w.inboxReader.count() - end)).filter((m) => m.message.kind === "deposit");
    expect(unconfirmed.length).toBe(2);
    for (const m of unconfirmed) {
      if (m.message.kind !== "deposit") continue;
      const erc20 = w.tokens[m.message.token - 1]!;
      const owner = m.message.owner;
      const b = await read<bigint>(anvil, erc20, "TestToken", "balanceOf", [owner]);
      const r = refundArgs(m.index, m.message, m.l1Timestamp, lastHeader);
      const h = await refundDeposit(anvil.wallet(CHALLENGER_KEY) as never, anvil.publicClient, w.a.bridge, r);
      w.note("refund", (await anvil.publicClient.getTransactionReceipt({ hash: h })).gasUsed);
      expect(await read<bigint>(anvil, erc20, "TestToken", "balanceOf", [owner])).toBe(b + m.message.amount);
      await expect(refundDeposit(anvil.wallet(CHALLENGER_KEY) as never, anvil.publicClient, w.a.bridge, r)).rejects.toMatchObject({
        errorName: "AlreadyRefunded",
      });
      expect(await read<boolean>(anvil, w.a.bridge, bridgeAbi, "isRefunded", [m.index])).toBe(true);
    }
    // a consumed deposit of a confirmed batch is not refundable (it is in the state: exit it)
    const consumed = w.inboxReader.range(0n, 1)[0]!;
    if (consumed.message.kind === "deposit")
      expect(() => refundArgs(0n, consumed.message as never, consumed.l1Timestamp, lastHeader)).toThrow(/consumed by confirmed batch/);
    // nothing proposes or confirms once frozen; the sequencer's batches are moot
    await expect(send(anvil, HONEST_KEY, w.a.claims, "Claims", "propose", [w.posted[5]!.claim.bytes], BOND)).rejects.toThrow(/Frozen/);
  }, 120_000);

  it("(e) validium: a committee deployment takes a batch with a quorum of signatures and refuses too few", async () => {
    const members = [0x41, 0x42, 0x43].map((i) => privateKeyToAccount(`0x${i.toString(16).padStart(64, "0")}`));
    const v = await World.create(anvil, { committee: members.map((m) => m.address), quorum: 2 });
    try {
      await v.deposit(0, 1, 10n * E18);
      const messages = (await v.pending()).map((m) => m.message);
      const batch: Batch = { feePairs: [{ token: 1, slot: 0 }], l1Messages: messages, txs: [] };
      const da = encodeBatch({ feePairs: batch.feePairs, txs: batch.txs });
      const daHash = keccak256(da);
      const digest = hashTypedData({
        domain: { name: "l2engine", version: "1", chainId: ANVIL_CHAIN_ID, verifyingContract: v.a.batches },
        types: COMMITTEE_BATCH_TYPES,
        primaryType: "CommitteeBatch",
        message: { index: 1n, daHash, daLength: da.length },
      });
      const sorted = [...members].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
      const sign = async (ms: typeof members) => `0x${(await Promise.all(ms.map((m) => m.sign({ hash: digest })))).map((x) => x.slice(2)).join("")}` as Hex;
      const args = (sigs: Hex) => [1n, messages.length, daHash, da.length, sigs, "0x"];
      await expect(send(anvil, HONEST_KEY, v.a.batches, "Batches", "postCommitteeBatch", args(await sign(sorted.slice(0, 1))))).rejects.toThrow(
        /CommitteeQuorumNotMet\(1, 2\)/,
      );
      await expect(send(anvil, HONEST_KEY, v.a.batches, "Batches", "postCommitteeBatch", args(await sign([sorted[1]!, sorted[0]!])))).rejects.toThrow(
        /BadCommitteeSignature/,
      );
      v.note("postCommitteeBatch", await send(anvil, HONEST_KEY, v.a.batches, "Batches", "postCommitteeBatch", args(await sign(sorted.slice(1, 3)))));
      // a follower gets the data from the committee, checked against the header; the claim confirms
      const follower = new Follower(anvil.publicClient, v.a, async () => da);
      const [b1] = await follower.batches();
      expect(b1!.header.daKind).toBe(2);
      const logs = await anvil.publicClient.getContractEvents({
        address: v.a.batches,
        abi: BATCHES_ABI,
        eventName: "BatchPosted",
        fromBlock: v.a.fromBlock,
        strict: true,
      });
      const p = await v.run({ header: b1!.header, headerHash: b1!.headerHash, da, gasUsed: 0n, transactionHash: logs[0]!.transactionHash }, batch);
      await v.propose(p.claim);
      await anvil.increaseTime(WINDOW + 1n);
      await v.confirm(p);
      await v.checkConservation("validium batch 1");
      console.log(`validium: committee batch ${v.gas.postCommitteeBatch}`);
    } finally {
      v.dispose();
    }
  }, 120_000);
});
