// A local L1 node: anvil (Foundry, the @foundry-rs/anvil package's platform package carries the
// binary; no install script is needed) on a free loopback port, contracts deployed with viem from
// anvil's first default account, eth_call / real transactions against them, and its clock moved
// on demand. `stop()` kills the process; every started node is also killed when this process
// exits, so none is left behind when a caller fails. (test/l1/anvil.ts re-exports this.)
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import {
  type Abi,
  type Hex,
  createPublicClient,
  createWalletClient,
  decodeFunctionResult,
  defineChain,
  encodeFunctionData,
  http,
  type PublicClient,
  type WalletClient,
} from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { L1Error } from "../protocol/errors.js";
import type { Artifact } from "./artifacts.js";

/** Anvil's first default account (the well-known test mnemonic's index 0): funded with 10,000 ETH. */
export const ANVIL_KEY_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" as Hex;
/** Anvil's first four default accounts' keys (the public test mnemonic), each funded with 10,000 ETH. */
export const ANVIL_KEYS: readonly Hex[] = [
  ANVIL_KEY_0,
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
];
/** The chain id anvil is started with. */
export const ANVIL_CHAIN_ID = 31337;
const CHAIN_ID = ANVIL_CHAIN_ID;
const READY_MS = 20_000;

/**
 * The anvil binary: the platform package's, else the bin shim in node_modules/.bin.
 * @throws L1Error (NODE) when neither is installed.
 */
export function anvilBinary(): string {
  const require = createRequire(import.meta.url);
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const exe = process.platform === "win32" ? "anvil.exe" : "anvil";
  try {
    const bin = join(dirname(require.resolve(`@foundry-rs/anvil-${process.platform}-${arch}/package.json`)), "bin", exe);
    if (existsSync(bin)) return bin;
  } catch {
    // no platform package here: try the shim
  }
  const shim = join(dirname(require.resolve("@foundry-rs/anvil/package.json")), "..", "..", ".bin", "anvil");
  if (existsSync(shim)) return shim;
  throw new L1Error("NODE", `anvil: no binary for ${process.platform}-${arch} (package @foundry-rs/anvil)`);
}

/** A loopback TCP port that was free a moment ago (anvil has no `--port 0`). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new L1Error("NODE", "freePort: no port"))));
    });
  });
}

const running = new Set<ChildProcess>();
let exitHook = false;

/** What an eth_call returned: the decoded value, or the raw revert data. */
export interface CallOutcome<T> {
  ok: boolean;
  value?: T;
  /** Raw revert data when !ok. */
  revert?: Hex;
}

/** A running anvil node with viem clients for it (the wallet signs as {@link ANVIL_KEY_0}). */
export class Anvil {
  readonly publicClient: PublicClient;
  readonly walletClient: WalletClient;
  readonly account: PrivateKeyAccount;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    const chain = defineChain({
      id: CHAIN_ID,
      name: "anvil",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [url] } },
    });
    this.account = privateKeyToAccount(ANVIL_KEY_0);
    this.publicClient = createPublicClient({ chain, transport: http(url) });
    this.walletClient = createWalletClient({ chain, transport: http(url), account: this.account });
  }

  /**
   * Starts anvil (Prague rules, EIP-170's code size limit on) and waits until it answers RPC.
   * @throws L1Error (NODE) when no binary is found or the node does not answer within 20 s.
   */
  static async start(): Promise<Anvil> {
    if (!exitHook) {
      exitHook = true;
      process.on("exit", () => {
        for (const c of running) c.kill("SIGKILL");
      });
    }
    const binary = anvilBinary();
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const child = spawn(binary, ["--host", "127.0.0.1", "--port", String(port), "--hardfork", "prague", "--chain-id", String(CHAIN_ID), "--silent"], {
        stdio: ["ignore", "ignore", "pipe"],
      });
      running.add(child);
      let stderr = "";
      child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("exit", () => running.delete(child));
      const anvil = new Anvil(child, `http://127.0.0.1:${port}`);
      try {
        await anvil.ready(() => stderr);
        return anvil;
      } catch (e) {
        lastError = e;
        await anvil.stop(); // e.g. the port was taken in between: try another
      }
    }
    throw lastError;
  }

  private async ready(stderr: () => string): Promise<void> {
    const deadline = Date.now() + READY_MS;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new L1Error("NODE", `anvil exited (${this.child.exitCode ?? this.child.signalCode}): ${stderr()}`);
      try {
        const r = await fetch(this.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
        });
        if (r.ok && ((await r.json()) as { result?: string }).result === `0x${CHAIN_ID.toString(16)}`) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new L1Error("NODE", `anvil did not answer RPC at ${this.url} within ${READY_MS} ms: ${stderr()}`);
  }

  /** A wallet client on this node signing with `key` (e.g. one of {@link ANVIL_KEYS}). */
  wallet(key: Hex): WalletClient {
    return createWalletClient({ chain: this.walletClient.chain, transport: http(this.url), account: privateKeyToAccount(key) });
  }

  /**
   * Deploys `a` (constructor arguments ABI-encoded when given) and returns its address.
   * @throws L1Error (REVERTED) when the creation fails.
   */
  async deploy(a: Artifact, args?: readonly unknown[]): Promise<Hex> {
    const hash = await this.walletClient.deployContract({
      abi: a.abi,
      bytecode: a.bytecode,
      args: (args ?? []) as never,
      account: this.account,
      chain: this.walletClient.chain,
    });
    const receipt = await this.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    if (receipt.status !== "success" || !receipt.contractAddress) throw new L1Error("REVERTED", `anvil: deploying failed (${receipt.status})`);
    return receipt.contractAddress;
  }

  /** A raw JSON-RPC request (anvil's own methods: evm_increaseTime, evm_mine, …). */
  async rpc<T = unknown>(method: string, params: readonly unknown[] = []): Promise<T> {
    return (await this.publicClient.request({ method: method as never, params: params as never })) as T;
  }

  /** Moves the clock forward by `seconds` and mines a block, so the next block is that much later. */
  async increaseTime(seconds: number | bigint): Promise<void> {
    await this.rpc("evm_increaseTime", [Number(seconds)]);
    await this.rpc("evm_mine");
  }

  /** eth_call of `functionName` on `to` at the latest block. */
  async call<T>(to: Hex, abi: Abi, functionName: string, args: readonly unknown[]): Promise<CallOutcome<T>> {
    const data = encodeFunctionData({ abi, functionName, args } as never);
    try {
      const out = (await this.publicClient.request({ method: "eth_call", params: [{ to, data }, "latest"] })) as Hex;
      return { ok: true, value: decodeFunctionResult({ abi, functionName, data: out } as never) as T };
    } catch (e) {
      const revert = findRevertData(e);
      if (revert === undefined) throw e;
      return { ok: false, revert };
    }
  }

  /**
   * Sends `data` to `to` as a real transaction (from `wallet`, default the first account) and
   * returns its receipt's gasUsed (whole transaction), status and hash. A reverting transaction is
   * mined with status "reverted" (the gas limit is fixed, so nothing is estimated first).
   */
  async transact(to: Hex, data: Hex, wallet: WalletClient = this.walletClient): Promise<{ gasUsed: bigint; status: string; hash: Hex }> {
    const hash = await wallet.sendTransaction({ to, data, account: wallet.account!, chain: wallet.chain, gas: 10_000_000n });
    const receipt = await this.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    return { gasUsed: receipt.gasUsed, status: receipt.status, hash };
  }

  /** Kills the node (SIGTERM, then SIGKILL after 2 s) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) {
      running.delete(child);
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
      child.once("exit", () => {
        clearTimeout(timer);
        running.delete(child);
        resolve();
      });
      child.kill("SIGTERM");
    });
  }
}

/** The revert data an RPC error carries (viem nests it under cause.data or cause.cause.data). */
function findRevertData(e: unknown): Hex | undefined {
  for (let x = e as { data?: unknown; cause?: unknown } | undefined, depth = 0; x && depth < 6; x = x.cause as typeof x, depth++) {
    if (typeof x.data === "string" && x.data.startsWith("0x")) return x.data as Hex;
  }
  return undefined;
}
