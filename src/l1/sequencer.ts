// The sequencer's side of L1 (SPEC §13.2, §13.6): a batch the engine built is posted as calldata
// (DA v1 bytes) with the next index and the preimage of the first record it leaves unconsumed.
import { keccak_256 } from "@noble/hashes/sha3.js";
import { type Account, type Chain, encodeFunctionData, type Hex, parseEventLogs, type PublicClient, type Transport, type WalletClient } from "viem";
import { encodeBatch } from "../da/codec.js";
import { toHex } from "../protocol/bytes.js";
import { L1Error } from "../protocol/errors.js";
import { type BatchHeader, type DaKind, encodeL1Message, headerHash } from "../protocol/l1-records.js";
import type { Batch } from "../protocol/types.js";
import { InboxReader } from "./inbox.js";
import { BATCHES_ABI } from "./inbox-batches-abi.js";
import { revertError } from "./revert.js";

/** Where the rollup's inbox and batch contracts are. */
export interface InboxBatchesAddresses {
  inbox: Hex;
  batches: Hex;
  /** A block at or before both deployments (where event scans start); default 0. */
  fromBlock?: bigint;
}

/** A batch as posted: the header the contract stored (from its BatchPosted event) and the cost. */
export interface PostedHeader {
  header: BatchHeader;
  headerHash: Hex;
  /** The DA bytes posted (calldata batches). */
  da: Uint8Array;
  /** The whole transaction's gas (receipt gasUsed). */
  gasUsed: bigint;
  transactionHash: Hex;
}

/** The BatchPosted event's header as a {@link BatchHeader}. */
export function headerFromEvent(h: {
  index: bigint;
  prevHeaderHash: Hex;
  daKind: number;
  daHash: Hex;
  daLength: number;
  inboxStart: bigint;
  inboxCount: number;
  l1Block: bigint;
  l1Timestamp: bigint;
}): BatchHeader {
  return { ...h, daKind: h.daKind as DaKind };
}

/**
 * Posts batches to the Batches contract from the sequencer's wallet. The batch's `l1Messages`
 * must be the inbox messages from `inboxConsumed()` on, in order (checked against the inbox's
 * events before anything is sent).
 */
export class Sequencer {
  private readonly inbox: InboxReader;

  constructor(
    private readonly client: PublicClient,
    private readonly wallet: WalletClient<Transport, Chain | undefined, Account>,
    readonly addresses: InboxBatchesAddresses,
  ) {
    this.inbox = new InboxReader(client, addresses.inbox, addresses.fromBlock ?? 0n);
  }

  /**
   * Encodes `batch` as DA v1 bytes and posts it with postBatch as the next batch.
   * `options.da` posts those bytes instead (e.g. bytes that do not decode: by the derivation
   * rule the batch then consumes its messages only, SPEC §9.4).
   *
   * @returns the header as stored, its hash, and the transaction's gas.
   * @throws L1Error MISMATCH when `batch.l1Messages` are not the next inbox messages (naming the
   *   first index that differs); REVERTED naming the contract's error (WrongIndex,
   *   OverdueMessageSkipped, …) when the call would revert; NOT_FOUND when the receipt has no
   *   BatchPosted event. EncodeError when the batch does not encode.
   */
  async postBatch(batch: Batch, options: { da?: Uint8Array } = {}): Promise<PostedHeader> {
    const da = options.da ?? encodeBatch({ feePairs: batch.feePairs, txs: batch.txs });
    const [count, start] = await Promise.all([this.read("batchCount"), this.read("inboxConsumed")]);
    await this.inbox.sync();
    const messages = this.inbox.range(start, batch.l1Messages.length);
    batch.l1Messages.forEach((m, i) => {
      if (toHex(encodeL1Message(m)) !== toHex(messages[i]!.bytes))
        throw new L1Error("MISMATCH", `batch.l1Messages[${i}] is not inbox message ${start + BigInt(i)}`);
    });
    const end = start + BigInt(batch.l1Messages.length);
    const args = [count + 1n, batch.l1Messages.length, toHex(da), toHex(this.inbox.preimage(end))] as const;
    const data = encodeFunctionData({ abi: BATCHES_ABI, functionName: "postBatch", args });
    const what = `postBatch(${count + 1n}) with ${batch.l1Messages.length} messages and ${da.length} DA bytes`;
    try {
      await this.client.call({ account: this.wallet.account, to: this.addresses.batches, data });
    } catch (e) {
      throw revertError(BATCHES_ABI, what, e);
    }
    const hash = await this.wallet.sendTransaction({ to: this.addresses.batches, data, account: this.wallet.account, chain: this.wallet.chain });
    const receipt = await this.client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    if (receipt.status !== "success") throw new L1Error("REVERTED", `${what}: transaction ${hash} reverted after its simulation passed`);
    const [event] = parseEventLogs({ abi: BATCHES_ABI, eventName: "BatchPosted", logs: receipt.logs, strict: true });
    if (!event) throw new L1Error("NOT_FOUND", `${what}: no BatchPosted event in transaction ${hash}`);
    const header = headerFromEvent(event.args.header);
    if (headerHash(header) !== event.args.headerHash || header.daHash !== toHex(keccak_256(da)))
      throw new L1Error("MISMATCH", `${what}: the BatchPosted header does not hash to its headerHash or names other DA bytes`);
    return { header, headerHash: event.args.headerHash, da, gasUsed: receipt.gasUsed, transactionHash: hash };
  }

  private async read(functionName: "batchCount" | "inboxConsumed"): Promise<bigint> {
    return this.client.readContract({ address: this.addresses.batches, abi: BATCHES_ABI, functionName });
  }
}
