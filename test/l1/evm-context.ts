// The in-process EVM (evm.ts) with a transaction's context a contract test needs: who calls
// (msg.sender), the block's number and timestamp (moved by the test, like anvil's clock), the
// transaction's blob versioned hashes, and the events emitted, decoded with the contract's ABI.
import { createAddressFromString } from "@ethereumjs/util";
import type { EVM } from "@ethereumjs/evm";
import { type Abi, decodeErrorResult, decodeEventLog, decodeFunctionResult, encodeDeployData, encodeFunctionData, type Hex, hexToBytes } from "viem";
import { InProcessEvm, type Artifact } from "./evm.js";

export interface SimLog {
  eventName: string;
  args: Record<string, unknown>;
}

export interface SimResult<T = unknown> {
  ok: boolean;
  value?: T;
  /** The custom error's name and arguments when !ok. */
  error?: { name: string; args: readonly unknown[] };
  revert?: Hex;
  /** Execution gas (no intrinsic part). */
  gas: bigint;
  /** The calldata, for wholeTxGas. */
  data: Hex;
  logs: SimLog[];
}

export class SimContract {
  constructor(
    private readonly sim: L1Sim,
    readonly address: Hex,
    readonly abi: Abi,
  ) {}

  /** Calls `fn` as a transaction from `from` (default: the sim's default sender). */
  send<T = unknown>(fn: string, args: readonly unknown[], opts: { from?: Hex; blobHashes?: Hex[] } = {}): Promise<SimResult<T>> {
    return this.sim.call<T>(this, fn, args, opts);
  }

  /** A view call's value, or a throw naming the revert. */
  async read<T = unknown>(fn: string, args: readonly unknown[] = []): Promise<T> {
    const r = await this.sim.call<T>(this, fn, args, {});
    if (!r.ok) throw new Error(`${fn} reverted: ${r.error?.name ?? r.revert}`);
    return r.value as T;
  }
}

const DEFAULT_SENDER = "0x00000000000000000000000000000000000000aa" as Hex;

export class L1Sim {
  /** The block the next call runs in; tests move the clock by changing it. */
  timestamp = 1_700_000_000n;
  blockNumber = 100n;

  private constructor(private readonly evm: EVM) {}

  static async create(): Promise<L1Sim> {
    const base = await InProcessEvm.create();
    // evm.ts keeps its EVM private; this harness only adds call context around the same instance
    return new L1Sim((base as unknown as { evm: EVM }).evm);
  }

  private block() {
    return {
      header: {
        number: this.blockNumber,
        coinbase: createAddressFromString(`0x${"00".repeat(20)}`),
        timestamp: this.timestamp,
        difficulty: 0n,
        prevRandao: new Uint8Array(32),
        gasLimit: 30_000_000n,
        baseFeePerGas: 1n,
        slotNumber: 0n,
        getBlobGasPrice: () => 1n,
      },
    };
  }

  async deploy(a: Artifact, args: readonly unknown[] = [], from: Hex = DEFAULT_SENDER): Promise<SimContract> {
    const data = encodeDeployData({ abi: a.abi, bytecode: a.bytecode, args } as never);
    const r = await this.evm.runCall({
      caller: createAddressFromString(from),
      origin: createAddressFromString(from),
      data: hexToBytes(data),
      gasLimit: 30_000_000n,
      block: this.block() as never,
    });
    if (r.execResult.exceptionError || !r.createdAddress) {
      const out = `0x${Buffer.from(r.execResult.returnValue).toString("hex")}` as Hex;
      throw new Error(`deploy failed: ${r.execResult.exceptionError?.error} ${describe(a.abi, out)}`);
    }
    return new SimContract(this, r.createdAddress.toString() as Hex, a.abi);
  }

  async call<T>(c: SimContract, fn: string, args: readonly unknown[], opts: { from?: Hex; blobHashes?: Hex[] }): Promise<SimResult<T>> {
    const from = opts.from ?? DEFAULT_SENDER;
    const data = encodeFunctionData({ abi: c.abi, functionName: fn, args } as never);
    const journal = (this.evm as unknown as { journal: { cleanJournal(): void; addAlwaysWarmAddress(a: string): void } }).journal;
    journal.cleanJournal();
    journal.addAlwaysWarmAddress(c.address.toLowerCase());
    journal.addAlwaysWarmAddress(from.toLowerCase());
    for (let i = 1; i <= 0x11; i++) journal.addAlwaysWarmAddress(`0x${i.toString(16).padStart(40, "0")}`);
    const r = await this.evm.runCall({
      caller: createAddressFromString(from),
      origin: createAddressFromString(from),
      to: createAddressFromString(c.address),
      data: hexToBytes(data),
      gasLimit: 30_000_000n,
      block: this.block() as never,
      blobVersionedHashes: opts.blobHashes ?? [],
    });
    const out = `0x${Buffer.from(r.execResult.returnValue).toString("hex")}` as Hex;
    const gas = r.execResult.executionGasUsed;
    if (r.execResult.exceptionError) {
      let error: SimResult["error"];
      try {
        const d = decodeErrorResult({ abi: c.abi, data: out });
        error = { name: d.errorName, args: d.args ?? [] };
      } catch {
        error = undefined;
      }
      return { ok: false, revert: out, error, gas, data, logs: [] };
    }
    const logs: SimLog[] = [];
    for (const [, topics, logData] of r.execResult.logs ?? []) {
      try {
        const d = decodeEventLog({
          abi: c.abi,
          topics: topics.map((t) => `0x${Buffer.from(t).toString("hex")}`) as never,
          data: `0x${Buffer.from(logData).toString("hex")}` as Hex,
        });
        logs.push({ eventName: d.eventName ?? "", args: d.args as unknown as Record<string, unknown> });
      } catch {
        // another contract's event (the ERC-20's Transfer): not in this ABI
      }
    }
    let value: T | undefined;
    try {
      value = decodeFunctionResult({ abi: c.abi, functionName: fn, data: out } as never) as T;
    } catch {
      value = undefined;
    }
    return { ok: true, value, gas, data, logs };
  }
}

function describe(abi: Abi, data: Hex): string {
  try {
    const d = decodeErrorResult({ abi, data });
    return `${d.errorName}(${(d.args ?? []).join(", ")})`;
  } catch {
    return data;
  }
}
