// The L1 side of the CLI: a node to talk to (anvil spawned from node_modules, or --l1-rpc URL),
// wallets from --l1-key, and the deployment file `l2engine deploy` writes and the other L1 verbs
// read. A node that cannot be reached is an L1Error (exit 1); a malformed key or URL is bad usage.
import { createPublicClient, createWalletClient, defineChain, type Hex, http, isAddress, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { L1Error } from "../protocol/errors.js";
import { ANVIL_KEY_0, Anvil } from "../l1/anvil.js";
import type { RollupAddresses } from "../l1/deploy.js";
import type { L1Wallet } from "../l1/play.js";
import type { Eip712Domain } from "../protocol/eip712.js";
import { UsageError } from "./args.js";
import { FileInputError } from "./files.js";
import { readBytes } from "./files.js";

/** A connected L1 node. */
export interface L1Node {
  url: string;
  chainId: number;
  client: PublicClient;
  /** Set when this process started the node (then {@link close} stops it). */
  anvil?: Anvil;
  wallet(key: Hex): L1Wallet;
  /** Moves the node's clock (evm_increaseTime + evm_mine); false when the node refuses. */
  increaseTime(seconds: bigint): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * `--l1-key`: a 0x-prefixed 32-byte hex private key (default anvil's first account's).
 * @throws UsageError for anything else (the key itself is never printed).
 */
export function parseKey(value: string | undefined, option = "--l1-key"): Hex {
  if (value === undefined) return ANVIL_KEY_0;
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) throw new UsageError(`${option} needs a 0x-prefixed 32-byte hex private key`);
  return value as Hex;
}

/**
 * Connects to `url`, or starts anvil when it is undefined.
 * @throws UsageError for a URL that is not http(s); L1Error (NODE) when the node does not answer.
 */
export async function connectL1(url: string | undefined): Promise<L1Node> {
  const anvil = url === undefined ? await Anvil.start() : undefined;
  const at = anvil?.url ?? url!;
  if (!/^https?:\/\/\S+$/.test(at)) throw new UsageError(`--l1-rpc needs an http(s) URL, got ${at}`);
  let chainId: number;
  try {
    const probe = createPublicClient({ transport: http(at, { retryCount: 0, timeout: 10_000 }) });
    chainId = await probe.getChainId();
  } catch (e) {
    await anvil?.stop();
    throw new L1Error("NODE", `no L1 node answers at ${at}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`, e);
  }
  const chain = defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [at] } },
  });
  const client = anvil?.publicClient ?? (createPublicClient({ chain, transport: http(at), pollingInterval: 50 }) as PublicClient);
  return {
    url: at,
    chainId,
    client,
    anvil,
    wallet: (key) => createWalletClient({ chain, transport: http(at), account: privateKeyToAccount(key) }),
    async increaseTime(seconds) {
      try {
        await client.request({ method: "evm_increaseTime" as never, params: [Number(seconds)] as never });
        await client.request({ method: "evm_mine" as never, params: [] as never });
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await anvil?.stop();
    },
  };
}

/** What `l2engine deploy` writes: where the rollup is and what it was deployed with. */
export interface DeploymentFile {
  chainId: number;
  addresses: RollupAddresses;
  genesisStateRoot: Hex;
  sequencer: Hex;
  tokens: { id: number; erc20: Hex }[];
  committee: Hex[];
  quorum: number;
  challengeWindowSeconds: bigint;
  clockPerSideSeconds: bigint;
  claimBondWei: bigint;
  challengeBondWei: bigint;
}

/** The EIP-712 domain L2 transactions of a deployment are signed under (SPEC §13: the inbox). */
export function domainOf(d: DeploymentFile): Eip712Domain {
  return { chainId: BigInt(d.chainId), verifyingContract: d.addresses.inbox };
}

/** The deployment as JSON (big values as decimal strings). */
export function deploymentJson(d: DeploymentFile): string {
  return `${JSON.stringify(d, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`;
}

const ADDRESS_KEYS = ["inbox", "batches", "claims", "stepVerifier", "oneStepProver", "disputeGame", "bridge"] as const;

/**
 * Reads a deployment file and checks every field `l2engine` uses.
 * @throws UsageError if it cannot be read; FileInputError (exit 1) naming the field otherwise.
 */
export function readDeployment(file: string): DeploymentFile {
  const text = new TextDecoder().decode(readBytes(file));
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new FileInputError(file, "", `not JSON: ${(e as Error).message}`);
  }
  const bad = (path: string, why: string) => new FileInputError(file, path, why);
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw bad("", "a deployment file is a JSON object (what l2engine deploy writes)");
  const a = v.addresses as Record<string, unknown> | undefined;
  if (a === null || typeof a !== "object") throw bad("addresses", "missing: a deployment file is what l2engine deploy writes");
  for (const k of ADDRESS_KEYS)
    if (typeof a[k] !== "string" || !isAddress(a[k] as string, { strict: false })) throw bad(`addresses.${k}`, "must be a 0x-prefixed 20-byte address");
  const big = (x: unknown, path: string): bigint => {
    if (typeof x !== "string" || !/^[0-9]+$/.test(x)) throw bad(path, "must be a decimal string");
    return BigInt(x);
  };
  if (typeof v.chainId !== "number" || !Number.isSafeInteger(v.chainId)) throw bad("chainId", "must be an integer");
  if (typeof v.genesisStateRoot !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(v.genesisStateRoot))
    throw bad("genesisStateRoot", "must be a 0x-prefixed 32-byte hex string");
  const tokens = v.tokens;
  if (!Array.isArray(tokens)) throw bad("tokens", "must be an array of { id, erc20 }");
  return {
    chainId: v.chainId,
    addresses: { ...(a as Record<(typeof ADDRESS_KEYS)[number], Hex>), fromBlock: big(a.fromBlock, "addresses.fromBlock") },
    genesisStateRoot: v.genesisStateRoot as Hex,
    sequencer: v.sequencer as Hex,
    tokens: tokens as { id: number; erc20: Hex }[],
    committee: (v.committee as Hex[]) ?? [],
    quorum: Number(v.quorum ?? 0),
    challengeWindowSeconds: big(v.challengeWindowSeconds, "challengeWindowSeconds"),
    clockPerSideSeconds: big(v.clockPerSideSeconds, "clockPerSideSeconds"),
    claimBondWei: big(v.claimBondWei, "claimBondWei"),
    challengeBondWei: big(v.challengeBondWei, "challengeBondWei"),
  };
}

/**
 * Checks that the node is the deployment's chain and holds its contracts.
 * @throws L1Error (MISMATCH) naming what differs.
 */
export async function checkDeployment(node: L1Node, d: DeploymentFile, file: string): Promise<void> {
  if (node.chainId !== d.chainId) throw new L1Error("MISMATCH", `${file}: deployed on chain ${d.chainId}, the node at ${node.url} is chain ${node.chainId}`);
  const code = await node.client.getCode({ address: d.addresses.claims });
  if (code === undefined || code === "0x")
    throw new L1Error("MISMATCH", `${file}: addresses.claims ${d.addresses.claims} holds no contract on the node at ${node.url}`);
}
