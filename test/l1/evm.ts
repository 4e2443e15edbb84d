// An in-process EVM (ethereumjs, Prague rules) for the contract tests: deploy an artifact from
// build/contracts, call it with viem's ABI encoding, and read the execution gas.
//
// Two things make a call ~2× cheaper without touching what the EVM computes: ECRECOVER runs on the
// Node entry's libsecp256k1 (noble's BigInt recovery was ~1.3 ms a call), and the jump-destination
// analysis of a contract's code — redone by ethereumjs 10 on every call, ~7 ms for the 21 KB step
// verifier — is cached per code (the analysis is a pure function of the bytes and the hardfork).
import { readFileSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { createEVM, type EVM } from "@ethereumjs/evm";
import { Common, Hardfork, Mainnet } from "@ethereumjs/common";
import { type Address, hexToBytes } from "@ethereumjs/util";
import { type Abi, decodeFunctionResult, encodeDeployData, encodeFunctionData, type Hex } from "viem";
import { nodeRecovery } from "../../src/node.js";

export interface Artifact {
  abi: Abi;
  bytecode: Hex;
}

export function artifact(name: string): Artifact {
  return JSON.parse(readFileSync(new URL(`../../build/contracts/${name}.json`, import.meta.url), "utf8")) as Artifact;
}

/** The ECRECOVER precompile's contract: a 64-byte public key, or a throw when none recovers. */
function ecrecover(msgHash: Uint8Array, v: bigint, r: Uint8Array, s: Uint8Array): Uint8Array {
  const rs = new Uint8Array(64);
  rs.set(r, 0);
  rs.set(s, 32);
  const key = nodeRecovery.recoverPublicKey(msgHash, rs, Number(v - 27n) as 0 | 1);
  if (key === null) throw new Error("ecrecover: no key recovers");
  return key;
}

interface JumpAnalysis {
  jumps: Uint8Array;
  pushes: Record<number, bigint>;
  opcodesCached: unknown[];
}

let analysisCached = false;

/**
 * Caches ethereumjs's per-call jump-destination analysis by code bytes. The interpreter is not
 * exported, so its module is imported by the file the package itself loads (the same instance).
 * The cached result is only read by the interpreter (validJumps, cachedPushes, opcode infos).
 * Without it everything still runs, only slower.
 */
async function cacheJumpAnalysis(): Promise<void> {
  if (analysisCached) return;
  analysisCached = true;
  const entry = realpathSync(createRequire(import.meta.url).resolve("@ethereumjs/evm"));
  const esm = join(dirname(entry), "..", "esm", "interpreter.js");
  const mod = (await import(pathToFileURL(realpathSync(esm)).href)) as { Interpreter?: { prototype: Record<string, unknown> } };
  const proto = mod.Interpreter?.prototype;
  const original = proto?._getValidJumpDestinations as ((code: Uint8Array) => JumpAnalysis) | undefined;
  if (!proto || !original) return; // another layout: run uncached
  // per Common (the opcode infos are its hardfork's), then per code length, then by the bytes
  const caches = new WeakMap<object, Map<number, { code: Uint8Array; analysis: JumpAnalysis }[]>>();
  proto._getValidJumpDestinations = function (this: { common: object }, code: Uint8Array): JumpAnalysis {
    const cache = caches.get(this.common) ?? new Map<number, { code: Uint8Array; analysis: JumpAnalysis }[]>();
    caches.set(this.common, cache);
    const bucket = cache.get(code.length) ?? [];
    for (const c of bucket) if (Buffer.compare(c.code, code) === 0) return c.analysis;
    const analysis = original.call(this, code);
    bucket.push({ code: code.slice(), analysis });
    cache.set(code.length, bucket);
    return analysis;
  };
}

export class InProcessEvm {
  private constructor(private readonly evm: EVM) {}

  /**
   * @param options.kzg a loaded kzg-wasm (src/l1/blobs.ts's `loadBlobKzg().wasm`): the
   * point-evaluation precompile (0x0a) runs on it; without it a call to 0x0a fails
   */
  static async create(options: { kzg?: unknown } = {}): Promise<InProcessEvm> {
    await cacheJumpAnalysis();
    const customCrypto = { ecrecover, ...(options.kzg === undefined ? {} : { kzg: options.kzg as never }) };
    const common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague, customCrypto });
    return new InProcessEvm(await createEVM({ common }));
  }

  /** Deploys `a`, with ABI-encoded constructor arguments when given. */
  async deploy(a: Artifact, args?: readonly unknown[]): Promise<Deployed> {
    const data = args ? encodeDeployData({ abi: a.abi, bytecode: a.bytecode, args } as never) : a.bytecode;
    const r = await this.evm.runCall({ data: hexToBytes(data), gasLimit: 30_000_000n });
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

/**
 * Each call starts with the warm set a transaction to `to` has (EIP-2929): `to`, the caller and
 * the precompiles. ethereumjs keeps the journal's warm addresses from one runCall to the next, so
 * without this a contract the previous call touched (OneStepProver's StepVerifier) or ECRECOVER
 * after the first call would be priced warm, 2,500 gas under a real transaction (anvil's receipt).
 */
function freshAccessList(evm: EVM, to: string): void {
  const journal = (evm as unknown as { journal: { cleanJournal(): void; addAlwaysWarmAddress(address: string): void } }).journal;
  journal.cleanJournal();
  journal.addAlwaysWarmAddress(to);
  journal.addAlwaysWarmAddress(`0x${"00".repeat(20)}`); // runCall's default caller
  for (let i = 1; i <= 0x11; i++) journal.addAlwaysWarmAddress(`0x${i.toString(16).padStart(40, "0")}`); // Prague's precompiles
}

export class Deployed {
  constructor(
    private readonly evm: EVM,
    readonly address: Address,
    readonly abi: Abi,
  ) {}

  async call<T>(functionName: string, args: readonly unknown[]): Promise<CallResult<T>> {
    const data = encodeFunctionData({ abi: this.abi, functionName, args } as never);
    freshAccessList(this.evm, this.address.toString());
    const r = await this.evm.runCall({ to: this.address, data: hexToBytes(data), gasLimit: 30_000_000n });
    const out = `0x${Buffer.from(r.execResult.returnValue).toString("hex")}` as Hex;
    if (r.execResult.exceptionError) return { ok: false, data, revert: out, gas: r.execResult.executionGasUsed };
    return { ok: true, data, value: decodeFunctionResult({ abi: this.abi, functionName, data: out } as never) as T, gas: r.execResult.executionGasUsed };
  }
}
