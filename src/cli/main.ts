#!/usr/bin/env node
// The `l2engine` command line. `l2engine demo` is the package's main job (`npm start`).

import { L2EngineError } from "../protocol/errors.js";
import { rollupDemo } from "./demo.js";
import { decodeBatch, encodeBatch, type DaBatch } from "../da/codec.js";
import { UsageError, parseArgs } from "./args.js";
import { readBytes, readJson, toJson, writeFile } from "./files.js";
import { progress } from "./progress.js";
import { treeDemo } from "./tree-demo.js";
import { apply, proveStepCommand, trace, verifyStepCommand } from "./chain-commands.js";
import { inspect } from "./inspect.js";
import { initCommand } from "./init.js";
import { keysCommand } from "./keys.js";
import { signCommand } from "./sign.js";
import { commandHelp, generalHelp } from "./help.js";
import { EXIT } from "./exit-codes.js";
import pkg from "../../package.json" with { type: "json" };

/** `l2engine <command> --help` (or -h) anywhere after the command prints its help. */
function isHelpFlag(arg: string): boolean {
  return arg === "--help" || arg === "-h";
}

/**
 * The L1 verbs, loaded on first use: they need viem (kept out of the bundle: it brings its own
 * @noble versions), which the engine's commands never load.
 */
const l1 = () => import("./l1-commands.js");

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command !== undefined && rest.some(isHelpFlag)) return help(command);
    switch (command ?? "help") {
      case "init":
        return initCommand(rest);
      case "keys":
        return keysCommand(rest);
      case "sign":
        return signCommand(rest);
      case "demo": {
        if (!rest.includes("--engine-only")) return await (await l1()).l1DemoCommand(rest);
        const p = parseArgs(
          "demo",
          rest.filter((a) => a !== "--engine-only"),
          {
            numbers: { slots: 200_000, batches: 4, "batch-size": 2500, threads: 2, seed: 1 },
            strings: { "data-dir": undefined },
          },
        );
        const n = p.numbers as Record<string, number>;
        try {
          await rollupDemo(
            { slots: n.slots!, batches: n.batches!, batchSize: n["batch-size"]!, threads: n.threads!, seed: n.seed!, dataDir: p.strings["data-dir"] },
            progress,
          );
        } catch (e) {
          // the demo's own size and directory checks are usage errors, not crashes
          if (e instanceof RangeError) throw new UsageError(e.message);
          throw e;
        }
        return 0;
      }
      case "deploy":
        return await (await l1()).deployCommand(rest);
      case "follow":
        return await (await l1()).followCommand(rest);
      case "challenge":
        return await (await l1()).challengeCommand(rest);
      case "withdraw":
        return await (await l1()).withdrawCommand(rest);
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
        return help(rest[0]);
      case "--help":
      case "-h":
        return help(undefined);
      case "--version":
      case "-V":
      case "version":
        process.stdout.write(`l2engine ${pkg.version}\n`);
        return EXIT.OK;
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      const known = command !== undefined && command !== "help" && commandHelp(command) !== undefined;
      process.stderr.write(
        `l2engine: ${err.message}\n\nrun \`l2engine help${known ? ` ${command}` : ""}\` for ${known ? "its options" : "the commands and their options"}\n`,
      );
      return EXIT.USAGE;
    }
    if (err instanceof L2EngineError) {
      process.stderr.write(`l2engine: ${err.code}: ${err.message}\n`);
      return EXIT.INPUT;
    }
    // not a typed error: a bug, not the input's fault; never confused with exit 1
    process.stderr.write(`l2engine: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT.INTERNAL;
  }
}

/** `l2engine help [command]`; an unknown command is bad usage. */
function help(command: string | undefined): number {
  const text = command === undefined ? generalHelp() : commandHelp(command);
  if (text === undefined) throw new UsageError(`unknown command ${command}`);
  process.stdout.write(text);
  return EXIT.OK;
}

process.exitCode = await main(process.argv.slice(2));
