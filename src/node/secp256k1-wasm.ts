// libsecp256k1 compiled to WebAssembly (tiny-secp256k1): ~5× the recovery rate of the pure-JS
// default on this machine (docs/DECISIONS.md D10). Node entry only: its browser build imports a
// .wasm file, which needs bundler support the browser-safe core does not assume.

import { recover } from "tiny-secp256k1";
import type { RecoveryBackend } from "../protocol/signatures.js";

/** Recovery with libsecp256k1 compiled to WASM (tiny-secp256k1): ~5× @noble/curves, works wherever WASM does. */
export const secp256k1WasmRecovery: RecoveryBackend = Object.freeze({
  name: "tiny-secp256k1",
  recoverPublicKey(digest: Uint8Array, rs: Uint8Array, recovery: 0 | 1): Uint8Array | null {
    try {
      const pub = recover(digest, rs, recovery, false);
      return pub ? pub.subarray(1) : null;
    } catch {
      return null; // r not on the curve, etc.: no key recovers
    }
  },
});
