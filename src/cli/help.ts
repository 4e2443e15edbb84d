// The help texts of `l2engine`: `l2engine help` lists every command; `l2engine help <command>`
// and `l2engine <command> --help` print one command's text. Both exit 0.

import { EXIT_CODE_TABLE } from "./exit-codes.js";

interface CommandHelp {
  /** The synopsis, as a user types it. */
  usage: string;
  /** What the command does and its options, indented by the caller. */
  text: string;
}

const STATE_SOURCE = `the pre-state is the chain in --data-dir DIR (its current head) or, with --genesis
genesis.json instead, that genesis state in memory`;

/** Every command's help, in the order `l2engine help` lists them. */
export const COMMANDS: Readonly<Record<string, CommandHelp>> = {
  init: {
    usage: "init --out genesis.json [--keys keys.json] [--chain-id N] [--contract 0x…] [--token T] [--balance B] [--slots N]",
    text: `write a genesis file (what apply --genesis reads): { chainId, verifyingContract, slots }
--keys keys.json  give each address of the keys file one slot, in file order (slots 0, 1, …)
--token T         the token of every genesis slot                      (default 1)
--balance B       the balance of every genesis slot, a decimal u128    (default 1000000000000000000000)
--slots N         the genesis holds N slots: the keys' first, then slots owned by addresses
                  no one holds a key for (a larger state to try proofs on) (default: one per key)
--chain-id N      the EIP-712 domain's chain id                        (default 31337)
--contract 0x…    the EIP-712 domain's verifying contract  (default 0x5fbdb2315678afecb367f032d93f642f64180aa3)`,
  },
  keys: {
    usage: "keys new --out keys.json [--count N]",
    text: `write N new random secp256k1 private keys and their addresses (default 1) to a new file
{ warning, keys: [{ address, privateKey }] }, readable by its owner only. The file holds secrets:
anyone who reads it can sign for those addresses. An existing file is never overwritten.`,
  },
  sign: {
    usage: "sign <unsigned-batch.json> --keys keys.json --genesis genesis.json|--data-dir DIR --out batch.json",
    text: `sign a batch written by hand: every transaction without a "signature" gets its EIP-712
signature from the key (in --keys) whose address owns its authorizing slot, and a "nonce" when
it has none (the slot's nonce once the entries before it in the file have run). A transaction
that already has a signature is kept as it is (with a warning if that signature is not by its
slot's owner). ${STATE_SOURCE}; the domain comes from it too.
Exit 1 naming the transaction (txs[i]) when no key can sign it.`,
  },
  apply: {
    usage: "apply <batch> --data-dir DIR [--genesis genesis.json] [--out result.json|result.msgpack]",
    text: `apply a batch and commit it to the chain in DIR. The first call creates the chain from
--genesis; later ones check --genesis against it. A JSON batch with L1 messages names its inbox
range, "inbox": { "start": "N", "count": n }, which must be the chain's next (inspect shows
nextInbox): the same file twice is refused. --out writes the batch result as JSON (a name
ending in .json) or msgpack. Signatures are recovered with libsecp256k1.`,
  },
  trace: {
    usage: "trace <batch> --data-dir DIR|--genesis genesis.json [--out trace.json]",
    text: `the step commitments and trace root of a batch, never committed; ${STATE_SOURCE}.
--out writes { traceRoot, steps, preStateRoot, postStateRoot } (what verify-step --trace reads).`,
  },
  "prove-step": {
    usage: "prove-step <batch> --data-dir DIR|--genesis genesis.json --step N --out step.proof",
    text: `the one-step proof of step N of a batch (steps 0 … E−1 are its E entries, L1 messages
first; step E is fee settlement); ${STATE_SOURCE}.`,
  },
  "verify-step": {
    usage: "verify-step <step.proof> <batch> --chain-id N --contract 0x… --step N (--agreed 0x… [--claimed 0x…] | --trace trace.json)",
    text: `the referee on files: the step's entry comes from the batch, the proof must start at the
agreed commitment C_N (else exit 1, PROOF_INVALID), the step is re-executed statelessly and the
pre and post commitments are printed as JSON. With --claimed, exit 3 when the claimed C_N+1 is
wrong. --trace trace.json takes --agreed (its step N) and --claimed (its step N+1) from a trace
file, as the proposer's claim; an explicit --agreed or --claimed wins.`,
  },
  inspect: {
    usage: "inspect <file> | inspect --data-dir DIR [--slot N | --batch N | --owner 0x…]",
    text: `inspect <file>: what any file the CLI reads or writes holds, told by its content (not its
name): a genesis, a keys file (addresses only, never the keys), a batch (JSON or DA bytes), a
batch result (JSON or msgpack), a trace, a step proof.
inspect --data-dir DIR: the chain's head (roots, batch count, nextInbox), slot N, stored batch N
(1 = the first batch after genesis) or the slots of an owner. A --slot or --batch the chain does
not hold exits 1.`,
  },
  encode: {
    usage: "encode <batch.json> <out.bin>",
    text: "the DA bytes of a batch given as JSON ({ feePairs, txs }: DA bytes carry no L1 messages and no inbox range)",
  },
  decode: {
    usage: "decode <in.bin>",
    text: `the batch in DA bytes as JSON on stdout (undecodable bytes: exit 1 with the reason; by
the derivation rule such a batch is empty)`,
  },
  demo: {
    usage:
      "demo [--l1-rpc URL] [--l1-key KEY] [--batch-size N] [--seed N] | demo --engine-only [--slots N] [--batches N] [--batch-size N] [--threads N] [--seed N] [--data-dir DIR]",
    text: `the main job (npm start): the rollup on a real L1. Anvil is spawned from node_modules on a
free loopback port, two test ERC-20s and the rollup's contracts are deployed; users deposit on L1,
sign L2 traffic (transfers, a pool, swaps, withdrawals), the sequencer posts batches as calldata
and an honest proposer claims each; a dishonest proposer claims a forged outcome, a challenger that
derived the chain from L1 alone wins the bisection game on L1 (bond slashed, a share burned); the
clock moves past the challenge window, the honest claims confirm, withdrawals and a forced exit
are paid on L1 (ERC-20 balances checked) and the escrow is checked against L2. Ends with the gas
of every operation and the L1 calldata bytes per L2 transaction.
--l1-rpc URL     run on this node instead of anvil; its clock must move with evm_increaseTime
                 for the window to pass (if not, the story stops after the challenge)
--l1-key KEY     the operator's funded key (0x…, 32 bytes) (default: anvil's first account)
--batch-size N   signed transactions per traffic batch, 10 … 1000      (default 200)
--seed N         seed of the deterministic workload                    (default 1)
--engine-only    the engine alone, no L1: an LMDB store, genesis, signed traffic recovered on
                 worker threads, batches committed and encoded to DA bytes, a reopen of the
                 store, then a dishonest claim about the last batch caught by bisection and
                 convicted by a one-step proof. Batch 1 creates the pools, the traffic follows.
  --slots N        slots in the genesis state             (default 200000)
  --batches N      batches of signed traffic              (default 4)
  --batch-size N   entries per traffic batch              (default 2500)
  --threads N      signature-recovery worker threads      (default 2)
  --data-dir DIR   where the chain is stored; must not hold one yet
                   (default: a temporary directory, removed at the end)`,
  },
  deploy: {
    usage:
      "deploy --l1-rpc URL [--l1-key KEY] --genesis genesis.json --out deployment.json [--tokens ID=0x…,…] [--committee 0x…,0x… --quorum N] [--sequencer 0x…] [--challenge-window S] [--clock S]",
    text: `deploy the rollup's L1 contracts (Inbox, Batches, Claims, StepVerifier, OneStepProver,
DisputeGame, Bridge), wired, for the genesis state of genesis.json (its slots; the domain L2
transactions are signed under becomes this chain and the Inbox), and write their addresses and
settings to deployment.json (what follow, challenge and withdraw read).
--l1-key KEY          the deployer's funded key (default: anvil's first account)
--tokens ID=0x…,…     the ERC-20 escrowed for each L2 token id (default: a test ERC-20 anyone
                      may mint for every token of the genesis)
--committee a,b       validium: the data committee's addresses; --quorum N of them must sign
--sequencer 0x…       who may post batches (default: the deployer)
--challenge-window S  seconds a claim stays open to challenges          (default 7 days)
--clock S             seconds of each side's chess clock in a game      (default 3.5 days)`,
  },
  follow: {
    usage: "follow --l1-rpc URL --deployment deployment.json --genesis genesis.json [--json]",
    text: `derive the L2 chain from L1 and the genesis alone (inbox events, batch headers, calldata)
and print each batch: its entries, withdrawals, post-state root and whether its confirmed claim
agrees with this re-execution. --json prints one JSON object per batch. Exit 1 when the genesis
is not the deployment's or L1 contradicts itself.`,
  },
  challenge: {
    usage: "challenge --l1-rpc URL --deployment deployment.json --genesis genesis.json [--l1-key KEY] [--poll-ms N]",
    text: `the watchtower: derive the chain from L1, check every pending claim against this
re-execution and, for each wrong one, open a game with the key's bond (or resume the key's own
open game) and play it to the end — choosing children, settling the leaf with its own step proof
or calling timeout when the proposer's clock runs out (waited for in real time, polling every
--poll-ms milliseconds, default 1000). Bounties are then pulled with withdrawBalance.`,
  },
  withdraw: {
    usage: "withdraw --l1-rpc URL --deployment deployment.json --genesis genesis.json [--l1-key KEY] --batch N --index I",
    text: `prove and claim withdrawal I (0-based, in the batch's withdrawal list) of batch N, whose
claim must be confirmed: the proof comes from this node's own derivation of the batch; anyone may
send it (the key pays the gas), the owner is paid. Exit 1 when the batch has no confirmed claim,
I is not one of its withdrawals, or the Bridge refuses (AlreadyPaid, …).`,
  },
  "tree-demo": {
    usage: "tree-demo [--leaves N] [--batches N] [--batch-size N] [--seed N]",
    text: `build a Merkle state, apply random update batches, print throughput and roots
--leaves N (default 1048576)  --batches N (20)  --batch-size N (10000)  --seed N (1)`,
  },
  help: { usage: "help [command]", text: "this text, or one command's" },
};

const FILES = `files: a <batch> is JSON { feePairs: [{ token, slot }], inbox?: { start, count }, l1Messages?, txs },
or DA bytes when it has no L1 messages (told apart by content). In every JSON file read or written, u64/u128 fields (amounts, fees,
balances, nonces, inbox start, chainId, minShares, …) are decimal strings; a JSON number above
2^53 − 1 anywhere is refused, since JSON readers round it. Results and traces are JSON (results
also msgpack); step proofs are the flat binary an L1 verifier reads (SPEC §11.5).`;

const indent = (text: string, by: string) =>
  text
    .split("\n")
    .map((l) => (l === "" ? l : by + l))
    .join("\n");

function exitCodes(): string {
  return `exit codes:\n${EXIT_CODE_TABLE.map(([code, meaning]) => `  ${code}  ${wrap(meaning, 92).join("\n     ")}`).join("\n")}\n`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines;
}

/** `l2engine help`: every command with its text, the file conventions and the exit codes. */
export function generalHelp(): string {
  const commands = Object.values(COMMANDS)
    .map((c) => `  l2engine ${c.usage}\n${indent(c.text, "      ")}`)
    .join("\n");
  return `usage: l2engine <command> [options]     (l2engine help <command>, l2engine <command> --help, l2engine --version)\n\ncommands:\n${commands}\n\n${FILES}\n\n${exitCodes()}`;
}

/** `l2engine help <command>` / `l2engine <command> --help`; undefined for an unknown command. */
export function commandHelp(command: string): string | undefined {
  const c = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (c === undefined) return undefined;
  return `usage: l2engine ${c.usage}\n\n${c.text}\n\n${exitCodes()}`;
}
