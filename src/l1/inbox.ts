// The inbox as a node sees it: every message rebuilt from MessageQueued events alone (SPEC §13.1),
// read incrementally, with the record preimages a batch or a forced inclusion must supply.
import { keccak_256 } from "@noble/hashes/sha3.js";
import { type Hex, type PublicClient, hexToBytes } from "viem";
import { toHex } from "../protocol/bytes.js";
import { L1Error } from "../protocol/errors.js";
import { decodeL1Message } from "../protocol/l1-records.js";
import type { L1Message } from "../protocol/types.js";
import { INBOX_ABI } from "./inbox-batches-abi.js";

/** One inbox message as queued on L1. */
export interface InboxMessage {
  index: bigint;
  message: L1Message;
  /** The 45- or 25-byte encoding of SPEC §13.1, as the event carried it. */
  bytes: Uint8Array;
  l1Timestamp: bigint;
  /** keccak256(bytes ‖ u64be l1Timestamp): the inbox's stored record. */
  record: Hex;
}

/** `message ‖ u64be l1Timestamp`: what hashes to an inbox record (SPEC §13.1, §13.6). */
export function recordPreimage(bytes: Uint8Array, l1Timestamp: bigint): Uint8Array {
  const out = new Uint8Array(bytes.length + 8);
  out.set(bytes, 0);
  new DataView(out.buffer).setBigUint64(bytes.length, l1Timestamp);
  return out;
}

/**
 * The messages of one Inbox contract, read from its MessageQueued events from `fromBlock` on and
 * cached: each {@link sync} asks only for blocks not read yet.
 */
export class InboxReader {
  private readonly messages: InboxMessage[] = [];
  private nextBlock: bigint;

  constructor(
    private readonly client: PublicClient,
    /** The Inbox contract. */
    readonly address: Hex,
    /** The block the inbox was deployed in (or any earlier one). */
    fromBlock = 0n,
  ) {
    this.nextBlock = fromBlock;
  }

  /**
   * Reads the events of blocks not read yet, up to the latest block.
   * @throws L1Error (MISMATCH) when the events skip or repeat an index, or carry bytes that are
   *   not one message.
   */
  async sync(): Promise<void> {
    const latest = await this.client.getBlockNumber({ cacheTime: 0 });
    if (latest < this.nextBlock) return;
    const logs = await this.client.getContractEvents({
      address: this.address,
      abi: INBOX_ABI,
      eventName: "MessageQueued",
      fromBlock: this.nextBlock,
      toBlock: latest,
      strict: true,
    });
    for (const log of logs) {
      const { index, message, l1Timestamp } = log.args;
      if (index !== BigInt(this.messages.length))
        throw new L1Error("MISMATCH", `inbox ${this.address}: MessageQueued index ${index} where ${this.messages.length} was next`);
      const bytes = hexToBytes(message);
      let decoded: L1Message;
      try {
        decoded = decodeL1Message(bytes);
      } catch (e) {
        throw new L1Error("MISMATCH", `inbox ${this.address}: message ${index} is not a deposit or forced exit`, e);
      }
      const record = toHex(keccak_256(recordPreimage(bytes, l1Timestamp)));
      this.messages.push({ index, message: decoded, bytes, l1Timestamp, record });
    }
    this.nextBlock = latest + 1n;
  }

  /** Messages read so far. */
  count(): bigint {
    return BigInt(this.messages.length);
  }

  /**
   * Messages `start … start + count − 1` (after a {@link sync}).
   * @throws L1Error (NOT_FOUND) when the range runs past the messages read.
   */
  range(start: bigint, count: number): InboxMessage[] {
    const end = start + BigInt(count);
    if (end > BigInt(this.messages.length))
      throw new L1Error("NOT_FOUND", `inbox ${this.address}: messages ${start} … ${end - 1n} asked, ${this.messages.length} read`);
    return this.messages.slice(Number(start), Number(end));
  }

  /**
   * The record preimage of message `index` (`message ‖ u64be l1Timestamp`), or empty bytes when
   * `index` is the message count (no message left unconsumed).
   * @throws L1Error (NOT_FOUND) for an index past the count.
   */
  preimage(index: bigint): Uint8Array {
    if (index === BigInt(this.messages.length)) return new Uint8Array(0);
    const [m] = this.range(index, 1);
    return recordPreimage(m!.bytes, m!.l1Timestamp);
  }
}
