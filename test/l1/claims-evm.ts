// A small in-process L1 for the claims and bridge tests: calls from chosen senders with ETH, a
// block clock the test moves, ETH balances, custom errors decoded by name, and each call's
// whole-transaction gas (test/l1/evm.ts's pricing). CLAIMS_ARTIFACTS=<dir> loads the contracts from
// another directory (test/l1/claims-bridge-mutants.mjs runs the tests against mutants).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createEVM, type EVM } from "@ethereumjs/evm";
import { Common, Hardfork, Mainnet } from "@ethereumjs/common";
import { Address, createAddressFromString, hexToBytes } from "@ethereumjs/util";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { WasmCore } from "../../src/index.js";
import { type Abi, decodeErrorResult, decodeEventLog, decodeFunctionResult, encodeDeployData, encodeFunctionData, type Hex } from "viem";
import { type Artifact, wholeTxGas } from "./evm.js";

export function claimsArtifact(name: string): Artifact {
  const dir = process.env.CLAIMS_ARTIFACTS ?? new URL("../../build/contracts/", import.meta.url).pathname;
  return JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) as Artifact;
}

export interface Outcome<T = unknown> {
  ok: boolean;
  value?: T;
  /** The custom error's name when the call reverted with one of the contract's (or a callee's) errors. */
  error?: string;
  errorArgs?: readonly unknown[];
  /** Execution gas, and the whole transaction's (21,000 + calldata + execution, EIP-7623). */
  gas: bigint;
  txGas: bigint;
  logs: { eventName: string; args: Record<string, unknown> }[];
}

export const ONE_ETHER = 10n ** 18n;

export class L1 {
  /** The block timestamp of the next call. */
  now = 1_700_000_000n;
  blockNumber = 100n;
  /** Every ABI the chain deployed: errors and events bubble up from callees. */
  private readonly abis: Abi[] = [];

  private constructor(readonly evm: EVM) {}

  static async create(): Promise<L1> {
    const common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague });
    return new L1(await createEVM({ common }));
  }

  private block() {
    return {
      header: {
        number: this.blockNumber,
        coinbase: createAddressFromString(`0x${"00".repeat(20)}`),
        timestamp: this.now,
        difficulty: 0n,
        prevRandao: new Uint8Array(32),
        gasLimit: 30_000_000n,
        baseFeePerGas: 0n,
        getBlobGasPrice: () => undefined,
      },
    };
  }

  /** Warm set of a fresh transaction (EIP-2929): `to`, the sender and the precompiles. */
  private freshAccess(to: string, from: string): void {
    const journal = (this.evm as unknown as { journal: { cleanJournal(): void; addAlwaysWarmAddress(a: string): void } }).journal;
    journal.cleanJournal();
    journal.addAlwaysWarmAddress(to);
    journal.addAlwaysWarmAddress(from);
    for (let i = 1; i <= 0x11; i++) journal.addAlwaysWarmAddress(`0x${i.toString(16).padStart(40, "0")}`);
  }

  async deploy(name: string, args: readonly unknown[] = [], from: Hex = DEPLOYER): Promise<Contract> {
    const a = claimsArtifact(name);
    this.abis.push(a.abi);
    const data = encodeDeployData({ abi: a.abi, bytecode: a.bytecode, args } as never);
    const r = await this.evm.runCall({
      caller: createAddressFromString(from),
      data: hexToBytes(data),
      gasLimit: 30_000_000n,
      block: this.block() as never,
      skipBalance: true,
    });
    if (r.execResult.exceptionError || !r.createdAddress) throw new Error(`deploy ${name} failed: ${r.execResult.exceptionError?.error}`);
    return new Contract(this, r.createdAddress.toString() as Hex, a.abi);
  }

  async balance(who: Hex): Promise<bigint> {
    const acc = await this.evm.stateManager.getAccount(createAddressFromString(who));
    return acc?.balance ?? 0n;
  }

  async run<T>(c: Contract, functionName: string, args: readonly unknown[], opts: { from?: Hex; value?: bigint } = {}): Promise<Outcome<T>> {
    const from = opts.from ?? ALICE;
    const data = encodeFunctionData({ abi: c.abi, functionName, args } as never);
    this.freshAccess(c.address, from);
    const r = await this.evm.runCall({
      caller: createAddressFromString(from),
      origin: createAddressFromString(from),
      to: createAddressFromString(c.address),
      data: hexToBytes(data),
      value: opts.value ?? 0n,
      gasLimit: 30_000_000n,
      block: this.block() as never,
      skipBalance: true,
    });
    const gas = r.execResult.executionGasUsed;
    const txGas = wholeTxGas(data, gas);
    const out = `0x${Buffer.from(r.execResult.returnValue).toString("hex")}` as Hex;
    if (r.execResult.exceptionError) {
      for (const abi of [c.abi, ...this.abis]) {
        try {
          const e = decodeErrorResult({ abi, data: out });
          return { ok: false, error: e.errorName, errorArgs: (e.args ?? []) as readonly unknown[], gas, txGas, logs: [] };
        } catch {
          // not this ABI's error
        }
      }
      return { ok: false, error: out === "0x" ? r.execResult.exceptionError.error : `raw ${out}`, gas, txGas, logs: [] };
    }
    const logs: Outcome["logs"] = [];
    for (const [, topics, payload] of r.execResult.logs ?? []) {
      const hexTopics = topics.map((t) => `0x${Buffer.from(t).toString("hex")}`) as [Hex, ...Hex[]];
      for (const abi of [c.abi, ...this.abis]) {
        try {
          const ev = decodeEventLog({ abi, topics: hexTopics, data: `0x${Buffer.from(payload).toString("hex")}` as Hex });
          logs.push({ eventName: ev.eventName as unknown as string, args: ev.args as unknown as Record<string, unknown> });
          break;
        } catch {
          // another ABI's event
        }
      }
    }
    return { ok: true, value: decodeFunctionResult({ abi: c.abi, functionName, data: out } as never) as T, gas, txGas, logs };
  }
}

export class Contract {
  constructor(
    readonly l1: L1,
    readonly address: Hex,
    readonly abi: Abi,
  ) {}

  send<T = unknown>(functionName: string, args: readonly unknown[] = [], opts: { from?: Hex; value?: bigint } = {}): Promise<Outcome<T>> {
    return this.l1.run<T>(this, functionName, args, opts);
  }

  /** A view's value, or a throw naming the error. */
  async read<T>(functionName: string, args: readonly unknown[] = []): Promise<T> {
    const r = await this.l1.run<T>(this, functionName, args);
    if (!r.ok) throw new Error(`${functionName} reverted: ${r.error}`);
    return r.value as T;
  }
}

export const DEPLOYER = "0xd3910000000000000000000000000000000d3910" as Hex;
export const ALICE = "0xa11ce00000000000000000000000000000a11ce0" as Hex;
export const BOB = "0xb0b0000000000000000000000000000000000b0b" as Hex;
export const CAROL = "0xca401ff00000000000000000000000000ca401ff" as Hex;
export { Address };

/** A withdrawals tree as a batch of 2^20 − 1 withdrawals has it along one path. */
export interface LargeWithdrawalTree {
  root: Hex;
  count: number;
  /** The flat proof of withdrawal `i` (`index` or `index − 1`). */
  prove(i: number): Hex;
  dispose(): void;
}

/**
 * The withdrawals tree of a batch of 2^20 − 1 withdrawals, along the path of `index`: every
 * sibling up to the root non-empty (30 explicit siblings in a proof, the most a position has);
 * `index` and `index − 1` (the same spent-bitmap word) hold `owner`'s withdrawal of `amount` of
 * token 1, the other leaves filler. Only the leaves a proof of either reads are set.
 */
export function largeWithdrawalTree(index: number, owner: Hex, amount: bigint): LargeWithdrawalTree {
  const core = WasmCore.createSync();
  const u32 = (n: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n);
    return b;
  };
  const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
  const w = keccak_256(new TextEncoder().encode("w"));
  const filler = (i: number) => core.keccak256(cat(u32(i), w));
  const ownerBytes = hexToBytes(owner);
  const wleaf = keccak_256(cat(ownerBytes, u32(1), hexToBytes(`0x${amount.toString(16).padStart(32, "0")}`)));
  const ix = new Set<number>([index]);
  for (let l = 0, node = index; l < 10; l++, node = Math.floor(node / 4)) {
    for (let s = 0; s < 4; s++) ix.add(((node & ~3) + s) * 4 ** l);
  }
  const sorted = [...ix].sort((a, b) => a - b);
  const tree = core.createTree();
  tree.setMany(
    sorted,
    sorted.map((i) => (i === index || i === index - 1 ? wleaf : filler(i))),
  );
  const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}` as Hex;
  return { root: hex(tree.root()), count: (1 << 20) - 1, prove: (i) => hex(tree.prove([i])), dispose: () => tree.dispose() };
}
