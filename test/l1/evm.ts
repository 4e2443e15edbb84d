// An in-process EVM (ethereumjs, Prague rules) for the contract tests: deploy an artifact from
// build/contracts, call it with viem's ABI encoding, and read the execution gas.
import { readFileSync } from "node:fs";
import { createEVM, type EVM } from "@ethereumjs/evm";
import { Common, Hardfork, Mainnet } from "@ethereumjs/common";
import { type Address, hexToBytes } from "@ethereumjs/util";
import { type Abi, decodeFunctionResult, encodeFunctionData, type Hex } from "viem";

export interface Artifact {
  abi: Abi;
  bytecode: Hex;
}

export function artifact(name: string): Artifact {
  return JSON.parse(readFileSync(new URL(`../../build/contracts/${name}.json`, import.meta.url), "utf8")) as Artifact;
}

export class InProcessEvm {
  private constructor(private readonly evm: EVM) {}

  static async create(): Promise<InProcessEvm> {
    return new InProcessEvm(await createEVM({ common: new Common({ chain: Mainnet, hardfork: Hardfork.Prague }) }));
  }

  async deploy(a: Artifact): Promise<Deployed> {
    const r = await this.evm.runCall({ data: hexToBytes(a.bytecode), gasLimit: 30_000_000n });
    if (r.execResult.exceptionError || !r.createdAddress) throw new Error(`deploy failed: ${r.execResult.exceptionError?.error}`);
    return new Deployed(this.evm, r.createdAddress, a.abi);
  }
}

/**
 * Gas of a whole transaction carrying `data` to a contract whose execution costs `executionGas`,
 * at Prague pricing (EIP-7623): tokens = zero bytes + 4 × non-zero bytes; the transaction pays
 * max(21,000 + 4·tokens + execution, 21,000 + 10·tokens) — the standard 4/16 gas per zero/non-zero
 * byte, or the calldata floor of 10/40 when execution is small beside the data. No access list,
 * no contract creation; the callee is warm as a transaction's `to` is.
 */
export function wholeTxGas(data: Hex, executionGas: bigint): bigint {
  const bytes = hexToBytes(data);
  let tokens = 0n;
  for (const b of bytes) tokens += b === 0 ? 1n : 4n;
  const standard = 21_000n + 4n * tokens + executionGas;
  const floor = 21_000n + 10n * tokens;
  return standard > floor ? standard : floor;
}

export interface CallResult<T> {
  ok: boolean;
  /** The ABI-encoded call, for {@link wholeTxGas}. */
  data: Hex;
  value?: T;
  /** Raw revert data (a custom error's selector and arguments) when !ok. */
  revert?: Hex;
  gas: bigint;
}

export class Deployed {
  constructor(
    private readonly evm: EVM,
    readonly address: Address,
    readonly abi: Abi,
  ) {}

  async call<T>(functionName: string, args: readonly unknown[]): Promise<CallResult<T>> {
    const data = encodeFunctionData({ abi: this.abi, functionName, args } as never);
    const r = await this.evm.runCall({ to: this.address, data: hexToBytes(data), gasLimit: 30_000_000n });
    const out = `0x${Buffer.from(r.execResult.returnValue).toString("hex")}` as Hex;
    if (r.execResult.exceptionError) return { ok: false, data, revert: out, gas: r.execResult.executionGasUsed };
    return { ok: true, data, value: decodeFunctionResult({ abi: this.abi, functionName, data: out } as never) as T, gas: r.execResult.executionGasUsed };
  }
}
