// Worker thread of RecoverPool: recovers the signer of each transaction it is sent.
import { parentPort, workerData } from "node:worker_threads";
import { recoverTransactionSigner, nobleRecovery } from "../signatures.js";
import { secp256k1WasmRecovery } from "./secp256k1-wasm.js";
import type { Eip712Domain } from "../protocol/eip712.js";
import type { Hex, SignedTx } from "../protocol/types.js";

const { domain, backend } = workerData as { domain: Eip712Domain; backend: string };
const recovery = backend === "noble" ? nobleRecovery : secp256k1WasmRecovery;

parentPort!.on("message", (msg: { id: number; txs: SignedTx[] }) => {
  const signers: (Hex | null)[] = msg.txs.map((tx) => {
    try {
      return recoverTransactionSigner(tx, domain, recovery);
    } catch {
      // invalid fields: the engine rejects the batch with a typed error when it encodes it
      return null;
    }
  });
  parentPort!.postMessage({ id: msg.id, signers });
});
