// The main job (`npm start` = `l2engine demo`): the rollup on a real L1. Anvil is spawned from
// node_modules (or --l1-rpc names a node), two ERC-20s and the whole L1 side are deployed, users
// deposit on L1, sign L2 traffic with their own keys (transfers, a pool, swaps, withdrawals), the
// sequencer posts batches as calldata and an honest proposer claims each; a dishonest proposer
// claims a forged outcome for one batch, a challenger that derived the chain from L1 alone
// disputes it and wins the bisection game on L1 (bond slashed, a share burned); the clock moves
// past the window, the honest claims confirm, withdrawals and a forced exit are paid on L1 with
// the ERC-20 balances checked, and the value held in escrow is the value on L2.
import { keccak_256 } from "@noble/hashes/sha3.js";
import { type Abi, formatEther, formatUnits, type Hex, parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { Engine } from "../engine/engine.js";
import { proveSteps } from "../dispute/step-proof.js";
import { encodeStepProof } from "../dispute/proof-codec.js";
import { nodeRecovery } from "../node/secp256k1-native.js";
import { toHex } from "../protocol/bytes.js";
import { L1Error } from "../protocol/errors.js";
import { signTransaction } from "../protocol/signatures.js";
import { Reason, reasonName, type Batch, type BatchResult, type L1Message, type SignedTx, type Slot, type Tx } from "../protocol/types.js";
import { ANVIL_KEY_0, ANVIL_KEYS } from "../l1/anvil.js";
import { loadArtifact } from "../l1/artifacts.js";
import { BRIDGE_ABI, claimForBatch, type EncodedClaim, withdrawalArgs } from "../l1/bridge.js";
import { deployRollup, ROLLUP_DEFAULTS } from "../l1/deploy.js";
import { GameProposer, PHASE } from "../l1/game.js";
import { INBOX_ABI } from "../l1/inbox-batches-abi.js";
import { type L1Wallet, playGame, postedClaims, sendCall } from "../l1/play.js";
import { Sequencer } from "../l1/sequencer.js";
import { Watcher } from "../l1/watch.js";
import { Rng } from "./demo.js";
import { connectL1, type L1Node } from "./l1-node.js";

/** Options of the L1 story. */
export interface L1DemoOptions {
  /** A node to run on instead of a spawned anvil. */
  l1Rpc?: string;
  /** The operator's funded key (deployer, sequencer, honest proposer); anvil's first by default. */
  l1Key?: Hex;
  /** Signed transactions per traffic batch (batches 2 and 3). */
  batchSize: number;
  seed: number;
}

type Progress = (label: string, done: number, total: number) => void;

const ZERO_HASH = `0x${"00".repeat(32)}` as Hex;
const NO_SLOT = 0xffffffff;
const TOKENS = [1, 2] as const;
const NAMES = ["alice", "bob", "carol"] as const;
const UNIT = 10n ** 18n;
const FEE = 10n ** 15n;
const DEPOSIT = 600n * UNIT;

const line = (s = "") => process.stdout.write(`${s}\n`);
const short = (h: string) => `${h.slice(0, 10)}…`;
const tok = (x: bigint) => formatUnits(x, 18);
const n0 = (x: bigint | number) => Number(x).toLocaleString("en-US");

/** One posted batch, as the sequencer and the honest proposer saw it. */
interface Posted {
  index: number;
  batch: Batch;
  result: BatchResult;
  claim: EncodedClaim;
  daBytes: number;
  calldataBytes: number;
  postGas: bigint;
}

/**
 * Runs the story; every failed check throws (the CLI maps a typed error to exit 1).
 * @throws L1Error when the node misbehaves or a check of the story fails; UsageError for a bad URL.
 */
export async function l1Demo(o: L1DemoOptions, progress: Progress): Promise<void> {
  if (o.batchSize < 10 || o.batchSize > 1000) throw new RangeError("--batch-size must be from 10 to 1000");
  const started = performance.now();
  const node = await connectL1(o.l1Rpc);
  try {
    await story(node, o, progress, started);
  } finally {
    await node.close();
  }
}

async function story(node: L1Node, o: L1DemoOptions, progress: Progress, started: number): Promise<void> {
  const { client } = node;
  const gas = new Map<string, bigint[]>();
  const spent = (op: string, g: bigint) => gas.set(op, [...(gas.get(op) ?? []), g]);
  line(
    `l2engine demo: a rollup on ${node.anvil ? `anvil (spawned from node_modules, ${node.url})` : `the L1 node at ${node.url}`}, chain ${node.chainId} — deposits, signed L2 traffic, batches, claims, a dispute, withdrawals, a forced exit`,
  );

  // ---- the cast: an operator (deployer, sequencer, honest proposer), three users who hold the
  // same key on L1 and L2, a dishonest proposer and a challenger
  const operator = node.wallet(o.l1Key ?? ANVIL_KEY_0);
  const derive = (role: string) => toHex(keccak_256(new TextEncoder().encode(`l2engine l1 demo ${role} ${o.seed}`)));
  const userKeys = node.anvil ? ANVIL_KEYS.slice(1, 4) : NAMES.map((n) => derive(n));
  const users = userKeys.map((k) => node.wallet(k));
  const addr = users.map((w) => w.account.address);
  const liar = node.wallet(derive("liar"));
  const challenger = node.wallet(derive("challenger"));
  const bond = ROLLUP_DEFAULTS.claimBondWei;
  const funding: [L1Wallet, bigint][] = [
    [liar, bond + parseEther("0.1")],
    [challenger, ROLLUP_DEFAULTS.challengeBondWei + parseEther("0.1")],
    ...(node.anvil ? [] : users.map((u) => [u, parseEther("0.1")] as [L1Wallet, bigint])),
  ];
  for (const [w, wei] of funding) {
    const hash = await operator.sendTransaction({ to: w.account.address, value: wei, account: operator.account, chain: operator.chain });
    await client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  }
  line(
    `operator ${short(operator.account.address)} (deployer, sequencer, honest proposer); users ${NAMES.map((n, i) => `${n} ${short(addr[i]!)}`).join(", ")} (one key each on L1 and L2)`,
  );
  line(
    `dishonest proposer ${short(liar.account.address)} and challenger ${short(challenger.account.address)}, each funded with a bond of ${formatEther(bond)} ETH and gas`,
  );

  // ---- L1 tokens (test ERC-20s anyone may mint), the genesis and the rollup's contracts
  const tokenArt = loadArtifact("TestToken");
  const erc20: Hex[] = [];
  for (const [i, sym] of ["TKA", "TKB"].entries()) {
    const hash = await operator.deployContract({
      abi: tokenArt.abi,
      bytecode: tokenArt.bytecode,
      args: [`Token ${"AB"[i]}`, sym] as never,
      account: operator.account,
      chain: operator.chain,
    });
    const r = await client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    erc20.push(r.contractAddress!);
  }
  for (const a of addr)
    for (const t of erc20) await sendCall(client, operator, { address: t, abi: tokenArt.abi, functionName: "mint", args: [a, 1000n * UNIT] }, "mint");
  // the genesis: the sequencer's two fee slots, empty; all value on L2 comes in by deposit
  const genesis: Slot[] = TOKENS.map((token) => ({ owner: operator.account.address, token, balance: 0n, nonce: 0n }));
  const probe = Engine.create({ genesis, chainId: BigInt(node.chainId), verifyingContract: operator.account.address });
  const genesisStateRoot = probe.stateRoot();
  probe.dispose();
  const deployed = await deployRollup(
    client,
    operator,
    { genesisStateRoot, sequencer: operator.account.address, tokens: TOKENS.map((id, i) => ({ id, erc20: erc20[i]! })) },
    (_n, done, total) => progress("deploying the rollup", done, total),
  );
  const at = deployed.addresses;
  const deployGas = Object.values(deployed.gasUsed).reduce((a, b) => a + b, 0n);
  line(
    `deployed Inbox ${short(at.inbox)}, Batches, Claims, StepVerifier, OneStepProver, DisputeGame ${short(at.disputeGame)}, Bridge ${short(at.bridge)}: ${n0(deployGas)} gas in 9 transactions`,
  );
  line(
    `  challenge window ${Number(deployed.settings.challengeWindowSeconds) / 86400} days, ${Number(deployed.settings.clockPerSideSeconds) / 86400} days per side, bonds ${formatEther(bond)} ETH, ${deployed.settings.burnBps / 100}% of a lost bond burned; L1 tokens TKA = 1, TKB = 2`,
  );

  const domain = { chainId: BigInt(node.chainId), verifyingContract: at.inbox };
  const claimsAbi = loadArtifact("Claims").abi;
  const gameAbi = loadArtifact("DisputeGame").abi;
  const engine = Engine.create({ genesis, ...domain, recovery: nodeRecovery });
  const sequencer = new Sequencer(client, operator, at);
  const erc20Balance = async (token: number, who: Hex) =>
    (await client.readContract({ address: erc20[token - 1]!, abi: tokenArt.abi, functionName: "balanceOf", args: [who] })) as bigint;

  // ---- deposits on L1: approve, then Inbox.deposit into a new L2 slot (the next free index)
  const deposits: L1Message[] = [];
  let done = 0;
  for (const [u, w] of users.entries()) {
    for (const token of TOKENS) {
      const sent = await sendCall(client, w, { address: erc20[token - 1]!, abi: tokenArt.abi, functionName: "approve", args: [at.inbox, DEPOSIT] }, "approve");
      spent("ERC-20 approve", sent.gasUsed);
      const d = await sendCall(
        client,
        w,
        { address: at.inbox, abi: INBOX_ABI, functionName: "deposit", args: [token, DEPOSIT, NO_SLOT] },
        `${NAMES[u]} deposit`,
      );
      spent("deposit", d.gasUsed);
      deposits.push({ kind: "deposit", owner: addr[u]!, token, amount: DEPOSIT });
      progress("deposits on L1", ++done, users.length * TOKENS.length);
    }
  }
  line(`${deposits.length} deposits on L1: each user escrowed ${tok(DEPOSIT)} TKA and ${tok(DEPOSIT)} TKB in the Inbox (approve + deposit)`);

  // slot u·2 + t of the deposits, after the two genesis slots; the pool follows them
  const slotOf = (u: number, token: number) => genesis.length + u * TOKENS.length + (token - 1);
  const pool = genesis.length + users.length * TOKENS.length;
  const feePairs = TOKENS.map((token, t) => ({ token, slot: t }));
  const nonces = new Map<number, bigint>();
  const sign = (u: number, tx: Tx): SignedTx => {
    const from = "from" in tx ? tx.from : (tx as { fromA: number }).fromA;
    const nonce = nonces.get(from) ?? 0n;
    nonces.set(from, nonce + 1n);
    return signTransaction({ ...tx, nonce } as Tx, userKeys[u]!, domain);
  };
  const rng = new Rng(o.seed * 2654435761);
  const strangers = Array.from({ length: 4 }, (_, i) => privateKeyToAccount(derive(`l2 user ${i}`)).address);
  /** Random traffic: transfers, transfers to new L2-only owners, swaps, withdrawals; never touching `avoid`. */
  const traffic = (count: number, avoid: number): SignedTx[] => {
    const txs: SignedTx[] = [];
    while (txs.length < count) {
      const u = rng.int(users.length);
      const token = TOKENS[rng.int(2)]!;
      const from = slotOf(u, token);
      const r = rng.int(20);
      if (r < 9) {
        const to = slotOf((u + 1 + rng.int(users.length - 1)) % users.length, token);
        if (from === avoid || to === avoid) continue;
        txs.push(sign(u, { type: "transfer", from, to, amount: BigInt(1 + rng.int(500)) * 10n ** 16n, fee: FEE, nonce: 0n }));
      } else if (r < 12) {
        if (from === avoid) continue;
        txs.push(
          sign(u, {
            type: "transferToNew",
            from,
            toOwner: strangers[rng.int(strangers.length)]!,
            amount: BigInt(1 + rng.int(100)) * 10n ** 16n,
            fee: FEE,
            nonce: 0n,
          }),
        );
      } else if (r < 18) {
        const to = slotOf(u, 3 - token);
        if (from === avoid || to === avoid) continue;
        txs.push(sign(u, { type: "swap", pool, from, to, amountIn: BigInt(1 + rng.int(300)) * 10n ** 16n, minOut: 0n, nonce: 0n }));
      } else {
        if (from === avoid) continue;
        txs.push(sign(u, { type: "withdraw", from, amount: BigInt(1 + rng.int(50)) * 10n ** 17n, fee: FEE, nonce: 0n }));
      }
    }
    return txs;
  };

  // ---- batches: the sequencer posts each as calldata, the honest proposer claims its outcome
  const posted: Posted[] = [];
  const postAndClaim = async (batch: Batch, what: string): Promise<Posted> => {
    const preSlotCount = engine.slotCount();
    const fork = engine.fork();
    const traced = fork.traceBatch(batch);
    fork.dispose();
    const p = await sequencer.postBatch(batch);
    const tx = await client.getTransaction({ hash: p.transactionHash });
    const result = engine.applyBatch(batch);
    if (result.postStateRoot !== traced.result.postStateRoot)
      throw new L1Error("MISMATCH", `batch ${p.header.index}: the trace and the applied batch disagree`);
    const parentClaimHash = posted.at(-1)?.claim.hash ?? ZERO_HASH;
    const claim = claimForBatch(batch, traced, preSlotCount, domain, { batchIndex: p.header.index, headerHash: p.headerHash, parentClaimHash });
    const proposed = await sendCall(
      client,
      operator,
      { address: at.claims, abi: claimsAbi, functionName: "propose", args: [claim.bytes], value: bond },
      `propose(batch ${p.header.index})`,
    );
    spent("postBatch", p.gasUsed);
    spent("propose", proposed.gasUsed);
    const ok = result.receipts.filter((r) => r.status === Reason.OK).length;
    const failed = new Map<string, number>();
    for (const r of result.receipts) if (r.status !== Reason.OK) failed.set(reasonName(r.status), (failed.get(reasonName(r.status)) ?? 0) + 1);
    const entry: Posted = {
      index: Number(p.header.index),
      batch,
      result,
      claim,
      daBytes: p.da.length,
      calldataBytes: (tx.input.length - 2) / 2,
      postGas: p.gasUsed,
    };
    posted.push(entry);
    line(
      `batch ${entry.index} (${what}): ${batch.l1Messages.length} L1 message${batch.l1Messages.length === 1 ? "" : "s"} + ${batch.txs.length} transaction${batch.txs.length === 1 ? "" : "s"}, ${ok}/${result.receipts.length} OK${failed.size ? ` (${[...failed].map(([k, v]) => `${v} ${k}`).join(", ")})` : ""}, ${result.withdrawals.length} withdrawals; posted in ${entry.calldataBytes} calldata bytes (${n0(p.gasUsed)} gas), claim ${short(claim.hash)} proposed with its bond`,
    );
    return entry;
  };

  // batch 1: the deposits, and alice opens a TKA/TKB pool
  const b1 = await postAndClaim(
    {
      feePairs,
      l1Messages: deposits,
      txs: [sign(0, { type: "createPool", fromA: slotOf(0, 1), fromB: slotOf(0, 2), amountA: 200n * UNIT, amountB: 200n * UNIT, feeBps: 30, nonce: 0n })],
    },
    "the deposits and a TKA/TKB pool",
  );
  for (const [u] of users.entries())
    for (const token of TOKENS)
      if (engine.getSlot(slotOf(u, token)).owner.toLowerCase() !== addr[u]!.toLowerCase())
        throw new L1Error("MISMATCH", `${NAMES[u]}'s token ${token} deposit is not slot ${slotOf(u, token)}`);
  if (b1.result.receipts.at(-1)?.status !== Reason.OK) throw new L1Error("MISMATCH", "the pool was not created");

  // batch 2: each user withdraws some TKA first, then random traffic
  const preBatch2 = engine.fork(); // the dishonest proposer's starting point
  const withdrawals2 = users.map((_, u) => sign(u, { type: "withdraw", from: slotOf(u, 1), amount: (10n + BigInt(u)) * UNIT, fee: FEE, nonce: 0n }));
  const b2 = await postAndClaim({ feePairs, l1Messages: [], txs: [...withdrawals2, ...traffic(o.batchSize - withdrawals2.length, -1)] }, "signed traffic");

  // carol asks L1 for a forced exit of her TKB slot: the next batch must include it
  const exitSlot = slotOf(2, 2);
  const fe = await sendCall(client, users[2]!, { address: at.inbox, abi: INBOX_ABI, functionName: "forceExit", args: [exitSlot] }, "forceExit");
  spent("forceExit", fe.gasUsed);
  const exitAmount = engine.getSlot(exitSlot).balance;
  line(`carol calls Inbox.forceExit(${exitSlot}) on L1 (${n0(fe.gasUsed)} gas): her whole TKB slot, ${tok(exitAmount)} TKB, must leave with the next batch`);
  const b3 = await postAndClaim(
    { feePairs, l1Messages: [{ kind: "forcedExit", owner: addr[2]!, slot: exitSlot }], txs: traffic(o.batchSize, exitSlot) },
    "the forced exit and traffic",
  );
  const exitPaid = b3.result.withdrawals.find((w) => w.owner.toLowerCase() === addr[2]!.toLowerCase() && w.token === 2 && w.amount === exitAmount);
  if (exitPaid === undefined || engine.getSlot(exitSlot).balance !== 0n) throw new L1Error("MISMATCH", "the forced exit was not honoured by batch 3");

  // ---- a dishonest proposer claims batch 2 paid alice 50× her withdrawal
  const victim = 0; // alice's withdrawal: leaf 1, which the challenger can settle itself
  const forged: Batch = {
    ...b2.batch,
    txs: b2.batch.txs.map((tx, i) => (i === victim && tx.type === "withdraw" ? { ...tx, amount: tx.amount * 50n } : tx)) as SignedTx[],
  };
  const signers = preBatch2.recoverSigners(b2.batch); // it keeps the real signature on the forged amount
  const liarFork = preBatch2.fork();
  const liarTrace = liarFork.traceBatch(forged, { signers });
  liarFork.dispose();
  const liarClaim = claimForBatch(forged, liarTrace, preBatch2.slotCount(), domain, {
    batchIndex: 2n,
    headerHash: b2.claim.claim.headerHash,
    parentClaimHash: b1.claim.hash,
  });
  const liarProofs = [...proveSteps(preBatch2, forged, { signers })].map(encodeStepProof);
  preBatch2.dispose();
  const lp = await sendCall(
    client,
    liar,
    { address: at.claims, abi: claimsAbi, functionName: "propose", args: [liarClaim.bytes], value: bond },
    "the liar's propose",
  );
  spent("propose", lp.gasUsed);
  line(
    `a dishonest proposer claims batch 2 paid alice ${tok(forged.txs[victim]!.type === "withdraw" ? (forged.txs[victim] as { amount: bigint }).amount : 0n)} TKA instead of ${tok(withdrawals2[0]!.type === "withdraw" ? withdrawals2[0]!.amount : 0n)}: claim ${short(liarClaim.hash)}, post-state ${short(liarClaim.claim.postStateRoot)} (honest ${short(b2.claim.claim.postStateRoot)})`,
  );

  // ---- the challenger: derives the chain from L1 and the genesis alone and checks every claim
  const watcher = new Watcher(client, at, genesis, domain, nodeRecovery);
  await watcher.sync();
  if (watcher.engine.stateRoot() !== engine.stateRoot()) throw new L1Error("MISMATCH", "the challenger's derived state differs from the sequencer's");
  const claims = await postedClaims(client, at.claims, claimsAbi, at.fromBlock);
  const verdicts = claims.map((c) => ({ c, v: watcher.verdict(c) }));
  const wrong = verdicts.filter((x) => x.v.kind === "wrong");
  line(
    `the challenger derived ${watcher.batches.length} batches from L1 events and calldata alone (state root ${short(watcher.engine.stateRoot())} = the sequencer's) and checked ${claims.length} claims: ${verdicts.filter((x) => x.v.kind === "agrees").length} agree, ${wrong.length} wrong (batch ${wrong.map((x) => x.c.claim.batchIndex).join(", ")})`,
  );
  if (wrong.length !== 1 || wrong[0]!.c.hash !== liarClaim.hash) throw new L1Error("MISMATCH", "the challenger did not single out the forged claim");
  const gameChallenger = watcher.challengerFor(wrong[0]!.c);
  const opened = await sendCall(
    client,
    challenger,
    { address: at.disputeGame, abi: gameAbi, ...gameChallenger.challengeMove(ROLLUP_DEFAULTS.challengeBondWei) },
    "challenge",
  );
  spent("challenge", opened.gasUsed);
  const gameId = opened.result as bigint;
  const liarParty = new GameProposer(
    {
      claim: liarClaim.claim,
      batch: watcher.batches[1]!.gameBatch,
      parent: { claim: b1.claim.claim, treeRoot: watcher.batches[1]!.pre.treeRoot, slotCount: watcher.batches[1]!.pre.slotCount },
    },
    { leaves: liarTrace.steps, proofs: liarProofs },
  );
  line(`game ${gameId} opened against it with the challenger's bond (${n0(opened.gasUsed)} gas); the bisection on L1:`);
  const moveLine: string[] = [];
  const played = await playGame(client, at.disputeGame, gameAbi, gameId, {
    proposer: { party: liarParty, wallet: liar },
    challenger: { party: gameChallenger, wallet: challenger },
    advanceClock: (s) => node.increaseTime(s),
    onMove: (m) => {
      if (m.refused) moveLine.push(`${m.by} ${m.functionName} refused by L1 (${m.refused.replace(/\(.*$/, "")})`);
      else {
        moveLine.push(`${m.by} ${m.functionName} (${n0(m.gasUsed)})`);
        spent(m.functionName, m.gasUsed);
      }
    },
  });
  for (let i = 0; i < moveLine.length; i += 3) line(`  ${moveLine.slice(i, i + 3).join(" · ")}`);
  if (played.phase !== PHASE.ChallengerWon) throw new L1Error("MISMATCH", `game ${gameId} ended in phase ${played.phase}, not ChallengerWon`);
  const read = async <T>(address: Hex, abi: Abi, functionName: string, args: readonly unknown[] = []) =>
    (await client.readContract({ address, abi, functionName, args })) as T;
  const status = await read<number>(at.claims, claimsAbi, "status", [liarClaim.hash]);
  const bounty = await read<bigint>(at.claims, claimsAbi, "balanceOf", [challenger.account.address]);
  const burned = await read<bigint>(at.claims, claimsAbi, "burned");
  const bondBack = await read<bigint>(at.disputeGame, gameAbi, "balanceOf", [challenger.account.address]);
  line(
    `the challenger WON: the forged claim is ${["None", "Pending", "Confirmed", "Rejected"][status]}; of the liar's ${formatEther(bond)} ETH bond the challenger may pull ${formatEther(bounty)} ETH, ${formatEther(burned)} ETH is burned (locked in Claims for good); its own bond (${formatEther(bondBack)} ETH) is returned`,
  );
  const ethBefore = await client.getBalance({ address: challenger.account.address });
  let pullGas = 0n;
  for (const [address, abi] of [
    [at.claims, claimsAbi],
    [at.disputeGame, gameAbi],
  ] as const)
    pullGas += (await sendCall(client, challenger, { address, abi, functionName: "withdrawBalance" }, "withdrawBalance")).gasUsed;
  const ethAfter = await client.getBalance({ address: challenger.account.address });
  line(`  the challenger pulls both balances: +${formatEther(ethAfter - ethBefore)} ETH after gas (${n0(pullGas)} gas)`);
  const summary = (confirmed: boolean) => printSummary(gas, posted, confirmed, started);

  // ---- the window passes (anvil's clock moves), the honest claims confirm in order
  const window = deployed.settings.challengeWindowSeconds;
  if (!(await node.increaseTime(window + 1n))) {
    line(
      `the node at ${node.url} refused evm_increaseTime: the ${Number(window) / 86400}-day challenge window cannot pass here, so the story stops after the challenge`,
    );
    summary(false);
    return;
  }
  for (const p of posted) {
    const c = await sendCall(
      client,
      operator,
      { address: at.claims, abi: claimsAbi, functionName: "confirm", args: [p.claim.hash] },
      `confirm(batch ${p.index})`,
    );
    spent("confirm", c.gasUsed);
  }
  const [lastBatch] = await read<[bigint, Hex, bigint]>(at.claims, claimsAbi, "lastConfirmed");
  line(
    `${Number(window) / 86400} days later (evm_increaseTime): the honest claims of batches 1 to ${lastBatch} confirm, each on its parent; their bonds return to the operator`,
  );

  // ---- withdrawals paid on L1 against the confirmed claims, ERC-20 balances checked
  const all = posted.flatMap((p) => p.result.withdrawals.map((w, i) => ({ p, w, i })));
  const paid = new Map<string, bigint>();
  let k = 0;
  for (const { p, w, i } of all) {
    const args = withdrawalArgs(engine, p.claim, p.result.withdrawals, i);
    const u = addr.findIndex((a) => a.toLowerCase() === w.owner.toLowerCase());
    const before = await erc20Balance(w.token, w.owner);
    const sent = await sendCall(
      client,
      u >= 0 ? users[u]! : operator,
      { address: at.bridge, abi: BRIDGE_ABI, functionName: "withdraw", args: [args.claim, args.index, args.owner, args.token, args.amount, args.proof] },
      `withdraw(batch ${p.index}, ${i})`,
    );
    spent("withdraw", sent.gasUsed);
    const after = await erc20Balance(w.token, w.owner);
    if (after - before !== w.amount)
      throw new L1Error("MISMATCH", `withdrawal ${i} of batch ${p.index}: ${w.owner} received ${after - before}, not ${w.amount}`);
    const key = `${NAMES[u] ?? short(w.owner)} ${w.token === 1 ? "TKA" : "TKB"}`;
    paid.set(key, (paid.get(key) ?? 0n) + w.amount);
    progress("withdrawals on L1", ++k, all.length);
  }
  line(
    `${all.length} withdrawals paid by the Bridge, each ERC-20 balanceOf checked before and after: ${[...paid].map(([kk, v]) => `${kk} +${tok(v)}`).join(", ")}`,
  );
  line(`  carol's forced exit was among them: ${tok(exitAmount)} TKB paid from batch 3`);
  const again = all.find((x) => x.p.index === 2)!;
  const a2 = withdrawalArgs(engine, again.p.claim, again.p.result.withdrawals, again.i);
  try {
    await sendCall(
      client,
      operator,
      { address: at.bridge, abi: BRIDGE_ABI, functionName: "withdraw", args: [a2.claim, a2.index, a2.owner, a2.token, a2.amount, a2.proof] },
      "a second withdraw",
    );
    throw new L1Error("MISMATCH", "a withdrawal was paid twice");
  } catch (e) {
    if (!(e instanceof L1Error) || !/AlreadyPaid/.test(e.message)) throw e;
    line(`  claiming a paid withdrawal again is refused: ${e.message.replace(/^.*reverted: /, "")}`);
  }

  // ---- value conserved: what the Inbox escrows is what L2 holds
  for (const token of TOKENS) {
    let onL2 = 0n;
    for (let s = 0; s < engine.slotCount(); s++) {
      const slot = engine.getSlot(s);
      if (slot.token === token) onL2 += slot.balance;
    }
    const escrow = await erc20Balance(token, at.inbox);
    if (escrow !== onL2) throw new L1Error("MISMATCH", `token ${token}: the Inbox escrows ${escrow}, L2 holds ${onL2}`);
    line(
      `value conserved, token ${token}: the Inbox escrows ${tok(escrow)} = the sum of every L2 slot of the token (users, the pool's reserve, fees, new owners)`,
    );
  }
  watcher.dispose();
  engine.dispose();
  summary(true);
}

function printSummary(gas: Map<string, bigint[]>, posted: readonly Posted[], confirmed: boolean, started: number): void {
  line("");
  line("summary: L1 gas per operation (receipt gasUsed of the whole transaction)");
  const order = [
    "deposit",
    "ERC-20 approve",
    "forceExit",
    "postBatch",
    "propose",
    "challenge",
    "reveal",
    "choose",
    "settleStep",
    "settleStart",
    "settleStepCount",
    "timeout",
    "confirm",
    "withdraw",
  ];
  const rows = [...order.filter((op) => gas.has(op)), ...[...gas.keys()].filter((op) => !order.includes(op))];
  for (const op of rows) {
    if (op === "postBatch") continue;
    const g = gas.get(op)!;
    const min = g.reduce((a, b) => (a < b ? a : b));
    const max = g.reduce((a, b) => (a > b ? a : b));
    const mean = g.reduce((a, b) => a + b, 0n) / BigInt(g.length);
    line(`  ${op.padEnd(18)} ${n0(mean).padStart(10)}${g.length > 1 ? `  (×${g.length}, ${n0(min)} … ${n0(max)})` : ""}`);
    if (op === "propose")
      for (const p of posted) {
        const txs = p.batch.txs.length;
        line(
          `  ${`postBatch ${p.index}`.padEnd(18)} ${n0(p.postGas).padStart(10)}  (${txs} transaction${txs === 1 ? "" : "s"}: ${n0(p.postGas / BigInt(Math.max(txs, 1)))} gas and ${(p.calldataBytes / Math.max(txs, 1)).toFixed(1)} calldata bytes per L2 transaction; DA ${p.daBytes} bytes)`,
        );
      }
  }
  const txs = posted.reduce((n, p) => n + p.batch.txs.length, 0);
  const bytes = posted.reduce((n, p) => n + p.calldataBytes, 0);
  const da = posted.reduce((n, p) => n + p.daBytes, 0);
  line(
    `  L1 calldata per L2 transaction: ${(bytes / txs).toFixed(1)} bytes over ${posted.length} batches (${(da / txs).toFixed(1)} of them DA bytes; L1 messages travel in the inbox, not in batches)`,
  );
  line(
    `  ${confirmed ? "every claim settled, every withdrawal paid" : "stopped after the challenge (the node's clock cannot move)"}; wall time ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
