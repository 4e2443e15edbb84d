// A node that derives the L2 chain from L1 alone (SPEC §9.4, §13): inbox messages from the
// inbox's events, headers from BatchPosted events, each calldata batch's DA bytes from its posting
// transaction's `da` argument, then the derivation rule — the header's inbox range always, the
// DA's fee pairs and transactions when they decode — applied to an engine from the genesis.
import { keccak_256 } from "@noble/hashes/sha3.js";
import { decodeFunctionData, type Hex, hexToBytes, type PublicClient } from "viem";
import { deriveBatch } from "../da/codec.js";
import type { Engine } from "../engine/engine.js";
import { toHex } from "../protocol/bytes.js";
import { type DecodeError, L1Error } from "../protocol/errors.js";
import { type BatchHeader, DA_KIND, headerHash } from "../protocol/l1-records.js";
import type { Batch, BatchResult } from "../protocol/types.js";
import { InboxReader } from "./inbox.js";
import { BATCHES_ABI } from "./inbox-batches-abi.js";
import { headerFromEvent, type InboxBatchesAddresses } from "./sequencer.js";

/** One batch as derived from L1. */
export interface FollowedBatch {
  header: BatchHeader;
  headerHash: Hex;
  /** The DA bytes (empty for a forced inclusion). */
  da: Uint8Array;
  /** What the derivation rule gives: the header's messages always, the DA's pairs and transactions when they decode. */
  batch: Batch;
  /** Why the DA bytes did not decode (the batch then has only its messages), or null. */
  decodeError: DecodeError | null;
  transactionHash: Hex;
}

/**
 * DA bytes of a batch not posted as calldata (blobs, committee data), from wherever the node
 * gets them; they are checked against the header (committee: keccak256 = daHash, length).
 */
export type DaSource = (header: BatchHeader) => Promise<Uint8Array>;

/**
 * Follows the rollup on L1 from genesis. {@link batches} reads what was posted; {@link follow}
 * applies every batch not yet applied to an engine, in order.
 */
export class Follower {
  private readonly inbox: InboxReader;
  private readonly posted: FollowedBatch[] = [];
  private nextBlock: bigint;
  /** Index of the next batch to apply in {@link follow}. */
  private applied = 0;

  constructor(
    private readonly client: PublicClient,
    readonly addresses: InboxBatchesAddresses,
    private readonly daSource?: DaSource,
  ) {
    this.inbox = new InboxReader(client, addresses.inbox, addresses.fromBlock ?? 0n);
    this.nextBlock = addresses.fromBlock ?? 0n;
  }

  /**
   * Reads every batch posted since the last call and derives it.
   *
   * @returns all batches posted so far, batch 1 first.
   * @throws L1Error MISMATCH when an event's header does not hash to its headerHash, does not
   *   chain (index, prevHeaderHash, inbox range), or the DA bytes found do not hash to its daHash;
   *   DA_UNAVAILABLE when a batch's bytes are not in the calldata of a direct call to the batch
   *   contract and no {@link DaSource} was given; NOT_FOUND when a message it consumes is missing.
   */
  async batches(): Promise<readonly FollowedBatch[]> {
    const latest = await this.client.getBlockNumber({ cacheTime: 0 });
    if (latest < this.nextBlock) return this.posted;
    const logs = await this.client.getContractEvents({
      address: this.addresses.batches,
      abi: BATCHES_ABI,
      eventName: "BatchPosted",
      fromBlock: this.nextBlock,
      toBlock: latest,
      strict: true,
    });
    await this.inbox.sync();
    for (const log of logs) {
      const header = headerFromEvent(log.args.header);
      const where = `batch ${header.index}`;
      const previous = this.posted[this.posted.length - 1];
      if (headerHash(header) !== log.args.headerHash) throw new L1Error("MISMATCH", `${where}: the event's header does not hash to its headerHash`);
      if (header.index !== BigInt(this.posted.length + 1))
        throw new L1Error("MISMATCH", `${where}: index ${header.index} where ${this.posted.length + 1} was next`);
      const expectedPrev = previous?.headerHash ?? (`0x${"00".repeat(32)}` as Hex);
      const expectedStart = previous ? previous.header.inboxStart + BigInt(previous.header.inboxCount) : 0n;
      if (header.prevHeaderHash !== expectedPrev || header.inboxStart !== expectedStart)
        throw new L1Error("MISMATCH", `${where}: prevHeaderHash or inboxStart does not follow batch ${header.index - 1n}`);
      const da = await this.daOf(header, log.transactionHash);
      const { batch, error } = deriveBatch(da, { start: header.inboxStart, count: header.inboxCount });
      const messages = this.inbox.range(header.inboxStart, header.inboxCount).map((m) => m.message);
      this.posted.push({
        header,
        headerHash: log.args.headerHash,
        da,
        batch: { feePairs: batch.feePairs, l1Messages: messages, txs: batch.txs },
        decodeError: error,
        transactionHash: log.transactionHash,
      });
    }
    this.nextBlock = latest + 1n;
    return this.posted;
  }

  /**
   * Applies every batch posted and not yet applied to `engine` (which must hold the genesis, or
   * the state after the batches this follower applied before).
   *
   * @returns the batches applied now, with their results.
   * @throws as {@link batches}; whatever `engine.applyBatch` throws (a WasmTrapError).
   */
  async follow(engine: Engine): Promise<{ batch: FollowedBatch; result: BatchResult }[]> {
    const all = await this.batches();
    const out: { batch: FollowedBatch; result: BatchResult }[] = [];
    for (; this.applied < all.length; this.applied++) {
      const b = all[this.applied]!;
      out.push({ batch: b, result: engine.applyBatch(b.batch) });
    }
    return out;
  }

  private async daOf(header: BatchHeader, transactionHash: Hex): Promise<Uint8Array> {
    const where = `batch ${header.index}`;
    let da: Uint8Array | undefined;
    if (header.daKind === DA_KIND.calldata) {
      const tx = await this.client.getTransaction({ hash: transactionHash });
      if (tx.to?.toLowerCase() === this.addresses.batches.toLowerCase()) {
        try {
          const call = decodeFunctionData({ abi: BATCHES_ABI, data: tx.input });
          if (call.functionName === "postBatch") da = hexToBytes(call.args[2]);
          else if (call.functionName === "forceInclude") da = new Uint8Array(0);
        } catch {
          // not a call this ABI knows: treated as unavailable below
        }
      }
    }
    if (da === undefined) {
      if (!this.daSource)
        throw new L1Error(
          "DA_UNAVAILABLE",
          `${where}: DA kind ${header.daKind} bytes are not in transaction ${transactionHash}'s calldata; give the follower a DaSource`,
        );
      da = await this.daSource(header);
      if (header.daKind === DA_KIND.blobs) {
        if (da.length !== header.daLength) throw new L1Error("MISMATCH", `${where}: the DaSource gave ${da.length} bytes, the header says ${header.daLength}`);
        return da; // bound to the blobs' versioned hashes by the blob step (SPEC §13.7), not by keccak256
      }
    }
    if (toHex(keccak_256(da)) !== header.daHash || da.length !== header.daLength)
      throw new L1Error("MISMATCH", `${where}: the DA bytes found (${da.length}) do not hash to the header's daHash`);
    return da;
  }
}
