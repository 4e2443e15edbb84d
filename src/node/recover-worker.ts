// Worker thread of RecoverPool: recovers the signers of each job it is sent, with the very function
// the main thread uses (recoverTransactionSigners), so a job's answer — addresses, nulls, or the
// typed error of its first malformed transaction — is the main thread's answer (SPEC §6.6).
import { parentPort, workerData } from "node:worker_threads";
import { recoverTransactionSigners, nobleRecovery } from "../protocol/signatures.js";
import { L2EngineError } from "../protocol/errors.js";
import { nodeBackend, type NodeBackendName } from "./secp256k1-native.js";
import type { Eip712Domain } from "../protocol/eip712.js";
import type { SignedTx } from "../protocol/types.js";

const { domain, backend } = workerData as { domain: Eip712Domain; backend: NodeBackendName };
// the pool checked the name on the main thread, where the same binary loads
const recovery = nodeBackend(backend, nobleRecovery)!;

parentPort!.on("message", (msg: { id: number; txs: SignedTx[]; first: number }) => {
  try {
    parentPort!.postMessage({ id: msg.id, signers: recoverTransactionSigners(msg.txs, domain, recovery, msg.first) });
  } catch (e) {
    // sent back as data, not thrown: a throw here would kill the worker and fail every other job
    const typed = e instanceof L2EngineError;
    parentPort!.postMessage({ id: msg.id, error: { typed, code: typed ? e.code : undefined, message: e instanceof Error ? e.message : String(e) } });
  }
});
