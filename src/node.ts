/**
 * l2engine/node — the Node-only additions to the core entry: libsecp256k1 recovery in WASM and a
 * worker-thread pool for signature recovery. Everything from the core entry is re-exported.
 */
export * from "./index.js";
export { secp256k1WasmRecovery } from "./node/secp256k1-wasm.js";
export { secp256k1NativeRecovery, nodeRecovery, type NodeBackendName } from "./node/secp256k1-native.js";
export { RecoverPool, type RecoverPoolOptions } from "./node/recover-pool.js";
export { LmdbStore, type LmdbStoreOptions } from "./node/lmdb-store.js";
