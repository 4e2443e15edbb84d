// secp256k1 signatures over EIP-712 digests (docs/SPEC.md §6): the engine's only use of
// elliptic-curve code. Browser-safe: no Node built-ins.
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { checkBytes, fromHex, toHex } from "./bytes.js";
import { InvalidArgumentError } from "./errors.js";
import { checksumAddressOf } from "./slot-encoding.js";
import { txDigest, type Eip712Domain } from "./eip712.js";
import type { Hex, SignedTx, Tx } from "./types.js";

/** Order n of the secp256k1 group: r and s must lie in 1..n-1. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
/** Largest s the protocol accepts (EIP-2): without this bound (r, n-s) would be a second valid signature. */
export const SECP256K1_HALF_N = SECP256K1_N >> 1n;
/** Bytes in a signature: r (32) ‖ s (32) ‖ v (1). */
export const SIGNATURE_BYTES = 65;

/**
 * The one operation the engine needs from an elliptic-curve library: the 64-byte public key
 * x ‖ y that signed `digest` with compact signature `rs` (r ‖ s) and recovery id, or null when no
 * key exists (never a throw: both built-in backends catch their library's errors). Callers have
 * already enforced every protocol rule (length, 1 ≤ r < n, 1 ≤ s ≤ n/2, recovery ∈ {0, 1}), so a
 * backend need not agree with another on edge-case policy; {@link recoverSigner} also treats any
 * answer but 64 bytes as null (SPEC §6.6).
 * Backends are passed as values (no global registry): the browser-safe default is
 * {@link nobleRecovery}; `l2engine/node` adds a libsecp256k1-in-WASM backend ~5× faster.
 */
export interface RecoveryBackend {
  readonly name: string;
  recoverPublicKey(digest: Uint8Array, rs: Uint8Array, recovery: 0 | 1): Uint8Array | null;
}

/** Pure-JS recovery with @noble/curves: works everywhere, ~750 recoveries/s per core here. */
export const nobleRecovery: RecoveryBackend = Object.freeze({
  name: "@noble/curves",
  recoverPublicKey(digest: Uint8Array, rs: Uint8Array, recovery: 0 | 1): Uint8Array | null {
    try {
      const sig = secp256k1.Signature.fromBytes(rs, "compact").addRecoveryBit(recovery);
      return sig.recoverPublicKey(digest).toBytes(false).subarray(1);
    } catch {
      return null;
    }
  },
});

function bigintOf(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(toHex(bytes));
}

function addressOfPublicKeyXY(xy: Uint8Array): Hex {
  return checksumAddressOf(keccak_256(xy).subarray(12));
}

const SIGNATURE_HEX = /^0x[0-9a-fA-F]{130}$/;

/**
 * The 65 bytes of a well-formed signature: a `0x` string of exactly 130 hex digits (either case)
 * or a Uint8Array of exactly 65 bytes. Anything else is refused with a typed error, never mapped to
 * null: a batch decoded from DA bytes always holds well-formed signatures (SPEC §9.2), so a
 * malformed one can only come from an API caller, who should hear about it (SPEC §6.6, D22).
 */
function signatureBytes(signature: unknown, what: string): Uint8Array {
  if (signature instanceof Uint8Array) {
    if (signature.length !== SIGNATURE_BYTES) throw new InvalidArgumentError(`${what} must be 65 bytes (r ‖ s ‖ v), got ${signature.length}`);
    return signature;
  }
  if (typeof signature !== "string") {
    throw new InvalidArgumentError(
      `${what} must be a 0x hex string of 65 bytes (r ‖ s ‖ v) or a Uint8Array, got ${signature === null ? "null" : Array.isArray(signature) ? "an array" : typeof signature}`,
    );
  }
  if (!SIGNATURE_HEX.test(signature)) {
    const shown = signature.length > 24 ? `${signature.slice(0, 24)}… (${signature.length} chars)` : JSON.stringify(signature);
    throw new InvalidArgumentError(`${what} must be 0x and 130 hex digits (65 bytes r ‖ s ‖ v), got ${shown}`);
  }
  return fromHex(signature);
}

/**
 * The address that signed `digest`, EIP-55 checksummed, or null when the well-formed `signature` is not a
 * valid protocol signature: r or s outside 1..n-1, s > n/2 (high-s, EIP-2), v not in
 * {27, 28, 0, 1}, or no public key recovers (r not an x-coordinate). A null is how a batch entry
 * gets BAD_SIGNATURE. Every backend gives the same answer on every input (SPEC §6.6): the rules
 * above are enforced here, before any backend runs. A well-formed signature over a different
 * digest still recovers *some* address; the caller's owner comparison rejects it.
 * @throws InvalidArgumentError if `digest` is not 32 bytes, or `signature` is not well-formed:
 * not a Uint8Array of 65 bytes nor `0x` + 130 hex digits (`what` names it in the message).
 */
export function recoverSigner(digest: Uint8Array, signature: Hex | Uint8Array, backend: RecoveryBackend = nobleRecovery, what = "signature"): Hex | null {
  checkBytes(digest, 32, "digest");
  const sig = signatureBytes(signature, what);

  const r = bigintOf(sig.subarray(0, 32));
  const s = bigintOf(sig.subarray(32, 64));
  const v = sig[64]!;
  if (r === 0n || r >= SECP256K1_N || s === 0n || s > SECP256K1_HALF_N) return null;
  // 27/28 is what wallets emit (the legacy eth_sign convention); 0/1 is the raw recovery id
  // some signers (and EIP-2098 decoders) produce. Both mean the same key, so accept both.
  let recovery: 0 | 1;
  if (v === 27 || v === 0) recovery = 0;
  else if (v === 28 || v === 1) recovery = 1;
  else return null;

  const xy = backend.recoverPublicKey(digest, sig.slice(0, 64), recovery);
  // a backend's answer is checked, not trusted: anything but 64 bytes means no key recovered
  return xy instanceof Uint8Array && xy.length === 64 ? addressOfPublicKeyXY(xy) : null;
}

function parsePrivateKey(privateKey: Uint8Array | Hex): Uint8Array {
  let key: Uint8Array | undefined;
  if (privateKey instanceof Uint8Array) key = privateKey;
  else if (typeof privateKey === "string" && /^0x[0-9a-fA-F]{64}$/.test(privateKey)) key = fromHex(privateKey);
  // The key itself never goes into an error message: messages end up in logs.
  if (key === undefined || key.length !== 32 || !secp256k1.utils.isValidSecretKey(key)) {
    throw new InvalidArgumentError("private key must be 32 bytes (0x + 64 hex digits) in 1..n-1");
  }
  return key;
}

/**
 * Signs a 32-byte digest as a wallet would: deterministic RFC 6979 nonce, low-s, 65 bytes
 * r ‖ s ‖ v with v ∈ {27, 28}. Deterministic, so it matches viem's and ethers' signature
 * byte for byte, which lets tests compare signatures and not only recovered addresses.
 * @throws InvalidArgumentError if `digest` is not 32 bytes or `privateKey` is not a valid key.
 */
export function signDigest(digest: Uint8Array, privateKey: Uint8Array | Hex): Hex {
  checkBytes(digest, 32, "digest");
  const key = parsePrivateKey(privateKey);
  const rec = secp256k1.sign(digest, key, { prehash: false, lowS: true, format: "recovered" });
  const recovery = rec[0]!;
  // Recovery ids 2 and 3 (r ≥ n before reduction) have probability ~2^-128 and no Ethereum
  // encoding; failing loudly beats emitting a signature nobody can verify.
  if (recovery > 1) throw new InvalidArgumentError("digest produced an unrepresentable signature (recovery id > 1)");
  const out = new Uint8Array(SIGNATURE_BYTES);
  out.set(rec.subarray(1, 65), 0);
  out[64] = 27 + recovery;
  return toHex(out);
}

/**
 * The Ethereum address (EIP-55 checksummed) controlled by `privateKey`: the owner a slot must hold for
 * this key's signatures to be accepted.
 * @throws InvalidArgumentError if `privateKey` is not a valid key.
 */
export function addressOf(privateKey: Uint8Array | Hex): Hex {
  const key = parsePrivateKey(privateKey);
  return addressOfPublicKeyXY(secp256k1.getPublicKey(key, false).subarray(1));
}

/**
 * `tx` with its EIP-712 signature for `domain` attached: what a wallet would hand the sequencer.
 * Mainly for tests, demos and tooling; production users sign in their wallet via
 * `typedDataFor` (protocol/eip712.ts).
 * @throws InvalidArgumentError for an invalid transaction, domain or key.
 */
export function signTransaction<T extends Tx>(tx: T, privateKey: Uint8Array | Hex, domain: Eip712Domain): T & { signature: Hex } {
  return { ...tx, signature: signDigest(txDigest(tx, domain), privateKey) };
}

/**
 * The address that signed `tx` under `domain`, or null if its well-formed signature is not valid
 * (see {@link recoverSigner}). A signature made for another chain, contract or transaction
 * recovers a different address, so callers must compare the result with the slot owner.
 * @throws InvalidArgumentError if the transaction's fields, its signature's shape or the domain
 * are malformed: such a transaction cannot be put in a batch, whatever its signature says.
 */
export function recoverTransactionSigner(tx: SignedTx, domain: Eip712Domain, backend: RecoveryBackend = nobleRecovery): Hex | null {
  const digest = txDigest(tx, domain);
  return recoverSigner(digest, tx.signature, backend, `${tx.type}.signature`);
}

/**
 * The signer of every transaction (address or null), in order: what `applyBatch` takes as
 * `signers`. The main thread (`Engine.recoverSigners`) and every RecoverPool worker call this, so
 * both give the same answer and the same error on the same input (SPEC §6.6).
 * @param firstIndex the index of `txs[0]` in the batch, for error messages (a pool job is a slice).
 * @throws InvalidArgumentError naming the first malformed transaction, `txs[i]: …`.
 */
export function recoverTransactionSigners(
  txs: readonly SignedTx[],
  domain: Eip712Domain,
  backend: RecoveryBackend = nobleRecovery,
  firstIndex = 0,
): (Hex | null)[] {
  if (!Array.isArray(txs)) throw new InvalidArgumentError("txs must be an array");
  const out: (Hex | null)[] = new Array(txs.length);
  for (let i = 0; i < txs.length; i++) {
    try {
      out[i] = recoverTransactionSigner(txs[i]!, domain, backend);
    } catch (e) {
      if (e instanceof InvalidArgumentError) throw new InvalidArgumentError(`txs[${firstIndex + i}]: ${e.message}`);
      throw e;
    }
  }
  return out;
}
