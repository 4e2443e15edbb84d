#!/usr/bin/env node
// The `l2engine` command line. `l2engine demo` is the package's main job (`npm start`).

import { WasmCore } from "./core.js";
import { toHex } from "./bytes.js";
import { L2EngineError } from "./errors.js";
import { rollupDemo } from "./demo.js";
import { readFileSync, writeFileSync } from "node:fs";
import { decodeBatch, encodeBatch, type DaBatch } from "./codec.js";

const USAGE = `usage: l2engine <command> [options]

commands:
  demo        the main job: a rollup end to end — genesis, signed traffic (transfers, swaps,
              withdrawals, deposits) recovered on worker threads, batches applied and encoded
              to DA bytes, then a dishonest proposer's claim caught by bisection
              --slots N        slots in the genesis state             (default 200000)
              --batches N      batches of signed traffic              (default 4)
              --batch-size N   transactions per batch                 (default 2500)
              --threads N      signature-recovery worker threads      (default 2)
              --seed N         seed of the deterministic workload     (default 1)
  tree-demo   build a Merkle state, apply random update batches, print throughput and roots
              --leaves N       leaves in the initial state          (default 1048576)
              --batches N      update batches to apply              (default 20)
              --batch-size N   random leaf updates per batch        (default 10000)
              --seed N         seed of the deterministic workload   (default 1)
  encode <batch.json> <out.bin>
              DA bytes of a batch given as JSON ({ feeSlots, inbox: { start, count }, txs });
              u64/u128 fields are decimal strings; prints the size
  decode <in.bin>
              the batch in DA bytes as JSON on stdout; undecodable bytes exit 1 with the reason
              (by the derivation rule such a batch is empty)
  help        show this text

exit codes: 0 ok · 1 the input is invalid (typed error, e.g. DECODE_FAILED) · 2 bad usage
`;

/** Exit codes: 0 ok, 1 engine error, 2 bad usage. */
const EXIT_USAGE = 2;
const EXIT_ENGINE = 1;

/** Fields that are u64/u128 in the protocol: decimal strings in JSON files. */
const BIG_FIELDS = new Set(["start", "nonce", "amount", "fee", "amountA", "amountB", "minShares", "shares", "minA", "minB", "amountIn", "minOut"]);

function readJsonBatch(file: string): DaBatch {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text, (k, v) => (BIG_FIELDS.has(k) && (typeof v === "string" || typeof v === "number") ? BigInt(v) : v)) as DaBatch;
  } catch (e) {
    throw new UsageError(`${file} is not a JSON batch: ${(e as Error).message}`);
  }
}

const toJson = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x), 2);

class UsageError extends Error {}

function parseOptions(args: string[], defaults: Record<string, number>): Record<string, number> {
  const out = { ...defaults };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const name = arg.startsWith("--") ? arg.slice(2) : "";
    if (!(name in defaults)) throw new UsageError(`unknown option ${arg}`);
    const raw = args[++i];
    const value = Number(raw);
    if (raw === undefined || !Number.isSafeInteger(value) || value < 0) {
      throw new UsageError(`--${name} needs a non-negative integer, got ${raw ?? "nothing"}`);
    }
    out[name] = value;
  }
  return out;
}

export function progress(label: string, done: number, total: number): void {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`);
  if (done === total) process.stderr.write("\n");
}

/** Deterministic leaf indices: xorshift32 seeded per batch. */
function randomIndices(count: number, bound: number, seed: number): Uint32Array {
  const out = new Uint32Array(count);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x % bound;
  }
  return out;
}

/** Leaf values = keccak256(seed ‖ batch ‖ i), hashed inside the core in one call. */
function leafValues(core: WasmCore, count: number, seed: number, batch: number): Uint8Array {
  const input = new Uint8Array(count * 64);
  const view = new DataView(input.buffer);
  for (let i = 0; i < count; i++) {
    view.setUint32(i * 64, seed, true);
    view.setUint32(i * 64 + 4, batch, true);
    view.setUint32(i * 64 + 8, i, true);
  }
  return core.keccak256Many(input, 64);
}

function treeDemo(args: string[]): void {
  const opts = parseOptions(args, { leaves: 1 << 20, batches: 20, "batch-size": 10_000, seed: 1 });
  const leaves = opts.leaves!, batches = opts.batches!, batchSize = opts["batch-size"]!, seed = opts.seed!;
  if (leaves < 1 || leaves > 1 << 24) throw new UsageError("--leaves must be from 1 to 16777216");
  const core = WasmCore.createSync();
  const tree = core.createTree();
  console.log(`l2engine demo: 4-ary depth-16 keccak state tree, ${leaves} leaves, ${batches} batches × ${batchSize} updates`);

  const chunk = 1 << 16;
  let t0 = performance.now();
  for (let start = 0; start < leaves; start += chunk) {
    const n = Math.min(chunk, leaves - start);
    const indices = Array.from({ length: n }, (_, i) => start + i);
    tree.setMany(indices, leafValues(core, n, seed, 0xffffffff - start / chunk));
    progress("building state", start + n, leaves);
  }
  const genesisRoot = tree.root();
  const buildMs = performance.now() - t0;
  console.log(`genesis root 0x${toHex(genesisRoot)}  (${leaves} leaves in ${buildMs.toFixed(0)} ms)`);

  let updateMs = 0;
  let root = genesisRoot;
  for (let b = 0; b < batches; b++) {
    const indices = randomIndices(batchSize, leaves, seed * 1_000_003 + b);
    const values = leafValues(core, batchSize, seed, b);
    t0 = performance.now();
    tree.setMany(indices, values);
    root = tree.root();
    updateMs += performance.now() - t0;
    progress("applying batches", b + 1, batches);
    if (!process.stderr.isTTY && (b < 3 || b === batches - 1)) console.log(`batch ${b}: root 0x${toHex(root)}`);
  }
  const updates = batches * batchSize;
  console.log("");
  console.log("summary");
  console.log(`  state build       ${((leaves / buildMs) * 1000).toFixed(0).padStart(10)} leaves/s`);
  if (updates > 0) {
    console.log(`  batch updates     ${((updates / updateMs) * 1000).toFixed(0).padStart(10)} updates/s (root included, ${updates} updates)`);
  }
  console.log(`  memory            ${(core.memoryBytes() / 2 ** 20).toFixed(0).padStart(10)} MiB of WASM linear memory`);
  console.log(`  final root        0x${toHex(root)}`);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command ?? "help") {
      case "demo": {
        const o = parseOptions(rest, { slots: 200_000, batches: 4, "batch-size": 2500, threads: 2, seed: 1 });
        try {
          await rollupDemo({ slots: o.slots!, batches: o.batches!, batchSize: o["batch-size"]!, threads: o.threads!, seed: o.seed! }, progress);
        } catch (e) {
          // the demo's own size checks are usage errors, not crashes
          if (e instanceof RangeError) throw new UsageError(e.message);
          throw e;
        }
        return 0;
      }
      case "tree-demo":
        treeDemo(rest);
        return 0;
      case "encode": {
        if (rest.length !== 2) throw new UsageError("encode takes <batch.json> <out.bin>");
        const bytes = encodeBatch(readJsonBatch(rest[0]!));
        writeFileSync(rest[1]!, bytes);
        process.stdout.write(`${bytes.length} bytes written to ${rest[1]}\n`);
        return 0;
      }
      case "decode": {
        if (rest.length !== 1) throw new UsageError("decode takes <in.bin>");
        let bytes: Uint8Array;
        try {
          bytes = new Uint8Array(readFileSync(rest[0]!));
        } catch (e) {
          throw new UsageError(`cannot read ${rest[0]}: ${(e as Error).message}`);
        }
        process.stdout.write(`${toJson(decodeBatch(bytes))}\n`);
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
      process.stderr.write(`l2engine: ${err.message}\n\n${USAGE}`);
      return EXIT_USAGE;
    }
    if (err instanceof L2EngineError) {
      process.stderr.write(`l2engine: ${err.code}: ${err.message}\n`);
      return EXIT_ENGINE;
    }
    throw err;
  }
}

process.exitCode = await main(process.argv.slice(2));
