// A watcher's view of a rollup on L1 (what `l2engine follow`, `challenge` and `withdraw` and the
// L1 demo's challenger share): the L2 chain derived from L1 and the genesis alone (the Follower),
// the claim an honest proposer would post for every batch (each on the honest claim before it),
// and, for a claim that differs, a GameChallenger holding its own re-execution with every step's
// proof. Nothing is trusted from the sequencer or the proposers but what L1 stored.
import type { Abi, Hex, PublicClient } from "viem";
import { Engine } from "../engine/engine.js";
import type { RecoveryBackend } from "../protocol/signatures.js";
import type { Eip712Domain } from "../protocol/eip712.js";
import type { BatchResult, Slot } from "../protocol/types.js";
import { claimForBatch, type EncodedClaim } from "./bridge.js";
import { Follower, type FollowedBatch } from "./follower.js";
import { GameChallenger, type GameBatch, traceBatchOnL1 } from "./game.js";
import { InboxReader } from "./inbox.js";
import type { PostedClaim } from "./play.js";
import type { InboxBatchesAddresses } from "./sequencer.js";

const ZERO_HASH = `0x${"00".repeat(32)}` as Hex;

/** One batch as a watcher derived it. */
export interface WatchedBatch {
  followed: FollowedBatch;
  /** The batch as the dispute game sees it (header, DA bytes, messages and their timestamps). */
  gameBatch: GameBatch;
  /** The state the batch ran on. */
  pre: { stateRoot: Hex; treeRoot: Hex; slotCount: number };
  result: BatchResult;
  /** The claim an honest proposer posts for it, on the honest claim of the batch before. */
  honest: EncodedClaim;
}

/** What a watcher thinks of a posted claim. */
export type Verdict =
  | { kind: "agrees" }
  /** Its batch is not derived (yet): nothing can be said. */
  | { kind: "unknown-batch" }
  /** It builds on a claim other than the honest one: it falls when its parent does. */
  | { kind: "other-parent" }
  /** Same parent, another outcome: wrong. */
  | { kind: "wrong" };

/**
 * The L2 chain derived from L1 from genesis, with the honest claim of each batch.
 */
export class Watcher {
  readonly batches: WatchedBatch[] = [];
  private readonly follower: Follower;
  private readonly inbox: InboxReader;
  /** The state after the last derived batch. */
  readonly engine: Engine;

  constructor(
    client: PublicClient,
    readonly addresses: InboxBatchesAddresses,
    readonly genesis: readonly Slot[],
    readonly domain: Eip712Domain,
    private readonly recovery?: RecoveryBackend,
  ) {
    this.follower = new Follower(client, addresses);
    this.inbox = new InboxReader(client, addresses.inbox, addresses.fromBlock ?? 0n);
    this.engine = this.freshEngine();
  }

  private freshEngine(): Engine {
    return Engine.create({ genesis: this.genesis, ...this.domain, recovery: this.recovery });
  }

  /** The genesis state root (what batch 1's claims build on). */
  genesisStateRoot(): Hex {
    const e = this.freshEngine();
    try {
      return e.stateRoot();
    } finally {
      e.dispose();
    }
  }

  /**
   * Derives every batch posted since the last call.
   * @returns the batches derived now.
   * @throws L1Error as {@link Follower.batches}.
   */
  async sync(): Promise<WatchedBatch[]> {
    const all = await this.follower.batches();
    await this.inbox.sync();
    const fresh: WatchedBatch[] = [];
    for (let k = this.batches.length; k < all.length; k++) {
      const followed = all[k]!;
      const { header } = followed;
      const messages = this.inbox.range(header.inboxStart, header.inboxCount);
      const gameBatch: GameBatch = { header, da: followed.da, messages: messages.map((m) => m.message), timestamps: messages.map((m) => m.l1Timestamp) };
      const pre = { stateRoot: this.engine.stateRoot(), treeRoot: this.engine.treeRoot(), slotCount: this.engine.slotCount() };
      const fork = this.engine.fork();
      let traced: ReturnType<Engine["traceBatch"]>;
      try {
        traced = fork.traceBatch(followed.batch);
      } finally {
        fork.dispose();
      }
      const result = this.engine.applyBatch(followed.batch);
      const parentClaimHash = k === 0 ? ZERO_HASH : this.batches[k - 1]!.honest.hash;
      const honest = claimForBatch(followed.batch, traced, pre.slotCount, this.domain, {
        batchIndex: header.index,
        headerHash: followed.headerHash,
        parentClaimHash,
      });
      const w: WatchedBatch = { followed, gameBatch, pre, result, honest };
      this.batches.push(w);
      fresh.push(w);
    }
    return fresh;
  }

  /** What this watcher thinks of `c` (after a {@link sync} that covers its batch). */
  verdict(c: PostedClaim): Verdict {
    const w = this.batches[Number(c.claim.batchIndex) - 1];
    if (w === undefined || c.claim.batchIndex < 1n) return { kind: "unknown-batch" };
    if (c.hash.toLowerCase() === w.honest.hash.toLowerCase()) return { kind: "agrees" };
    if (c.claim.parentClaimHash.toLowerCase() !== w.honest.claim.parentClaimHash.toLowerCase()) return { kind: "other-parent" };
    return { kind: "wrong" };
  }

  /**
   * A state holding batch `index`'s pre-state (genesis replayed to it); the caller disposes it.
   * @throws RangeError when the batch is not derived.
   */
  engineBefore(index: number): Engine {
    if (index < 1 || index > this.batches.length) throw new RangeError(`batch ${index} is not derived (${this.batches.length} batches)`);
    const e = this.freshEngine();
    for (let k = 0; k < index - 1; k++) e.applyBatch(this.batches[k]!.followed.batch);
    return e;
  }

  /**
   * The challenger of claim `c` of a derived batch: this watcher's re-execution of the batch with
   * every step's proof, the claim's parent opened from its own pre-state.
   */
  challengerFor(c: PostedClaim): GameChallenger {
    const index = Number(c.claim.batchIndex);
    const w = this.batches[index - 1]!;
    const pre = this.engineBefore(index);
    try {
      const honest = traceBatchOnL1(pre, w.gameBatch);
      const parent = { claim: index === 1 ? null : this.batches[index - 2]!.honest.claim, treeRoot: w.pre.treeRoot, slotCount: w.pre.slotCount };
      return new GameChallenger({ claim: c.claim, batch: w.gameBatch, parent }, { leaves: honest.leaves, proofs: honest.proofs });
    } finally {
      pre.dispose();
    }
  }

  /** Frees the engine. */
  dispose(): void {
    this.engine.dispose();
  }
}

/** The GameOpened events of `game` against `claimHash` (optionally by one challenger), in order. */
export async function gamesAgainst(client: PublicClient, game: Hex, abi: Abi, claimHash: Hex, fromBlock: bigint, challenger?: Hex): Promise<bigint[]> {
  const logs = (await client.getContractEvents({
    address: game,
    abi,
    eventName: "GameOpened",
    args: { claimHash, ...(challenger ? { challenger } : {}) },
    fromBlock,
  })) as unknown as {
    args: { gameId: bigint };
  }[];
  return logs.map((l) => l.args.gameId);
}
