// Native libsecp256k1 through the `secp256k1` package's prebuilt N-API binaries (linux-x64,
// darwin-arm64, win32-x64; no build step, no install script): ~4–5× the WASM build's recovery rate
// (docs/DECISIONS.md D28). It is an optional dependency: where its binary does not load, the Node
// entry falls back to libsecp256k1 in WASM — never to the package's own pure-JS fallback.

import { createRequire } from "node:module";
import type { RecoveryBackend } from "../protocol/signatures.js";
import { secp256k1WasmRecovery } from "./secp256k1-wasm.js";

interface NativeBindings {
  /** Throws when no key recovers (r or s out of range, no curve point for r). */
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean, output: Uint8Array): Uint8Array;
}

function loadNative(): RecoveryBackend | null {
  let bindings: NativeBindings;
  try {
    // the binding itself: the package's index silently falls back to a pure-JS implementation
    bindings = createRequire(import.meta.url)("secp256k1/bindings") as NativeBindings;
  } catch {
    return null;
  }
  return Object.freeze({
    name: "secp256k1 (native libsecp256k1)",
    recoverPublicKey(digest: Uint8Array, rs: Uint8Array, recovery: 0 | 1): Uint8Array | null {
      try {
        return bindings.ecdsaRecover(rs, recovery, digest, false, new Uint8Array(65)).subarray(1);
      } catch {
        return null; // r or s out of range, or no curve point for r: no key recovers
      }
    },
  });
}

/** Native libsecp256k1, or null where its prebuilt binary does not load. */
export const secp256k1NativeRecovery: RecoveryBackend | null = loadNative();

/** The fastest recovery backend that loads here: native libsecp256k1, else its WASM build. */
export const nodeRecovery: RecoveryBackend = secp256k1NativeRecovery ?? secp256k1WasmRecovery;

/** Recovery backends of the Node entry, by the name a worker thread is told. */
export type NodeBackendName = "auto" | "native" | "secp256k1-wasm" | "noble";

/**
 * The backend `name` stands for: "auto" is {@link nodeRecovery}; "native" where its binary does
 * not load is null (the caller decides whether that is an error).
 */
export function nodeBackend(name: NodeBackendName, noble: RecoveryBackend): RecoveryBackend | null {
  switch (name) {
    case "auto":
      return nodeRecovery;
    case "native":
      return secp256k1NativeRecovery;
    case "secp256k1-wasm":
      return secp256k1WasmRecovery;
    case "noble":
      return noble;
  }
}
