// The dispute game's test bench: an in-process EVM with callers, value, block time and logs
// (test/l1/evm.ts prices calls the same way), the real StepVerifier and OneStepProver, the
// GameTestStubs for Claims/Batches/Inbox, and batches run by the engine with honest and tampered
// traces (tampered at the level of meaning: a transaction that "failed", a deposit of another
// amount, a settlement that did nothing, another pre-state, a final commitment that is not the
// last leaf, a wrong step count, a non-zero padding leaf).
import type { EVM } from "@ethereumjs/evm";
import { Account, createAddressFromString as addr, hexToBytes } from "@ethereumjs/util";
import { type Abi, decodeErrorResult, decodeEventLog, decodeFunctionResult, encodeDeployData, encodeFunctionData, type Hex } from "viem";
import {
  Engine,
  addressOf,
  claimHash,
  commitmentOf,
  contextHash,
  encodeClaim,
  encodeStepProof,
  fromHex,
  headerHash,
  inboxRecord,
  makeClaim,
  proveSteps,
  signTransaction,
  traceRoot,
  toHex,
  type Batch,
  type Claim,
  type L1Message,
  type SignedTx,
  type Slot,
  type Tx,
} from "../../src/index.js";
import { nodeRecovery } from "../../src/node.js";
import {
  GameChallenger,
  GameProposer,
  PHASE,
  toGameView,
  traceBatchOnL1,
  type GameBatch,
  type GameMove,
  type GameView,
  type PartyTrace,
} from "../../src/l1/game.js";
import { InProcessEvm, artifact, wholeTxGas } from "./evm.js";
import { TEST_KEYS, postBatch } from "./glue.js";

export const ZERO32 = `0x${"00".repeat(32)}` as Hex;
export const BOND = 25n * 10n ** 16n; // 0.25 ether
export const CLOCK = 302_400n; // 3.5 days
export const WINDOW = 604_800n; // 7 days
export const BURN_BPS = 2000n;
export const T0 = 1_800_000_000n;

export const PROPOSER = "0x00000000000000000000000000000000000000a1" as Hex;
export const CHALLENGER = "0x00000000000000000000000000000000000000c1" as Hex;
export const CHALLENGER2 = "0x00000000000000000000000000000000000000c2" as Hex;
export const STRANGER = "0x00000000000000000000000000000000000000e1" as Hex;
/** Deploys every contract of the bench: the only address that may `bind` Inbox and Claims. */
export const DEPLOYER = "0x00000000000000000000000000000000000000d0" as Hex;

export interface TxResult<T = unknown> {
  ok: boolean;
  value?: T;
  /** The custom error's name and args when !ok. */
  error?: { name: string; args: readonly unknown[] };
  gas: bigint;
  /** Gas of the whole transaction (21,000 + EIP-7623 calldata + execution). */
  txGas: bigint;
  logs: { eventName: string; args: Record<string, unknown> }[];
}

/** A contract on the bench's EVM. */
export class Contract {
  constructor(
    readonly bench: GameBench,
    readonly address: Hex,
    readonly abi: Abi,
  ) {}
  send<T = unknown>(functionName: string, args: readonly unknown[], opts: { from?: Hex; value?: bigint } = {}): Promise<TxResult<T>> {
    return this.bench.call<T>(this, functionName, args, opts);
  }
  async read<T>(functionName: string, args: readonly unknown[] = []): Promise<T> {
    const r = await this.bench.call<T>(this, functionName, args, {});
    if (!r.ok) throw new Error(`${functionName} reverted: ${r.error?.name}`);
    return r.value as T;
  }
}

const ERROR_ABIS: Abi[] = [];

export class GameBench {
  now = T0;
  private constructor(readonly evm: EVM) {}

  /** @param options.kzg a loaded kzg-wasm for precompile 0x0a (blob batches), as InProcessEvm takes it */
  static async create(options: { kzg?: unknown } = {}): Promise<GameBench> {
    const base = await InProcessEvm.create(options);
    const bench = new GameBench((base as unknown as { evm: EVM }).evm);
    for (const a of [PROPOSER, CHALLENGER, CHALLENGER2, STRANGER, DEPLOYER]) await bench.fund(a, 10n ** 21n);
    return bench;
  }

  async fund(address: Hex, wei: bigint): Promise<void> {
    await this.evm.stateManager.putAccount(addr(address), new Account(0n, wei));
  }

  async balance(address: Hex): Promise<bigint> {
    return (await this.evm.stateManager.getAccount(addr(address)))?.balance ?? 0n;
  }

  private block() {
    return {
      header: {
        number: 100n,
        coinbase: addr(`0x${"00".repeat(20)}`),
        timestamp: this.now,
        difficulty: 0n,
        prevRandao: new Uint8Array(32),
        gasLimit: 60_000_000n,
        baseFeePerGas: 0n,
        slotNumber: 0n,
        getBlobGasPrice: () => undefined,
      },
    };
  }

  async deploy(name: string, args: readonly unknown[] = []): Promise<Contract> {
    const a = artifact(name);
    ERROR_ABIS.push(a.abi);
    const data = args.length ? encodeDeployData({ abi: a.abi, bytecode: a.bytecode, args } as never) : a.bytecode;
    const account = (await this.evm.stateManager.getAccount(addr(DEPLOYER)))!;
    const r = await this.evm.runCall({ caller: addr(DEPLOYER), data: hexToBytes(data), gasLimit: 30_000_000n, block: this.block() as never });
    account.nonce += 1n;
    await this.evm.stateManager.putAccount(addr(DEPLOYER), account);
    if (r.execResult.exceptionError || !r.createdAddress) throw new Error(`deploy ${name} failed: ${r.execResult.exceptionError?.error}`);
    return new Contract(this, r.createdAddress.toString() as Hex, a.abi);
  }

  async call<T>(c: Contract, functionName: string, args: readonly unknown[], opts: { from?: Hex; value?: bigint }): Promise<TxResult<T>> {
    const data = encodeFunctionData({ abi: c.abi, functionName, args } as never);
    const from = opts.from ?? STRANGER;
    // a transaction's warm set (EIP-2929): its sender, its target and the precompiles
    const journal = (this.evm as unknown as { journal: { cleanJournal(): void; addAlwaysWarmAddress(a: string): void } }).journal;
    journal.cleanJournal();
    // and its own original storage values (EIP-2200): ethereumjs's SimpleStateManager keeps them
    // from the first call on, which would price every later write of a slot as a dirty one
    (this.evm.stateManager as unknown as { originalStorageCache: { clear(): void } }).originalStorageCache.clear();
    journal.addAlwaysWarmAddress(c.address.toLowerCase());
    journal.addAlwaysWarmAddress(from.toLowerCase());
    for (let i = 1; i <= 0x11; i++) journal.addAlwaysWarmAddress(`0x${i.toString(16).padStart(40, "0")}`);
    const r = await this.evm.runCall({
      caller: addr(from),
      origin: addr(from),
      to: addr(c.address),
      data: hexToBytes(data),
      value: opts.value ?? 0n,
      gasLimit: 30_000_000n,
      block: this.block() as never,
    });
    const gas = r.execResult.executionGasUsed;
    const txGas = wholeTxGas(data, gas);
    const out = `0x${Buffer.from(r.execResult.returnValue).toString("hex")}` as Hex;
    if (r.execResult.exceptionError) return { ok: false, error: decodeError(out), gas, txGas, logs: [] };
    const logs: TxResult["logs"] = [];
    for (const [, topics, payload] of r.execResult.logs ?? []) {
      try {
        const ev = decodeEventLog({ abi: c.abi, topics: topics.map((t) => toHex(t)) as [Hex, ...Hex[]], data: toHex(payload) });
        logs.push({ eventName: ev.eventName as unknown as string, args: ev.args as unknown as Record<string, unknown> });
      } catch {
        // a callee's event (the token's Transfer, Claims' under the game): not in this ABI
      }
    }
    return { ok: true, value: decodeFunctionResult({ abi: c.abi, functionName, data: out } as never) as T, gas, txGas, logs };
  }
}

function decodeError(data: Hex): { name: string; args: readonly unknown[] } {
  if (data === "0x") return { name: "(empty revert)", args: [] };
  for (const abi of ERROR_ABIS) {
    try {
      const e = decodeErrorResult({ abi, data });
      return { name: e.errorName, args: (e.args ?? []) as readonly unknown[] };
    } catch {
      // not one of this contract's errors
    }
  }
  return { name: `(unknown ${data.slice(0, 10)})`, args: [] };
}

/** The deployed game with its stubs. */
export interface Deployment {
  bench: GameBench;
  claims: Contract;
  batches: Contract;
  inbox: Contract;
  game: Contract;
  genesisStateRoot: Hex;
}

export async function deployGame(bench: GameBench, genesisStateRoot: Hex): Promise<Deployment> {
  const inbox = await bench.deploy("InboxStub");
  const batches = await bench.deploy("BatchesStub");
  const claims = await bench.deploy("ClaimsStub", [genesisStateRoot]);
  const verifier = await bench.deploy("StepVerifier");
  const prover = await bench.deploy("OneStepProver", [verifier.address]);
  const game = await bench.deploy("DisputeGame", [claims.address, batches.address, inbox.address, prover.address, BOND, CLOCK, Number(BURN_BPS)]);
  await claims.send("bind", [game.address]);
  return { bench, claims, batches, inbox, game, genesisStateRoot };
}

/** The domain the bench's engine signs under: chain id 1 (ethereumjs's mainnet), the inbox stub. */
export function domainOf(d: Deployment) {
  return { chainId: 1n, verifyingContract: d.inbox.address };
}

export const OWNERS = TEST_KEYS.map(addressOf);

/** A genesis of `slots` slots owned by the test keys, token 1 (slot 5 is the fee slot). */
export function genesisSlots(slots = 8, bump = 0n): Slot[] {
  return Array.from({ length: slots }, (_, i) => ({ owner: OWNERS[i % 4]!, token: 1, balance: 10n ** 24n + (i === 2 ? bump : 0n), nonce: 0n }));
}

/** A batch of `deposits` L1 deposits and `transfers` signed transfers among slots 0 … 3. */
export function makeBatch(engineDomain: { chainId: bigint; verifyingContract: Hex }, deposits: number, transfers: number): Batch {
  const l1Messages: L1Message[] = Array.from({ length: deposits }, (_, i) => ({
    kind: "deposit",
    owner: OWNERS[i % 4]!,
    token: 1,
    amount: 1000n + BigInt(i),
    slot: i % 4,
  }));
  const nonces = [0n, 0n, 0n, 0n];
  const txs: SignedTx[] = Array.from({ length: transfers }, (_, i) => {
    const from = i % 4;
    const tx: Tx = { type: "transfer", from, to: (from + 1) % 4, amount: 10n ** 18n + BigInt(i), fee: 10n ** 15n, nonce: nonces[from]!++ };
    return signTransaction(tx, TEST_KEYS[from]!, engineDomain) as SignedTx;
  });
  return { feePairs: [{ token: 1, slot: 5 }], l1Messages, txs };
}

/** A claim's whole story: the posted batch, the honest trace, and the claim. */
export interface Story {
  d: Deployment;
  engine: Engine;
  batch: Batch;
  gameBatch: GameBatch;
  honest: PartyTrace;
  claim: Claim;
  parent: { claim: null; treeRoot: Hex; slotCount: number };
  domain: { chainId: bigint; verifyingContract: Hex };
}

/** Posts `batch` as batch 1 on genesis: header hash in Batches, records in the Inbox; the honest trace and claim. */
export async function story(d: Deployment, engine: Engine, batch: Batch): Promise<Story> {
  const posted = postBatch(batch, { index: 1n, inboxStart: 0n });
  const gameBatch: GameBatch = { header: posted.header, da: posted.da, messages: posted.messages, timestamps: posted.timestamps };
  await d.batches.send("setHeaderHash", [1n, headerHash(posted.header)]);
  for (let i = 0; i < posted.messages.length; i++) await d.inbox.send("setRecord", [BigInt(i), inboxRecord(posted.messages[i]!, posted.timestamps[i]!)]);
  return storyOf(d, engine, gameBatch);
}

/** The honest trace and claim of batch 1 (on genesis) already posted as `gameBatch`, stubs or the real contracts. */
export function storyOf(d: Deployment, engine: Engine, gameBatch: GameBatch): Story {
  const domain = domainOf(d);
  const honest = traceBatchOnL1(engine, gameBatch);
  const claim = makeClaim(
    honest.batch,
    { result: honest.result, steps: honest.leaves as Hex[], traceRoot: traceRootOf(engine, honest.leaves) },
    engine.slotCount(),
    domain,
    {
      batchIndex: 1n,
      headerHash: headerHash(gameBatch.header),
      parentClaimHash: ZERO32,
    },
  );
  return {
    d,
    engine,
    batch: honest.batch,
    gameBatch,
    honest,
    claim,
    parent: { claim: null, treeRoot: engine.treeRoot(), slotCount: engine.slotCount() },
    domain,
  };
}

export function traceRootOf(engine: Engine, leaves: readonly Hex[]): Hex {
  return traceRoot(engine.core, leaves);
}

/** A claim for `leaves` (a tampered trace) whose posted roots open `final` by `parts`. */
export function claimFor(
  s: Story,
  leaves: readonly Hex[],
  opening?: { postStateRoot: Hex; withdrawalsRoot: Hex; withdrawalCount: number; contextHash: Hex },
): Claim {
  const o = opening ?? {
    postStateRoot: s.claim.postStateRoot,
    withdrawalsRoot: s.claim.withdrawalsRoot,
    withdrawalCount: s.claim.withdrawalCount,
    contextHash: s.claim.contextHash,
  };
  const final = commitmentOf(fromHex(o.postStateRoot), fromHex(o.withdrawalsRoot), o.withdrawalCount, fromHex(o.contextHash));
  return { ...s.claim, traceRoot: traceRootOf(s.engine, leaves), finalCommitment: final, ...o };
}

/** The opening of C_count's parts (applyPrefix on a fork), as a claim's posted roots. */
export function openingAt(s: Story, batch: Batch, count: number) {
  const fork = s.engine.fork();
  try {
    const p = fork.applyPrefix(batch, count);
    return {
      postStateRoot: p.stateRoot,
      withdrawalsRoot: p.withdrawalsRoot,
      withdrawalCount: p.withdrawalCount,
      contextHash: toHex(contextHash(s.domain, p.baseSlotCount, p.feePairs, p.owedFees)) as Hex,
    };
  } finally {
    fork.dispose();
  }
}

/** Registers `claim` as pending in the Claims stub (window from now) and returns its hash. */
export async function propose(s: Story, claim: Claim, proposer: Hex = PROPOSER): Promise<Hex> {
  await s.d.claims.send("register", [toHex(encodeClaim(claim)), proposer, s.d.bench.now + WINDOW]);
  return claimHash(claim);
}

/** The game's view. */
export async function viewOf(d: Deployment, gameId: bigint): Promise<GameView> {
  return toGameView(await d.game.read<Record<string, unknown>>("gameOf", [gameId]));
}

/** Sends a party's move from `from`. */
export function sendMove(d: Deployment, move: GameMove, from: Hex): Promise<TxResult> {
  return d.game.send(move.functionName, move.args, { from, value: move.value });
}

export interface Played {
  gameId: bigint;
  result: number;
  /** Gas of each move as a whole transaction, by function name. */
  moves: { fn: string; by: "proposer" | "challenger"; txGas: bigint; gas: bigint }[];
  /** Moves that reverted (nothing decided). */
  reverts: { fn: string; by: "proposer" | "challenger"; error: string }[];
}

/**
 * Plays a game to its end: the challenger opens it, then each party moves when its turn comes
 * (the one whose move is due; `idle` parties never move, so their clock runs out: time jumps).
 */
export async function play(
  d: Deployment,
  proposer: GameProposer,
  challenger: GameChallenger,
  opts: { challengerAddress?: Hex; idle?: "proposer" | "challenger"; gameId?: bigint; maxMoves?: number; challengerFirst?: boolean } = {},
): Promise<Played> {
  const from = opts.challengerAddress ?? CHALLENGER;
  const moves: Played["moves"] = [];
  const reverts: Played["reverts"] = [];
  let gameId = opts.gameId;
  if (gameId === undefined) {
    const r = await sendMove(d, challenger.challengeMove(BOND), from);
    if (!r.ok) throw new Error(`challenge reverted: ${r.error?.name}`);
    gameId = r.value as bigint;
    moves.push({ fn: "challenge", by: "challenger", txGas: r.txGas, gas: r.gas });
  }
  let lastRevealed: readonly Hex[] | null = null;
  for (let i = 0; i < (opts.maxMoves ?? 100); i++) {
    const view = await viewOf(d, gameId);
    if (view.phase >= PHASE.ProposerWon) return { gameId, result: view.phase, moves, reverts };
    let moved = false;
    for (const by of opts.challengerFirst ? (["challenger", "proposer"] as const) : (["proposer", "challenger"] as const)) {
      if (opts.idle === by) continue;
      const move = by === "proposer" ? proposer.nextMove(gameId, view, d.bench.now) : challenger.nextMove(gameId, view, d.bench.now, lastRevealed);
      if (move === null) continue;
      const r = await sendMove(d, move, by === "proposer" ? PROPOSER : from);
      if (!r.ok) {
        // a proposer defending a wrong leaf has no proof L1 accepts: its settle reverts, nothing is decided
        reverts.push({ fn: move.functionName, by, error: r.error!.name });
        continue;
      }
      for (const l of r.logs) if (l.eventName === "Revealed") lastRevealed = l.args.children as Hex[];
      moves.push({ fn: move.functionName, by, txGas: r.txGas, gas: r.gas });
      moved = true;
      break;
    }
    // nobody could move: time passes until the mover's clock runs out
    d.bench.now += moved ? 60n : CLOCK + 1n;
  }
  throw new Error("play: the game did not end");
}

/** Transaction `i` of the batch with a signature that recovers no owner: the proposer says it failed. */
export function withFailedTx(batch: Batch, i: number): Batch {
  const txs = batch.txs.map((t, k) => (k === i ? ({ ...t, signature: `0x${"11".repeat(64)}1b` } as SignedTx) : t));
  return { ...batch, txs };
}

/** The proposer's trace and proofs of `batch` on `on`. */
export function proofsOf(on: Engine, batch: Batch): PartyTrace {
  const signers = on.recoverSigners(batch);
  const fork = on.fork();
  const { steps } = fork.traceBatch(batch, { signers });
  fork.dispose();
  const proofs = [...proveSteps(on, batch, { signers })].map(encodeStepProof);
  return { leaves: steps, proofs };
}

/** The claim opening of the whole batch run on `on`. */
export function openingOfEngine(on: Engine, s: Story, batch: Batch) {
  const fork = on.fork();
  try {
    const r = fork.traceBatch(batch).result;
    return {
      postStateRoot: r.postStateRoot,
      withdrawalsRoot: r.withdrawalsRoot,
      withdrawalCount: r.withdrawals.length,
      contextHash: toHex(contextHash(s.domain, on.slotCount(), batch.feePairs, r.fees)),
    };
  } finally {
    fork.dispose();
  }
}

export { GameChallenger, GameProposer, PHASE, Engine, nodeRecovery };
export type { PartyTrace };
