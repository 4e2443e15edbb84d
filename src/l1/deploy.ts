// Deploys the whole L1 side of a rollup (docs/SPEC.md §13.6–§13.10) in the one order the
// constructors allow — Inbox → Batches → Claims → StepVerifier → OneStepProver → DisputeGame →
// Bridge — and wires the two back-references (inbox.bind(bridge), claims.bind(game)) that only the
// deployer may set, once. Defaults are DESIGN §7's (DECISIONS D39).
import type { Account, Chain, Hex, PublicClient, Transport, WalletClient } from "viem";
import { isAddress } from "viem";
import { L1Error } from "../protocol/errors.js";
import { type ContractName, loadArtifact } from "./artifacts.js";

/** Seconds in a day, for the defaults below. */
const DAY_SECONDS = 86_400n;

/** Settings fixed at deployment (DECISIONS D39 for the defaults). */
export interface RollupSettings {
  /** The state root batch 1's claims build on (the genesis state's root, SPEC §4.3). */
  genesisStateRoot: Hex;
  /** The only address that may post batches (anyone may force-include overdue messages). */
  sequencer: Hex;
  /** L2 token ids (< 2^31) and the ERC-20 each is escrowed as. */
  tokens: readonly { id: number; erc20: Hex }[];
  /** Validium: committee members (any order; sorted here) and how many must sign. Default: none. */
  committee?: readonly Hex[];
  quorum?: number;
  /** Default 7 days. */
  challengeWindowSeconds?: bigint;
  /** Each side's chess clock in a game. Default 3.5 days. */
  clockPerSideSeconds?: bigint;
  /** How old an inbox message may get before a batch must consume it. Default 24 h. */
  forceDelaySeconds?: bigint;
  /** No confirmation for this long freezes the rollup (the escape hatch). Default 28 days. */
  escapeDelaySeconds?: bigint;
  /** Default 0.25 ether each. */
  claimBondWei?: bigint;
  challengeBondWei?: bigint;
  /** Share of a lost bond burned, in basis points. Default 2,000 (20 %). */
  burnBps?: number;
}

/** The defaults of {@link RollupSettings}' optional fields. */
export const ROLLUP_DEFAULTS = {
  challengeWindowSeconds: 7n * DAY_SECONDS,
  clockPerSideSeconds: (7n * DAY_SECONDS) / 2n,
  forceDelaySeconds: DAY_SECONDS,
  escapeDelaySeconds: 28n * DAY_SECONDS,
  claimBondWei: 250_000_000_000_000_000n,
  challengeBondWei: 250_000_000_000_000_000n,
  burnBps: 2_000,
} as const;

/** Where each contract of a deployed rollup is. */
export interface RollupAddresses {
  inbox: Hex;
  batches: Hex;
  claims: Hex;
  stepVerifier: Hex;
  oneStepProver: Hex;
  disputeGame: Hex;
  bridge: Hex;
  /** The block of the first deployment: where event scans start. */
  fromBlock: bigint;
}

/** A deployed rollup: its addresses, the settings in force and the gas each step took. */
export interface DeployedRollup {
  addresses: RollupAddresses;
  settings: Required<RollupSettings>;
  /** Whole-transaction gas per deployment or wiring step, in order. */
  gasUsed: Record<string, bigint>;
}

/** A viem wallet client with an account: what sends L1 transactions (deployments, batches, claims, bridge calls). */
export type L1Wallet = WalletClient<Transport, Chain | undefined, Account>;

/** The settings with every default filled in, checked. @throws L1Error (MISMATCH) naming the field. */
export function resolveSettings(s: RollupSettings): Required<RollupSettings> {
  const committee = [...(s.committee ?? [])].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
  const quorum = s.quorum ?? 0;
  const bad = (field: string, why: string) => new L1Error("MISMATCH", `deploy settings: ${field} ${why}`);
  if (!/^0x[0-9a-fA-F]{64}$/.test(s.genesisStateRoot)) throw bad("genesisStateRoot", "must be a 0x-prefixed 32-byte hex string");
  if (!isAddress(s.sequencer, { strict: false })) throw bad("sequencer", "must be an address");
  s.tokens.forEach((t, i) => {
    if (!Number.isInteger(t.id) || t.id < 0 || t.id >= 2 ** 31) throw bad(`tokens[${i}].id`, "must be an integer below 2^31");
    if (!isAddress(t.erc20, { strict: false })) throw bad(`tokens[${i}].erc20`, "must be an address");
  });
  committee.forEach((m, i) => {
    if (!isAddress(m, { strict: false })) throw bad(`committee[${i}]`, "must be an address");
    if (i > 0 && BigInt(committee[i - 1]!) === BigInt(m)) throw bad("committee", `names ${m} twice`);
  });
  if (committee.length === 0 ? quorum !== 0 : !Number.isInteger(quorum) || quorum < 1 || quorum > committee.length)
    throw bad("quorum", `must be 1 … ${committee.length} with a committee and 0 without, not ${quorum}`);
  const burnBps = s.burnBps ?? ROLLUP_DEFAULTS.burnBps;
  if (!Number.isInteger(burnBps) || burnBps < 0 || burnBps > 10_000) throw bad("burnBps", "must be 0 … 10,000");
  return {
    genesisStateRoot: s.genesisStateRoot,
    sequencer: s.sequencer,
    tokens: s.tokens,
    committee,
    quorum,
    challengeWindowSeconds: s.challengeWindowSeconds ?? ROLLUP_DEFAULTS.challengeWindowSeconds,
    clockPerSideSeconds: s.clockPerSideSeconds ?? ROLLUP_DEFAULTS.clockPerSideSeconds,
    forceDelaySeconds: s.forceDelaySeconds ?? ROLLUP_DEFAULTS.forceDelaySeconds,
    escapeDelaySeconds: s.escapeDelaySeconds ?? ROLLUP_DEFAULTS.escapeDelaySeconds,
    claimBondWei: s.claimBondWei ?? ROLLUP_DEFAULTS.claimBondWei,
    challengeBondWei: s.challengeBondWei ?? ROLLUP_DEFAULTS.challengeBondWei,
    burnBps,
  };
}

/**
 * Deploys and wires a rollup from `wallet` (which becomes the deployer that binds the back-references).
 * `onStep` is called after each transaction, for progress output.
 *
 * @throws L1Error MISMATCH for bad settings (before anything is sent), NOT_FOUND when an artifact
 *   is missing (run `npm run build:contracts`), REVERTED when a deployment or a bind fails.
 */
export async function deployRollup(
  client: PublicClient,
  wallet: L1Wallet,
  settings: RollupSettings,
  onStep?: (name: string, done: number, total: number) => void,
): Promise<DeployedRollup> {
  const s = resolveSettings(settings);
  const gasUsed: Record<string, bigint> = {};
  const total = 9;
  let done = 0;
  let fromBlock = -1n;
  const deploy = async (name: ContractName, args: readonly unknown[]): Promise<Hex> => {
    const a = loadArtifact(name);
    const hash = await wallet.deployContract({ abi: a.abi, bytecode: a.bytecode, args: args as never, account: wallet.account, chain: wallet.chain });
    const r = await client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    if (r.status !== "success" || !r.contractAddress) throw new L1Error("REVERTED", `deploying ${name} failed (transaction ${hash})`);
    if (fromBlock < 0n) fromBlock = r.blockNumber;
    gasUsed[name] = r.gasUsed;
    onStep?.(name, ++done, total);
    return r.contractAddress;
  };
  const bind = async (name: ContractName, at: Hex, target: Hex): Promise<void> => {
    const a = loadArtifact(name);
    const hash = await wallet.writeContract({
      address: at,
      abi: a.abi,
      functionName: "bind",
      args: [target] as never,
      account: wallet.account,
      chain: wallet.chain,
    });
    const r = await client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    if (r.status !== "success") throw new L1Error("REVERTED", `${name}.bind(${target}) failed (transaction ${hash})`);
    gasUsed[`${name}.bind`] = r.gasUsed;
    onStep?.(`${name}.bind`, ++done, total);
  };
  const inbox = await deploy("Inbox", [s.tokens.map((t) => t.id), s.tokens.map((t) => t.erc20)]);
  const batches = await deploy("Batches", [inbox, s.sequencer, s.forceDelaySeconds, s.committee, BigInt(s.quorum)]);
  const claims = await deploy("Claims", [batches, s.genesisStateRoot, s.claimBondWei, s.challengeWindowSeconds, s.escapeDelaySeconds, s.burnBps]);
  const stepVerifier = await deploy("StepVerifier", []);
  const oneStepProver = await deploy("OneStepProver", [stepVerifier]);
  const disputeGame = await deploy("DisputeGame", [claims, batches, inbox, oneStepProver, s.challengeBondWei, s.clockPerSideSeconds, s.burnBps]);
  const bridge = await deploy("Bridge", [claims, batches, inbox]);
  await bind("Inbox", inbox, bridge);
  await bind("Claims", claims, disputeGame);
  return { addresses: { inbox, batches, claims, stepVerifier, oneStepProver, disputeGame, bridge, fromBlock }, settings: s, gasUsed };
}
