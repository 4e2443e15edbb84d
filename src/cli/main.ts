#!/usr/bin/env node
// The `l2engine` command line. `l2engine demo` is the package's main job (`npm start`).

import { L2EngineError } from "../protocol/errors.js";
import { rollupDemo } from "./demo.js";
import { decodeBatch, encodeBatch, type DaBatch } from "../da/codec.js";
import { UsageError, parseArgs } from "./args.js";
import { readBytes, readJson, toJson, writeFile } from "./files.js";
import { progress } from "./progress.js";
import { treeDemo } from "./tree-demo.js";
import { apply, inspect, proveStepCommand, trace, verifyStepCommand } from "./chain-commands.js";

const USAGE = `usage: l2engine <command> [options]

commands:
  demo        the main job: a rollup end to end on an LMDB store — genesis, signed traffic
              (transfers, swaps, withdrawals, deposits) recovered on worker threads, batches
              committed and encoded to DA bytes, a reopen of the store, then a dishonest
              proposer's claim caught by bisection and convicted by a one-step proof
              --slots N        slots in the genesis state             (default 200000)
              --batches N      batches of signed traffic              (default 4)
              --batch-size N   transactions per batch                 (default 2500)
              --threads N      signature-recovery worker threads      (default 2)
              --seed N         seed of the deterministic workload     (default 1)
              --data-dir DIR   where the chain is stored; must not hold one yet
                               (default: a temporary directory, removed at the end)
  apply <batch> --data-dir DIR [--genesis genesis.json] [--out result.json|result.msgpack]
              apply a batch and commit it to the chain in DIR (created from --genesis
              { chainId, verifyingContract, slots } when DIR holds none); signatures are
              recovered with libsecp256k1
  trace <batch> --data-dir DIR [--out trace.json]
              the step commitments and trace root of a batch on the current state (not committed)
  prove-step <batch> --data-dir DIR --step N --out proof.bin
              the one-step proof of step N of a batch on the current state (the batch's pre-state)
  verify-step <proof.bin> <batch> --chain-id N --contract 0x… [--claimed 0x…]
              re-execute the proven step statelessly and print the pre and post commitments;
              with --claimed, exit 3 when the claimed post-commitment is wrong
  inspect --data-dir DIR [--slot N | --batch N | --owner 0x…]
              the chain's head (roots, batch count), a slot, a stored batch, or an owner's slots
  inspect <file>
              what a DA file or a step-proof file holds
  encode <batch.json> <out.bin>
              DA bytes of a batch given as JSON ({ feePairs: [{ token, slot }], txs })
  decode <in.bin>
              the batch in DA bytes as JSON on stdout (undecodable bytes: exit 1 with the reason;
              by the derivation rule such a batch is empty)
  tree-demo   build a Merkle state, apply random update batches, print throughput and roots
              --leaves N (default 1048576)  --batches N (20)  --batch-size N (10000)  --seed N (1)
  help        show this text

files: a <batch> is JSON { feePairs, inbox: { start, count }, l1Messages, txs } (fee pairs
[{ token, slot }] with tokens increasing; apply needs the inbox range when there are L1 messages),
or DA bytes (fee pairs and transactions; no L1 messages). In every JSON file read or written,
u64/u128 fields (amounts, fees, balances, nonces, inbox start, chainId, minShares, …) are decimal
strings; a JSON number above 2^53 - 1 anywhere is refused, since JSON readers round it. Results and
traces are JSON; proofs are the flat binary an L1 verifier reads (SPEC §11.5).

exit codes:
  0  ok
  1  an input file's content is invalid: malformed JSON, a rounded number, a bad field, bytes
     that do not decode, a proof that does not verify (the typed error's code and the file and
     field are printed)
  2  bad usage: unknown command or option, wrong arguments, a file that cannot be read or
     written, a data directory without a chain
  3  verify-step convicted the --claimed post-commitment
  4  internal error (a bug: please report it with the printed stack)
`;

/** Exit codes (README "Command line"): 3, convicted, is returned by verify-step itself. */
const EXIT_INPUT = 1;
const EXIT_USAGE = 2;
const EXIT_INTERNAL = 4;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command ?? "help") {
      case "demo": {
        const p = parseArgs("demo", rest, {
          numbers: { slots: 200_000, batches: 4, "batch-size": 2500, threads: 2, seed: 1 },
          strings: { "data-dir": undefined },
        });
        const n = p.numbers as Record<string, number>;
        try {
          await rollupDemo({ slots: n.slots!, batches: n.batches!, batchSize: n["batch-size"]!, threads: n.threads!, seed: n.seed!, dataDir: p.strings["data-dir"] }, progress);
        } catch (e) {
          // the demo's own size and directory checks are usage errors, not crashes
          if (e instanceof RangeError) throw new UsageError(e.message);
          throw e;
        }
        return 0;
      }
      case "apply":
        return apply(rest);
      case "trace":
        return trace(rest);
      case "prove-step":
        return proveStepCommand(rest);
      case "verify-step":
        return verifyStepCommand(rest);
      case "inspect":
        return inspect(rest);
      case "tree-demo":
        return treeDemo(rest);
      case "encode": {
        const p = parseArgs("encode", rest, { positionals: [2, 2] });
        const bytes = encodeBatch(readJson<DaBatch>(p.positionals[0]!, "a JSON batch"));
        writeFile(p.positionals[1]!, bytes);
        process.stdout.write(`${bytes.length} bytes written to ${p.positionals[1]}\n`);
        return 0;
      }
      case "decode": {
        const p = parseArgs("decode", rest, { positionals: [1, 1] });
        process.stdout.write(`${toJson(decodeBatch(readBytes(p.positionals[0]!)))}\n`);
        return 0;
      }
      case "help":
      case "--help":
      case "-h":
        process.stdout.write(USAGE);
        return 0;
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`l2engine: ${err.message}\n\nrun \`l2engine help\` for the commands and their options\n`);
      return EXIT_USAGE;
    }
    if (err instanceof L2EngineError) {
      process.stderr.write(`l2engine: ${err.code}: ${err.message}\n`);
      return EXIT_INPUT;
    }
    // not a typed error: a bug, not the input's fault; never confused with exit 1
    process.stderr.write(`l2engine: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT_INTERNAL;
  }
}

process.exitCode = await main(process.argv.slice(2));
