// The operator's glue between src/l1's parties and a live L1 node: send a contract call after
// simulating it (a refusal becomes an L1Error naming the contract's error, before gas is spent),
// read the claims posted so far from their events, and play one bisection game to its end — each
// side moving when its turn comes, the clock moved (or waited for) when nobody can move.
import type { Abi, Account, Chain, Hex, PublicClient, Transport, WalletClient } from "viem";
import { L1Error } from "../protocol/errors.js";
import { CLAIM_BYTES, type Claim } from "../protocol/l1-records.js";
import { type GameChallenger, GameProposer, type GameMove, PHASE, type Phase, toGameView, ViemGame } from "./game.js";
import { revertError } from "./revert.js";

/** A wallet with an account (what every sending helper here needs). */
export type L1Wallet = WalletClient<Transport, Chain | undefined, Account>;

/** What a sent transaction cost. */
export interface Sent {
  hash: Hex;
  gasUsed: bigint;
  /** Calldata bytes of the transaction (its input without the 0x). */
  inputBytes: number;
  /** What the function returned in the simulation (e.g. a new game's id). */
  result: unknown;
}

/**
 * Simulates `functionName` on `address` from `wallet`, then sends it and waits for the receipt.
 * @throws L1Error (REVERTED) naming the contract's custom error when the simulation or the
 *   transaction fails; `what` names the call in the message.
 */
export async function sendCall(
  client: PublicClient,
  wallet: L1Wallet,
  call: { address: Hex; abi: Abi; functionName: string; args?: readonly unknown[]; value?: bigint },
  what: string,
  options: { unsimulatedGas?: bigint } = {},
): Promise<Sent> {
  let request: unknown;
  let result: unknown;
  if (options.unsimulatedGas !== undefined) {
    // sent as is with a fixed gas limit: the node's latest block may be older than the chain's time
    request = { ...call, args: call.args ?? [], account: wallet.account, chain: wallet.chain, gas: options.unsimulatedGas };
  } else {
    try {
      ({ request, result } = await client.simulateContract({ ...call, args: call.args ?? [], account: wallet.account } as never));
    } catch (e) {
      throw revertError(call.abi, what, e);
    }
  }
  const hash = await wallet.writeContract(request as never);
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  const tx = await client.getTransaction({ hash });
  if (receipt.status !== "success")
    throw new L1Error("REVERTED", `${what}: transaction ${hash} reverted after its simulation passed (gas used ${receipt.gasUsed} of ${tx.gas})`);
  return { hash, gasUsed: receipt.gasUsed, inputBytes: (tx.input.length - 2) / 2, result };
}

/**
 * The 240 bytes of a claim (SPEC §13.3) as a {@link Claim}.
 * @throws L1Error (MISMATCH) when there are not 240 bytes.
 */
export function decodeClaim(bytes: Uint8Array): Claim {
  if (bytes.length !== CLAIM_BYTES) throw new L1Error("MISMATCH", `a claim is ${CLAIM_BYTES} bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = (at: number) => `0x${Buffer.from(bytes.subarray(at, at + 32)).toString("hex")}` as Hex;
  return {
    batchIndex: view.getBigUint64(0),
    headerHash: h(8),
    parentClaimHash: h(40),
    stepCount: view.getUint32(72),
    traceRoot: h(76),
    finalCommitment: h(108),
    postStateRoot: h(140),
    withdrawalsRoot: h(172),
    withdrawalCount: view.getUint32(204),
    contextHash: h(208),
  };
}

/** A claim as its ClaimProposed event carried it. */
export interface PostedClaim {
  hash: Hex;
  claim: Claim;
  proposer: Hex;
  blockNumber: bigint;
}

/**
 * Every claim proposed on `claims` from `fromBlock` on, in posting order.
 * @throws L1Error (MISMATCH) when an event's claim is not 240 bytes.
 */
export async function postedClaims(client: PublicClient, claims: Hex, abi: Abi, fromBlock: bigint): Promise<PostedClaim[]> {
  const logs = (await client.getContractEvents({ address: claims, abi, eventName: "ClaimProposed", fromBlock, strict: true })) as unknown as {
    args: { claimHash: Hex; proposer: Hex; claim: Hex };
    blockNumber: bigint;
  }[];
  return logs.map((l) => ({
    hash: l.args.claimHash,
    claim: decodeClaim(Buffer.from(l.args.claim.slice(2), "hex")),
    proposer: l.args.proposer,
    blockNumber: l.blockNumber,
  }));
}

/** One move as played: who sent it, what it cost, or why L1 refused it. */
export interface PlayedMove {
  by: "proposer" | "challenger";
  functionName: GameMove["functionName"];
  gasUsed: bigint;
  /** Set when L1 refused the move (nothing was decided): the contract's error. */
  refused?: string;
}

/** How a game is played against a node. */
export interface PlayOptions {
  /** The proposer's side; absent when someone else answers for it (or nobody does). */
  proposer?: { party: GameProposer; wallet: L1Wallet };
  challenger: { party: GameChallenger; wallet: L1Wallet };
  /**
   * Called when nobody can move until the mover's clock runs out: move the node's clock by
   * `seconds` (anvil's evm_increaseTime) and return true, or return false to wait in real time.
   */
  advanceClock?: (seconds: bigint) => Promise<boolean>;
  /** Real-time wait between polls when the clock is not moved (default 1,000 ms). */
  pollMs?: number;
  onMove?: (move: PlayedMove) => void;
  /** Give up after this many polls without a move (default: never). */
  maxIdlePolls?: number;
}

/**
 * Plays game `gameId` on `game` to its end: at each turn the party due moves (a proposer's move
 * that L1 refuses — it has no valid proof for a wrong leaf — is recorded and decides nothing),
 * and when nobody can move, the clock is moved or waited for until the mover's clock runs out.
 *
 * @returns the final phase (ProposerWon, ChallengerWon or Void) and every move.
 * @throws L1Error (REVERTED) when the challenger's move is refused; (NODE) after `maxIdlePolls`
 *   polls without a move; GameError as the parties' `nextMove`.
 */
export async function playGame(client: PublicClient, game: Hex, abi: Abi, gameId: bigint, o: PlayOptions): Promise<{ phase: Phase; moves: PlayedMove[] }> {
  const reader = new ViemGame(client, game, abi);
  const moves: PlayedMove[] = [];
  let idle = 0;
  for (;;) {
    const view = toGameView((await client.readContract({ address: game, abi, functionName: "gameOf", args: [gameId] })) as Record<string, unknown>);
    if (view.phase >= PHASE.ProposerWon) return { phase: view.phase, moves };
    // the chain's time, but never behind this machine's: an idle automining node mines no blocks
    const chainNow = await reader.now();
    const wallNow = BigInt(Math.floor(Date.now() / 1000));
    const now = chainNow > wallNow ? chainNow : wallNow;
    let moved = false;
    for (const side of ["proposer", "challenger"] as const) {
      const who = side === "proposer" ? o.proposer : o.challenger;
      if (who === undefined) continue;
      const move =
        who.party instanceof GameProposer
          ? who.party.nextMove(gameId, view, now)
          : (who.party as GameChallenger).nextMove(gameId, view, now, view.phase === PHASE.AwaitChoice ? await reader.revealed(gameId) : null);
      if (move === null) continue;
      try {
        const call = { address: game, abi, functionName: move.functionName, args: move.args, value: move.value };
        // a node that mines only on demand keeps an old latest block: simulated there, a timeout
        // that is due by the clock looks early; sent, its block takes the current time
        const stale = move.functionName === "timeout" && chainNow < now;
        const sent = await sendCall(client, who.wallet, call, `${side} ${move.functionName}`, stale ? { unsimulatedGas: 500_000n } : {});
        const played: PlayedMove = { by: side, functionName: move.functionName, gasUsed: sent.gasUsed };
        moves.push(played);
        o.onMove?.(played);
        moved = true;
        break;
      } catch (e) {
        // a timeout sent a moment early (this machine's clock ahead of the chain's) waits for the next poll
        const early =
          e instanceof L1Error && (/ClockNotExpired/.test(e.message) || (move.functionName === "timeout" && chainNow < now && e.fault === "REVERTED"));
        if (side === "challenger" && !early) throw e;
        if (side === "proposer" && !early) {
          const refused: PlayedMove = {
            by: side,
            functionName: move.functionName,
            gasUsed: 0n,
            refused: e instanceof Error ? e.message.replace(/^.*reverted: /, "") : String(e),
          };
          if (!moves.some((m) => m.refused && m.functionName === refused.functionName)) {
            moves.push(refused);
            o.onMove?.(refused);
          }
        }
      }
    }
    if (moved) {
      idle = 0;
      continue;
    }
    if (o.maxIdlePolls !== undefined && ++idle > o.maxIdlePolls) throw new L1Error("NODE", `game ${gameId}: no move possible after ${o.maxIdlePolls} polls`);
    const clock = view.phase === PHASE.AwaitChoice ? view.challengerClock : view.proposerClock;
    const left = view.lastMove + clock - now;
    if (left >= 0n && o.advanceClock !== undefined && (await o.advanceClock(left + 1n))) continue;
    await new Promise((r) => setTimeout(r, o.pollMs ?? 1000));
  }
}
