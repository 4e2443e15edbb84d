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
    usage: "demo [--slots N] [--batches N] [--batch-size N] [--threads N] [--seed N] [--data-dir DIR]",
    text: `the main job (npm start): a rollup end to end on an LMDB store — genesis, signed traffic
(transfers, swaps, withdrawals, deposits) recovered on worker threads, batches committed and
encoded to DA bytes, a reopen of the store, then a dishonest proposer's claim about the last
batch caught by bisection and convicted by a one-step proof. Batches are numbered as the chain
numbers them: batch 1 creates the pools, the traffic follows.
--slots N        slots in the genesis state             (default 200000)
--batches N      batches of signed traffic              (default 4)
--batch-size N   entries per traffic batch              (default 2500)
--threads N      signature-recovery worker threads      (default 2)
--seed N         seed of the deterministic workload     (default 1)
--data-dir DIR   where the chain is stored; must not hold one yet
                 (default: a temporary directory, removed at the end)`,
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
