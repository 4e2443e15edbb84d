// Worker thread of RecoverPool: for each call it is sent, claims chunks of the call's transactions
// from its shared counter until none are left, deserializing each claimed chunk from shared memory
// and recovering it with the very function the main thread uses (recoverTransactionSigners) and
// writing the signers (EIP-55 digits) into the shared result area; a chunk's error — the typed error of its first
// malformed transaction — is sent back as data and the worker carries on (SPEC §6.6).
import { parentPort, workerData } from "node:worker_threads";
import { deserialize } from "node:v8";
import { recoverTransactionSigners, nobleRecovery } from "../protocol/signatures.js";
import { L2EngineError } from "../protocol/errors.js";
import { nodeBackend, type NodeBackendName } from "./secp256k1-native.js";
import type { Eip712Domain } from "../protocol/eip712.js";
import type { SignedTx } from "../protocol/types.js";

const { domain, backend, chunk, resultBytes } = workerData as { domain: Eip712Domain; backend: NodeBackendName; chunk: number; resultBytes: number };
// the pool checked the name on the main thread, where the same binary loads
const recovery = nodeBackend(backend, nobleRecovery)!;

interface CallMessage {
  id: number;
  /** The serialized chunks back to back; chunk k ends at ends[k]. */
  input: Uint8Array;
  ends: Int32Array;
  count: number;
  results: Uint8Array;
  counter: Int32Array;
}

parentPort!.on("message", (msg: CallMessage) => {
  for (;;) {
    const first = Atomics.add(msg.counter, 0, chunk);
    if (first >= msg.count) break;
    try {
      const k = first / chunk;
      const txs = deserialize(msg.input.subarray(k === 0 ? 0 : msg.ends[k - 1]!, msg.ends[k]!)) as SignedTx[];
      const signers = recoverTransactionSigners(txs, domain, recovery, first);
      signers.forEach((s, k) => {
        const at = (first + k) * resultBytes;
        if (s === null) return; // the area starts zeroed: flag 0 = null
        msg.results[at] = 1;
        // the checksummed digits as ASCII, so the main thread only copies them out
        for (let d = 0; d < 40; d++) msg.results[at + 1 + d] = s.charCodeAt(2 + d);
      });
    } catch (e) {
      // sent back as data, not thrown: a throw here would kill the worker and fail every other call
      const typed = e instanceof L2EngineError;
      parentPort!.postMessage({ id: msg.id, first, error: { typed, code: typed ? e.code : undefined, message: e instanceof Error ? e.message : String(e) } });
    }
  }
  parentPort!.postMessage({ id: msg.id, done: true });
});
