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

export interface CallResult<T> {
  ok: boolean;
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
    if (r.execResult.exceptionError) return { ok: false, revert: out, gas: r.execResult.executionGasUsed };
    return { ok: true, value: decodeFunctionResult({ abi: this.abi, functionName, data: out } as never) as T, gas: r.execResult.executionGasUsed };
  }
}
