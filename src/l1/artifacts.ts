// The compiled contracts (build/contracts/<Name>.json, written by `npm run build:contracts`),
// typed for viem. Read from disk at run time: the bytecode is ~100 KB and only L1 code needs it.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Abi, Hex } from "viem";
import { L1Error } from "../protocol/errors.js";

/** A compiled contract: its ABI and creation bytecode. */
export interface Artifact {
  abi: Abi;
  bytecode: Hex;
  /** The runtime code (what EIP-170 limits to 24,576 bytes). */
  deployedBytecode?: Hex;
}

/** The contracts the rollup deploys, and the test token. */
export type ContractName = "Inbox" | "Batches" | "TestToken" | (string & {});

/**
 * The nearest `build/contracts` above this module (src/l1/ in a checkout, dist/ in a package), or
 * above the working directory.
 */
function defaultDir(): string {
  const starts = [dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const start of starts) {
    for (let dir = start; ; dir = dirname(dir)) {
      const candidate = join(dir, "build", "contracts");
      if (existsSync(candidate)) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  return resolve("build", "contracts");
}

const cache = new Map<string, Artifact>();

/**
 * The artifact of contract `name` from `dir` (default: the nearest build/contracts).
 *
 * @throws L1Error (NOT_FOUND) when the file is missing or is not an artifact (abi array and 0x bytecode).
 */
export function loadArtifact(name: ContractName, dir: string = defaultDir()): Artifact {
  const file = join(dir, `${name}.json`);
  const hit = cache.get(file);
  if (hit) return hit;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new L1Error("NOT_FOUND", `artifact ${name}: cannot read ${file} (run npm run build:contracts)`, e);
  }
  const a = parsed as Partial<Artifact>;
  if (!Array.isArray(a.abi) || typeof a.bytecode !== "string" || !a.bytecode.startsWith("0x"))
    throw new L1Error("NOT_FOUND", `artifact ${name}: ${file} lacks an abi array or a 0x bytecode`);
  const artifact: Artifact = { abi: a.abi as Abi, bytecode: a.bytecode as Hex };
  if (typeof a.deployedBytecode === "string") artifact.deployedBytecode = a.deployedBytecode as Hex;
  cache.set(file, artifact);
  return artifact;
}
