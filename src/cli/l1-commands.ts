// The L1 verbs of `l2engine`, what a node operator runs against a rollup on L1: `deploy` (the
// contracts, wired, addresses written to a file), `follow` (the L2 chain derived from L1 and the
// genesis alone), `challenge` (every pending claim checked against the watcher's own re-execution,
// every wrong one disputed and played to the end), `withdraw` (a withdrawal of a confirmed batch
// proved and claimed) — and `demo`, the whole story on anvil. Typed failures exit 1 (an L1 node
// that does not answer, a contract that refuses, a file whose content is wrong), bad usage 2.
import { type Abi, type Hex, isAddress } from "viem";
import { Engine } from "../engine/engine.js";
import { nodeRecovery } from "../node/secp256k1-native.js";
import { InvalidArgumentError, L1Error } from "../protocol/errors.js";
import { Reason } from "../protocol/types.js";
import { loadArtifact } from "../l1/artifacts.js";
import { BRIDGE_ABI, withdrawalArgs } from "../l1/bridge.js";
import { deployRollup } from "../l1/deploy.js";
import { PHASE } from "../l1/game.js";
import { type L1Wallet, playGame, postedClaims, sendCall } from "../l1/play.js";
import { gamesAgainst, Watcher } from "../l1/watch.js";
import { parseArgs, type ParsedArgs, required, UsageError } from "./args.js";
import { readGenesis } from "./chain-commands.js";
import { writeFile } from "./files.js";
import { l1Demo } from "./l1-demo.js";
import { checkDeployment, connectL1, type DeploymentFile, deploymentJson, domainOf, type L1Node, parseKey, readDeployment } from "./l1-node.js";
import { progress } from "./progress.js";

const say = (s: string) => process.stdout.write(`${s}\n`);
const ENGINE_ONLY_OPTIONS = ["--slots", "--batches", "--threads", "--data-dir"];

/** Takes a flag without a value (`--json`) out of `args`. */
function flag(args: readonly string[], name: string): [boolean, string[]] {
  return [args.includes(name), args.filter((a) => a !== name)];
}

/** `l2engine demo` (without --engine-only): the rollup on a real L1. */
export async function l1DemoCommand(args: readonly string[]): Promise<number> {
  const engineOnly = args.find((a) => ENGINE_ONLY_OPTIONS.includes(a));
  if (engineOnly !== undefined) throw new UsageError(`demo: ${engineOnly} is an option of demo --engine-only (the engine alone, no L1)`);
  const p = parseArgs("demo", args, { numbers: { "batch-size": 200, seed: 1 }, strings: { "l1-rpc": undefined, "l1-key": undefined } });
  try {
    await l1Demo(
      {
        l1Rpc: p.strings["l1-rpc"],
        l1Key: p.strings["l1-key"] === undefined ? undefined : parseKey(p.strings["l1-key"]),
        batchSize: p.numbers["batch-size"]!,
        seed: p.numbers.seed!,
      },
      progress,
    );
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  return 0;
}

/** A node for a verb: --l1-rpc is required (a verb never spawns a throwaway chain). */
async function nodeFor(p: ParsedArgs, command: string): Promise<L1Node> {
  return connectL1(required(p, command, "l1-rpc"));
}

/** `--seconds`-style decimal option, or its default. */
function seconds(p: ParsedArgs, name: string): bigint | undefined {
  const v = p.numbers[name];
  return v === undefined ? undefined : BigInt(v);
}

/**
 * `l2engine deploy --l1-rpc URL [--l1-key KEY] --genesis genesis.json --out deployment.json
 * [--tokens 1=0x…,2=0x…] [--committee a,b --quorum n] [--sequencer 0x…] [--challenge-window S] [--clock S]`
 */
export async function deployCommand(args: readonly string[]): Promise<number> {
  const p = parseArgs("deploy", args, {
    numbers: { quorum: undefined, "challenge-window": undefined, clock: undefined },
    strings: { "l1-rpc": undefined, "l1-key": undefined, genesis: undefined, out: undefined, tokens: undefined, committee: undefined, sequencer: undefined },
  });
  required(p, "deploy", "l1-rpc");
  const key = parseKey(p.strings["l1-key"]);
  const out = required(p, "deploy", "out");
  const genesis = readGenesis(required(p, "deploy", "genesis"));
  const committee = p.strings.committee === undefined ? [] : p.strings.committee.split(",");
  for (const [i, m] of committee.entries()) if (!isAddress(m, { strict: false })) throw new UsageError(`--committee: member ${i} (${m}) is not an address`);
  if (p.strings.sequencer !== undefined && !isAddress(p.strings.sequencer, { strict: false })) throw new UsageError("--sequencer needs an address");
  let tokens: { id: number; erc20: Hex }[] | undefined;
  if (p.strings.tokens !== undefined) {
    tokens = p.strings.tokens.split(",").map((pair, i) => {
      const m = /^([0-9]+)=(0x[0-9a-fA-F]{40})$/.exec(pair);
      if (!m) throw new UsageError(`--tokens: entry ${i} (${pair}) is not ID=0xADDRESS`);
      return { id: Number(m[1]), erc20: m[2] as Hex };
    });
  }
  const node = await nodeFor(p, "deploy");
  try {
    const wallet = node.wallet(key);
    const probe = Engine.create({ genesis: genesis.slots, chainId: BigInt(node.chainId), verifyingContract: wallet.account.address });
    const genesisStateRoot = probe.stateRoot();
    probe.dispose();
    if (tokens === undefined) {
      // no L1 tokens named: a test ERC-20 (anyone may mint) for every token of the genesis
      const art = loadArtifact("TestToken");
      const ids = [...new Set(genesis.slots.map((s) => s.token))].sort((a, b) => a - b);
      tokens = [];
      for (const id of ids) {
        const hash = await wallet.deployContract({
          abi: art.abi,
          bytecode: art.bytecode,
          args: [`l2engine test token ${id}`, `T${id}`] as never,
          account: wallet.account,
          chain: wallet.chain,
        });
        const r = await node.client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
        tokens.push({ id, erc20: r.contractAddress! });
        say(`token ${id}: test ERC-20 deployed at ${r.contractAddress} (anyone may mint)`);
      }
    }
    const deployed = await deployRollup(
      node.client,
      wallet,
      {
        genesisStateRoot,
        sequencer: (p.strings.sequencer as Hex | undefined) ?? wallet.account.address,
        tokens,
        committee: committee as Hex[],
        quorum: p.numbers.quorum,
        challengeWindowSeconds: seconds(p, "challenge-window"),
        clockPerSideSeconds: seconds(p, "clock"),
      },
      (name, done, total) => progress(`deploying ${name}`.padEnd(26), done, total),
    );
    const s = deployed.settings;
    const file: DeploymentFile = {
      chainId: node.chainId,
      addresses: deployed.addresses,
      genesisStateRoot,
      sequencer: s.sequencer,
      tokens: [...s.tokens],
      committee: [...s.committee],
      quorum: s.quorum,
      challengeWindowSeconds: s.challengeWindowSeconds,
      clockPerSideSeconds: s.clockPerSideSeconds,
      claimBondWei: s.claimBondWei,
      challengeBondWei: s.challengeBondWei,
    };
    writeFile(out, deploymentJson(file));
    const total = Object.values(deployed.gasUsed).reduce((a, b) => a + b, 0n);
    say(
      `deployed the rollup on chain ${node.chainId} (${total} gas): Inbox ${deployed.addresses.inbox}, Claims ${deployed.addresses.claims}, DisputeGame ${deployed.addresses.disputeGame}, Bridge ${deployed.addresses.bridge}`,
    );
    say(
      `genesis state root ${genesisStateRoot}; L2 transactions are signed under chain id ${node.chainId} and verifying contract ${deployed.addresses.inbox} (the Inbox)`,
    );
    say(`addresses written to ${out}`);
    return 0;
  } finally {
    await node.close();
  }
}

/** The deployment, the genesis and a watcher synced to L1, checked against each other. */
async function watch(p: ParsedArgs, command: string): Promise<{ node: L1Node; d: DeploymentFile; watcher: Watcher }> {
  const deploymentFile = required(p, command, "deployment");
  const d = readDeployment(deploymentFile);
  const genesisFile = required(p, command, "genesis");
  const genesis = readGenesis(genesisFile);
  const node = await nodeFor(p, command);
  try {
    await checkDeployment(node, d, deploymentFile);
    const watcher = new Watcher(node.client, d.addresses, genesis.slots, domainOf(d), nodeRecovery);
    if (watcher.genesisStateRoot() !== d.genesisStateRoot.toLowerCase()) {
      watcher.dispose();
      throw new L1Error(
        "MISMATCH",
        `${genesisFile}: its state root ${watcher.genesisStateRoot()} is not the deployment's genesisStateRoot ${d.genesisStateRoot}`,
      );
    }
    await watcher.sync();
    return { node, d, watcher };
  } catch (e) {
    await node.close();
    throw e;
  }
}

const STATUS = ["none", "pending", "confirmed", "rejected"] as const;

/** `l2engine follow --l1-rpc URL --deployment deployment.json --genesis genesis.json [--json]` */
export async function followCommand(args: readonly string[]): Promise<number> {
  const [json, rest] = flag(args, "--json");
  const p = parseArgs("follow", rest, { strings: { "l1-rpc": undefined, deployment: undefined, genesis: undefined } });
  const { node, d, watcher } = await watch(p, "follow");
  try {
    const claimsAbi = loadArtifact("Claims").abi;
    for (const w of watcher.batches) {
      const index = w.followed.header.index;
      const confirmed = (await node.client.readContract({ address: d.addresses.claims, abi: claimsAbi, functionName: "confirmedClaim", args: [index] })) as Hex;
      const ok = w.result.receipts.filter((r) => r.status === Reason.OK).length;
      const claim = /^0x0+$/.test(confirmed)
        ? "none confirmed"
        : confirmed.toLowerCase() === w.honest.hash.toLowerCase()
          ? "confirmed claim agrees"
          : "CONFIRMED CLAIM DIFFERS";
      if (json)
        say(
          JSON.stringify({
            batch: Number(index),
            l1Messages: w.followed.batch.l1Messages.length,
            transactions: w.followed.batch.txs.length,
            ok,
            withdrawals: w.result.withdrawals.length,
            stateRoot: w.result.postStateRoot,
            decodeError: w.followed.decodeError?.message ?? null,
            confirmedClaim: /^0x0+$/.test(confirmed) ? null : confirmed,
            honestClaim: w.honest.hash,
          }),
        );
      else
        say(
          `batch ${index}: ${w.followed.batch.l1Messages.length} L1 messages + ${w.followed.batch.txs.length} transactions (${ok}/${w.result.receipts.length} OK), ${w.result.withdrawals.length} withdrawals, state root ${w.result.postStateRoot}${w.followed.decodeError ? ` (DA bytes undecodable: ${w.followed.decodeError.message})` : ""}; ${claim}`,
        );
    }
    if (!json)
      say(
        `head: ${watcher.batches.length} batches derived from L1 and the genesis alone, ${watcher.engine.slotCount()} slots, state root ${watcher.engine.stateRoot()}`,
      );
    return 0;
  } finally {
    watcher.dispose();
    await node.close();
  }
}

/** `l2engine challenge --l1-rpc URL --deployment … --genesis … [--l1-key KEY] [--poll-ms N]` */
export async function challengeCommand(args: readonly string[]): Promise<number> {
  const p = parseArgs("challenge", args, {
    numbers: { "poll-ms": 1000 },
    strings: { "l1-rpc": undefined, "l1-key": undefined, deployment: undefined, genesis: undefined },
  });
  const key = parseKey(p.strings["l1-key"]);
  const { node, d, watcher } = await watch(p, "challenge");
  try {
    const wallet = node.wallet(key);
    const me = wallet.account.address;
    const claimsAbi = loadArtifact("Claims").abi;
    const gameAbi = loadArtifact("DisputeGame").abi;
    const claims = await postedClaims(node.client, d.addresses.claims, claimsAbi, d.addresses.fromBlock);
    let agree = 0;
    let won = 0;
    let lost = 0;
    let pending = 0;
    for (const c of claims) {
      const status = Number(await node.client.readContract({ address: d.addresses.claims, abi: claimsAbi, functionName: "status", args: [c.hash] }));
      if (STATUS[status] !== "pending") continue;
      pending++;
      const v = watcher.verdict(c);
      const what = `claim ${c.hash} (batch ${c.claim.batchIndex}, by ${c.proposer})`;
      if (v.kind === "agrees") {
        agree++;
        continue;
      }
      if (v.kind === "unknown-batch") {
        say(`${what}: its batch is not posted: skipped`);
        continue;
      }
      if (v.kind === "other-parent") {
        say(`${what}: builds on another parent claim than the honest one: it falls with its parent, no game needed`);
        continue;
      }
      const party = watcher.challengerFor(c);
      const mine = await gamesAgainst(node.client, d.addresses.disputeGame, gameAbi, c.hash, d.addresses.fromBlock, me);
      let gameId = mine.at(-1);
      if (gameId === undefined) {
        const sent = await sendCall(
          node.client,
          wallet,
          { address: d.addresses.disputeGame, abi: gameAbi, ...party.challengeMove(d.challengeBondWei) },
          `challenge(${c.hash})`,
        );
        gameId = sent.result as bigint;
        say(
          `${what}: WRONG (post-state ${c.claim.postStateRoot}, ours ${watcher.batches[Number(c.claim.batchIndex) - 1]!.result.postStateRoot}): game ${gameId} opened (${sent.gasUsed} gas)`,
        );
      } else say(`${what}: WRONG: resuming game ${gameId}`);
      const played = await playGame(node.client, d.addresses.disputeGame, gameAbi, gameId, {
        challenger: { party, wallet: wallet as L1Wallet },
        pollMs: p.numbers["poll-ms"],
        onMove: (m) => say(`  game ${gameId}: ${m.by} ${m.functionName}${m.refused ? ` refused (${m.refused})` : ` (${m.gasUsed} gas)`}`),
      });
      if (played.phase === PHASE.ChallengerWon) won++;
      else lost++;
      say(
        `  game ${gameId}: ${played.phase === PHASE.ChallengerWon ? "won: the claim is rejected, the bounty is ours to pull (withdrawBalance)" : `ended in phase ${played.phase}`}`,
      );
    }
    say(
      `${pending} pending claims checked against our own re-execution of ${watcher.batches.length} batches: ${agree} agree, ${won} wrong ones defeated${lost ? `, ${lost} games not won` : ""}`,
    );
    return 0;
  } finally {
    watcher.dispose();
    await node.close();
  }
}

/** `l2engine withdraw --l1-rpc URL --deployment … --genesis … [--l1-key KEY] --batch N --index I` */
export async function withdrawCommand(args: readonly string[]): Promise<number> {
  const p = parseArgs("withdraw", args, {
    numbers: { batch: undefined, index: undefined },
    strings: { "l1-rpc": undefined, "l1-key": undefined, deployment: undefined, genesis: undefined },
  });
  const key = parseKey(p.strings["l1-key"]);
  const batch = p.numbers.batch;
  const index = p.numbers.index;
  if (batch === undefined) throw new UsageError("withdraw needs --batch");
  if (index === undefined) throw new UsageError("withdraw needs --index");
  const { node, d, watcher } = await watch(p, "withdraw");
  try {
    const w = watcher.batches[batch - 1];
    if (batch < 1 || w === undefined) throw new InvalidArgumentError(`--batch: no batch ${batch} on L1 (${watcher.batches.length} posted)`);
    const claimsAbi = loadArtifact("Claims").abi;
    const confirmed = (await node.client.readContract({
      address: d.addresses.claims,
      abi: claimsAbi,
      functionName: "confirmedClaim",
      args: [BigInt(batch)],
    })) as Hex;
    if (/^0x0+$/.test(confirmed))
      throw new L1Error("NOT_FOUND", `--batch: batch ${batch} has no confirmed claim yet (its withdrawals are paid once one confirms)`);
    const claim = (await postedClaims(node.client, d.addresses.claims, claimsAbi, d.addresses.fromBlock)).find(
      (c) => c.hash.toLowerCase() === confirmed.toLowerCase(),
    );
    if (claim === undefined) throw new L1Error("NOT_FOUND", `batch ${batch}: confirmed claim ${confirmed} has no ClaimProposed event`);
    const a = withdrawalArgs(watcher.engine, claim.claim, w.result.withdrawals, index);
    const erc20 = d.tokens.find((t) => t.id === a.token)?.erc20;
    const tokenAbi = loadArtifact("TestToken").abi as Abi;
    const balance = async () =>
      erc20 === undefined
        ? undefined
        : ((await node.client.readContract({ address: erc20, abi: tokenAbi, functionName: "balanceOf", args: [a.owner] })) as bigint);
    const before = await balance();
    const sent = await sendCall(
      node.client,
      node.wallet(key),
      { address: d.addresses.bridge, abi: BRIDGE_ABI, functionName: "withdraw", args: [a.claim, a.index, a.owner, a.token, a.amount, a.proof] },
      `withdraw(batch ${batch}, index ${index})`,
    );
    const after = await balance();
    say(
      `withdrawal ${index} of batch ${batch} paid: ${a.amount} of token ${a.token} to ${a.owner} (${sent.gasUsed} gas)${before !== undefined && after !== undefined ? `; its ERC-20 balance ${before} → ${after}` : ""}`,
    );
    return 0;
  } finally {
    watcher.dispose();
    await node.close();
  }
}
