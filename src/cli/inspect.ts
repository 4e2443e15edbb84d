// `l2engine inspect`: a chain's head, slots and stored batches, or any file the CLI reads or
// writes — told apart by its content, not its name, since files get renamed.

import { decodeBatch } from "../da/codec.js";
import { Engine } from "../engine/engine.js";
import { L2EngineError, InvalidArgumentError } from "../protocol/errors.js";
import { reasonName, type BatchResult, type Receipt } from "../protocol/types.js";
import { decodeBatchResult } from "../store/records.js";
import { decodeStepProof } from "../dispute/step-proof.js";
import { parseArgs, required } from "./args.js";
import { checkGenesisFile, openChain, type GenesisFile } from "./chain-commands.js";
import { batchFromJson, FileInputError, parseJson, readBytes, toJson } from "./files.js";
import { keysOf } from "./keys.js";
import { checksumAddress } from "../protocol/slot-encoding.js";

const say = (s = "") => process.stdout.write(`${s}\n`);

/**
 * `l2engine inspect <file>` or `l2engine inspect --data-dir DIR [--slot N | --batch N | --owner 0x…]`.
 * A --slot or --batch the chain does not hold is invalid input (exit 1), as a --step is.
 * @throws UsageError for a bad command line; L2EngineError for invalid input.
 */
export function inspect(args: string[]): number {
  const p = parseArgs("inspect", args, {
    strings: { "data-dir": undefined, owner: undefined },
    numbers: { slot: undefined, batch: undefined },
    positionals: [0, 1],
  });
  if (p.positionals.length === 1) return inspectFile(p.positionals[0]!);
  const chain = openChain(required(p, "inspect", "data-dir"), undefined, true);
  try {
    const { slot, batch } = p.numbers;
    const owner = p.strings.owner;
    if (slot !== undefined) {
      const count = chain.head.slotCount;
      if (slot >= count) throw new InvalidArgumentError(`--slot ${slot}: no such slot (the state has ${count === 0 ? "none" : `slots 0 to ${count - 1}`})`);
      say(toJson({ slot, ...chain.state.getSlot(slot) }));
    } else if (batch !== undefined) {
      const count = chain.head.batchCount;
      if (batch < 1 || batch > count)
        throw new InvalidArgumentError(
          `--batch ${batch}: no such batch (the chain holds ${count === 0 ? "none yet" : `batches 1 to ${count}`}; 1 is the first after genesis)`,
        );
      say(toJson(chain.batch(batch)));
    } else if (owner !== undefined) say(toJson({ owner, slots: chain.state.slotsOf(owner) }));
    else say(toJson(chain.head));
    return 0;
  } finally {
    chain.close();
  }
}

function counts<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const m = new Map<string, number>();
  for (const it of items) m.set(key(it), (m.get(key(it)) ?? 0) + 1);
  return Object.fromEntries(m);
}

function resultSummary(r: BatchResult): Record<string, unknown> {
  return {
    preStateRoot: r.preStateRoot,
    postStateRoot: r.postStateRoot,
    postTreeRoot: r.postTreeRoot,
    slotCount: r.slotCount,
    entries: r.receipts.length,
    statuses: counts(r.receipts, (x: Receipt) => reasonName(x.status)),
    withdrawals: r.withdrawals.length,
    withdrawalsRoot: r.withdrawalsRoot,
    fees: r.fees,
    feesCredited: r.feesCredited,
  };
}

/** What a file holds: JSON (genesis, keys, batch, result, trace) or binary (DA, step proof, result). */
function inspectFile(file: string): number {
  const bytes = readBytes(file);
  const text = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  // JSON starts with { or [ after whitespace; no binary format the CLI writes does (DA bytes and
  // step proofs start with their version byte 0x01, msgpack records with a map marker ≥ 0x80)
  const info =
    text.startsWith("{") || text.startsWith("[")
      ? jsonInfo(file, parseJson(new TextDecoder().decode(bytes), file, "a file the CLI writes"))
      : binaryInfo(file, bytes);
  say(toJson({ file, ...info }));
  return 0;
}

function jsonInfo(file: string, v: unknown): Record<string, unknown> {
  const o = (v !== null && typeof v === "object" && !Array.isArray(v) ? v : {}) as Record<string, unknown>;
  if (Array.isArray(o.keys)) {
    const keys = keysOf(o, file); // checks every entry; only the addresses are shown
    return { format: "keys", count: keys.size, addresses: [...keys.keys()].map(checksumAddress), note: "the private keys are not shown" };
  }
  if (Array.isArray(o.slots) && "chainId" in o) {
    const g = checkGenesisFile(o as unknown as GenesisFile, file);
    const engine = Engine.create({ genesis: g.slots, chainId: g.chainId, verifyingContract: g.verifyingContract });
    try {
      return {
        format: "genesis",
        chainId: g.chainId,
        verifyingContract: engine.domain.verifyingContract,
        slots: g.slots.length,
        tokens: counts(g.slots, (s) => String(s.token)),
        owners: new Set(g.slots.map((s) => s.owner.toLowerCase())).size,
        stateRoot: engine.stateRoot(),
      };
    } finally {
      engine.dispose();
    }
  }
  if (Array.isArray(o.receipts) && typeof o.postStateRoot === "string") {
    return { format: "batch result (JSON)", ...resultSummary(o as unknown as BatchResult) };
  }
  if (Array.isArray(o.steps) && typeof o.traceRoot === "string") {
    return {
      format: "trace",
      traceRoot: o.traceRoot,
      steps: o.steps.length - 1,
      commitments: o.steps.length,
      preStateRoot: o.preStateRoot,
      postStateRoot: o.postStateRoot,
    };
  }
  if ("txs" in o || "l1Messages" in o || "feePairs" in o) {
    const b = batchFromJson(o, file);
    const txs = b.txs as unknown as Record<string, unknown>[];
    return {
      format: "batch (JSON)",
      feePairs: b.feePairs,
      inbox: b.inbox ?? null,
      l1Messages: b.l1Messages.length,
      txs: txs.length,
      types: counts(txs, (t) => String(t?.type)),
      unsigned: txs.filter((t) => t?.signature === undefined).length,
      withoutNonce: txs.filter((t) => t?.nonce === undefined).length,
    };
  }
  throw new FileInputError(file, "", "JSON, but none of the files the CLI writes (a genesis, keys, a batch, a batch result or a trace)");
}

function binaryInfo(file: string, bytes: Uint8Array): Record<string, unknown> {
  const failures: string[] = [];
  // DA bytes and step proofs both start with version byte 0x01: every decoder is strict
  // (canonical encodings only, no trailing bytes), so at most one accepts a file
  const decoders: [string, () => Record<string, unknown>][] = [
    [
      "DA bytes",
      () => {
        const da = decodeBatch(bytes);
        return {
          format: `DA v${bytes[0]}`,
          bytes: bytes.length,
          feePairs: da.feePairs,
          txs: da.txs.length,
          types: counts(da.txs, (t) => t.type),
          bytesPerTx: da.txs.length ? Number((bytes.length / da.txs.length).toFixed(1)) : null,
        };
      },
    ],
    [
      "a step proof",
      () => {
        const proof = decodeStepProof(bytes);
        return {
          format: "step proof",
          bytes: bytes.length,
          treeRoot: proof.treeRoot,
          slotCount: proof.slotCount,
          withdrawalCount: proof.withdrawalCount,
          baseSlotCount: proof.baseSlotCount,
          fees: proof.fees,
          witness: proof.witness.map((w) => w.index),
          slotProofBytes: proof.slotProof.length,
          withdrawalProofBytes: proof.withdrawalProof?.length ?? 0,
        };
      },
    ],
    ["a batch result (msgpack)", () => ({ format: "batch result (msgpack)", bytes: bytes.length, ...resultSummary(decodeBatchResult(bytes)) })],
  ];
  for (const [what, decode] of decoders) {
    try {
      return decode();
    } catch (e) {
      if (!(e instanceof L2EngineError)) throw e;
      failures.push(`${what}: ${e.message}`);
    }
  }
  throw new FileInputError(file, "", `not JSON, and neither DA bytes, a step proof nor a batch result (${failures.join("; ")})`);
}
