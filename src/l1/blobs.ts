/**
 * EIP-4844 blob DA for batches (docs/SPEC.md §13.7, DECISIONS D46/D47): DA bytes packed into
 * blobs, the blobs' KZG commitments, proofs and versioned hashes, the header's daHash, and the
 * binding a one-step proof of a blob batch re-supplies (`daBytes ‖ per blob: commitment ‖ proof`,
 * checked by contracts/BlobBinding.sol through OneStepProver).
 *
 * Packing and hashing are plain functions. Commitments and proofs need KZG: {@link loadBlobKzg}
 * loads the `kzg-wasm` package (a development dependency, imported dynamically only when asked
 * for) once per process — its trusted setup takes ~13 s to load — and every later call shares it.
 * @packageDocumentation
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { type Hex, fromHex, toHex } from "../protocol/bytes.js";
import { DependencyMissingError, InvalidArgumentError } from "../protocol/errors.js";

export { DependencyMissingError };

/** The scalar field modulus r of BLS12-381: every blob element is below it. */
export const BLS_MODULUS = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;
/** Field elements per blob (EIP-4844). */
export const FIELD_ELEMENTS_PER_BLOB = 4096;
/** Bytes of a blob: 4096 × 32. */
export const BLOB_BYTES = 131_072;
/** DA bytes per field element: the element's first byte is zero, so it is below r. */
export const DA_BYTES_PER_ELEMENT = 31;
/** DA bytes one blob holds: 31 × 4096 = 126,976 (so a 120,000-byte batch is one blob). */
export const DA_BYTES_PER_BLOB = 126_976;
/**
 * The largest blob batch Batches.postBlobBatch takes (SPEC §13.6, DECISIONS D50): the costliest
 * blob-bound step of more bytes would not fit the 5M gas budget. Calldata batches keep 120,000.
 */
export const MAX_BLOB_DA_BYTES = 105_000;
/** A KZG commitment or proof (a compressed BLS12-381 G1 point). */
export const KZG_POINT_BYTES = 48;
/** What the binding carries per blob after the DA bytes: commitment ‖ proof. */
export const BINDING_BYTES_PER_BLOB = 96;
/** EIP-4844's commitment version byte: a versioned hash is 0x01 ‖ sha256(commitment)[1:]. */
export const VERSIONED_HASH_VERSION_KZG = 1;
/** ω = 7^((r − 1)/4096), the primitive 4096th root of unity blob polynomials are evaluated over. */
export const ROOT_OF_UNITY = 0x564c0a11a0f704f4fc3e8acfe0f8245f0ad1347b378fbf96e206da11a5d36306n;

/** c-kzg's Fiat-Shamir domain separator for blob proofs. */
const CHALLENGE_DOMAIN = new TextEncoder().encode("FSBLOBVERIFY_V1_");

/**
 * The KZG functions blob DA needs, on bytes. Structurally what viem's `kzg` parameter of a blob
 * transaction takes (`blobToKzgCommitment`, `computeBlobKzgProof`).
 */
export interface BlobKzg {
  /** The 48-byte commitment to a 131,072-byte blob. */
  blobToKzgCommitment(blob: Uint8Array): Uint8Array;
  /** The 48-byte proof of the blob's evaluation at its Fiat-Shamir challenge (c-kzg's compute_blob_kzg_proof). */
  computeBlobKzgProof(blob: Uint8Array, commitment: Uint8Array): Uint8Array;
  /** Whether `proof` shows that the committed polynomial is `y` at `z` (the point-evaluation precompile's check). */
  verifyKzgProof(commitment: Uint8Array, z: Uint8Array, y: Uint8Array, proof: Uint8Array): boolean;
  /**
   * The loaded `kzg-wasm` object itself, whose hex-string methods (`verifyProof`, …) are what
   * `@ethereumjs/common`'s `customCrypto.kzg` expects.
   */
  readonly wasm: KzgWasmModule;
}

/** The part of `kzg-wasm`'s loaded object this module uses (hex strings in and out). */
export interface KzgWasmModule {
  blobToKZGCommitment(blob: string): string;
  computeBlobKZGProof(blob: string, commitment: string): string;
  verifyKZGProof(commitment: string, z: string, y: string, proof: string): boolean;
  verifyProof(commitment: string, z: string, y: string, proof: string): boolean;
}

let kzgPromise: Promise<BlobKzg> | undefined;

/**
 * Loads `kzg-wasm` and its trusted setup **once per process** (~13 s on the first call); later
 * calls return the same instance. The package is imported dynamically, so nothing loads it until
 * blobs are made.
 * @throws {@link DependencyMissingError} when `kzg-wasm` is not installed or does not load (the
 * failed attempt is not cached: a later call tries again)
 */
export function loadBlobKzg(): Promise<BlobKzg> {
  kzgPromise ??= loadKzgWasm().catch((e: unknown) => {
    kzgPromise = undefined;
    throw e;
  });
  return kzgPromise;
}

async function loadKzgWasm(): Promise<BlobKzg> {
  // a specifier in a variable: bundlers leave the development dependency out of the package
  const specifier = "kzg-wasm";
  let mod: { loadKZG?: () => Promise<KzgWasmModule> };
  try {
    mod = (await import(specifier)) as typeof mod;
  } catch (e) {
    throw new DependencyMissingError(specifier, "the package is not installed", e);
  }
  if (typeof mod.loadKZG !== "function") throw new DependencyMissingError(specifier, "it has no loadKZG export");
  let wasm: KzgWasmModule;
  try {
    wasm = await mod.loadKZG();
  } catch (e) {
    throw new DependencyMissingError(specifier, `its trusted setup did not load: ${(e as Error).message}`, e);
  }
  return {
    wasm,
    blobToKzgCommitment: (blob) => fromHex(wasm.blobToKZGCommitment(toHex(checkBlob(blob, "blob")))),
    computeBlobKzgProof: (blob, commitment) => fromHex(wasm.computeBlobKZGProof(toHex(checkBlob(blob, "blob")), toHex(checkPoint(commitment, "commitment")))),
    verifyKzgProof: (commitment, z, y, proof) => wasm.verifyKZGProof(toHex(commitment), toHex(z), toHex(y), toHex(proof)),
  };
}

function checkBlob(blob: Uint8Array, what: string): Uint8Array {
  if (!(blob instanceof Uint8Array) || blob.length !== BLOB_BYTES)
    throw new InvalidArgumentError(`${what}: a blob is ${BLOB_BYTES} bytes, got ${blob instanceof Uint8Array ? blob.length : typeof blob}`);
  return blob;
}

function checkPoint(p: Uint8Array, what: string): Uint8Array {
  if (!(p instanceof Uint8Array) || p.length !== KZG_POINT_BYTES)
    throw new InvalidArgumentError(`${what}: a KZG point is ${KZG_POINT_BYTES} bytes, got ${p instanceof Uint8Array ? p.length : typeof p}`);
  return p;
}

/**
 * How many blobs hold `daLength` DA bytes: ⌈daLength / 126,976⌉ (0 for none).
 * @throws {@link InvalidArgumentError} for a negative or non-integer length
 */
export function blobCountFor(daLength: number): number {
  if (!Number.isSafeInteger(daLength) || daLength < 0) throw new InvalidArgumentError(`daLength: a non-negative integer, got ${daLength}`);
  return Math.ceil(daLength / DA_BYTES_PER_BLOB);
}

/**
 * Packs DA bytes into blobs (SPEC §13.7): byte `k` is byte `1 + k mod 31` of element `⌊k/31⌋`
 * counted across blobs of 4096 elements; every element's first byte, the rest of the last element
 * and every unused element are zero.
 * @param blobCount at least {@link blobCountFor}(da.length) (the default); more blobs are all zero
 * @throws {@link InvalidArgumentError} when the bytes do not fit `blobCount` blobs
 */
export function packBlobs(da: Uint8Array, blobCount = blobCountFor(da.length)): Uint8Array[] {
  if (!Number.isSafeInteger(blobCount) || blobCount < blobCountFor(da.length))
    throw new InvalidArgumentError(`blobCount: ${da.length} DA bytes need ${blobCountFor(da.length)} blobs, got ${blobCount}`);
  const blobs = Array.from({ length: blobCount }, () => new Uint8Array(BLOB_BYTES));
  for (let e = 0, k = 0; k < da.length; e++, k += DA_BYTES_PER_ELEMENT) {
    const blob = blobs[Math.floor(e / FIELD_ELEMENTS_PER_BLOB)]!;
    blob.set(da.subarray(k, k + DA_BYTES_PER_ELEMENT), (e % FIELD_ELEMENTS_PER_BLOB) * 32 + 1);
  }
  return blobs;
}

/**
 * The DA bytes of blobs packed by {@link packBlobs}: the first `daLength` bytes of the elements'
 * last 31 bytes.
 * @throws {@link InvalidArgumentError} when the blobs are not exactly a packing of `daLength`
 * bytes (a blob not 131,072 bytes, too few blobs, an element's first byte or a byte past the data
 * not zero) — a contract could not bind such blobs to any DA bytes
 */
export function unpackBlobs(blobs: readonly Uint8Array[], daLength: number): Uint8Array {
  if (blobs.length < blobCountFor(daLength))
    throw new InvalidArgumentError(`blobs: ${daLength} DA bytes need ${blobCountFor(daLength)} blobs, got ${blobs.length}`);
  const da = new Uint8Array(daLength);
  blobs.forEach((blob, b) => {
    checkBlob(blob, `blobs[${b}]`);
    for (let e = 0; e < FIELD_ELEMENTS_PER_BLOB; e++) {
      const at = e * 32;
      const k = (b * FIELD_ELEMENTS_PER_BLOB + e) * DA_BYTES_PER_ELEMENT;
      const take = Math.max(0, Math.min(DA_BYTES_PER_ELEMENT, daLength - k));
      const bad = blob[at] !== 0 ? 0 : blob.subarray(at + 1 + take, at + 32).findIndex((x) => x !== 0);
      if (bad >= 0)
        throw new InvalidArgumentError(
          `blobs[${b}]: element ${e} byte ${bad === 0 && blob[at] !== 0 ? 0 : 1 + take + bad} is not zero (not a packing of ${daLength} bytes)`,
        );
      if (take > 0) da.set(blob.subarray(at + 1, at + 1 + take), k);
    }
  });
  return da;
}

/**
 * A commitment's versioned hash, as `blobhash` returns it: 0x01 ‖ sha256(commitment)[1:].
 * @throws {@link InvalidArgumentError} unless the commitment is 48 bytes
 */
export function versionedHash(commitment: Uint8Array): Hex {
  const h = sha256(checkPoint(commitment, "commitment"));
  h[0] = VERSIONED_HASH_VERSION_KZG;
  return toHex(h);
}

/**
 * A blob header's daHash (SPEC §13.2): keccak256 of the concatenated 32-byte versioned hashes.
 * @throws {@link InvalidArgumentError} for a hash that is not 32 bytes of hex
 */
export function blobDaHash(versionedHashes: readonly Hex[]): Hex {
  const all = new Uint8Array(32 * versionedHashes.length);
  versionedHashes.forEach((h, i) => {
    const b = fromHex(h);
    if (b.length !== 32) throw new InvalidArgumentError(`versionedHashes[${i}]: 32 bytes, got ${b.length}`);
    all.set(b, 32 * i);
  });
  return toHex(keccak_256(all));
}

/**
 * The binding a one-step proof of a blob batch re-supplies (SPEC §13.7):
 * `daBytes ‖ commitment_0 ‖ proof_0 ‖ … ‖ commitment_{k−1} ‖ proof_{k−1}`.
 * @throws {@link InvalidArgumentError} when the counts differ, a point is not 48 bytes, or the
 * bytes do not fit the blobs
 */
export function blobBinding(da: Uint8Array, commitments: readonly Uint8Array[], proofs: readonly Uint8Array[]): Uint8Array {
  if (commitments.length !== proofs.length) throw new InvalidArgumentError(`proofs: one per commitment (${commitments.length}), got ${proofs.length}`);
  if (commitments.length < blobCountFor(da.length))
    throw new InvalidArgumentError(`commitments: ${da.length} DA bytes need ${blobCountFor(da.length)} blobs, got ${commitments.length}`);
  const out = new Uint8Array(da.length + BINDING_BYTES_PER_BLOB * commitments.length);
  out.set(da, 0);
  commitments.forEach((c, b) => {
    out.set(checkPoint(c, `commitments[${b}]`), da.length + BINDING_BYTES_PER_BLOB * b);
    out.set(checkPoint(proofs[b]!, `proofs[${b}]`), da.length + BINDING_BYTES_PER_BLOB * b + KZG_POINT_BYTES);
  });
  return out;
}

/** Everything a blob batch needs, for posting (`blobs`) and for proving (`binding`). */
export interface BlobSidecar {
  /** The packed blobs, 131,072 bytes each (what a type-3 transaction carries). */
  blobs: Uint8Array[];
  commitments: Uint8Array[];
  /** Per blob, the proof at its Fiat-Shamir challenge (what OneStepProver's binding carries). */
  proofs: Uint8Array[];
  /** blobhash(0 … k−1) of the posting transaction. */
  versionedHashes: Hex[];
  /** The header's daHash. */
  daHash: Hex;
  daLength: number;
  /** daBytes ‖ per blob: commitment ‖ proof — OneStepProver's binding for a blob batch. */
  binding: Uint8Array;
}

/**
 * Packs `da` into blobs and computes their commitments, proofs, versioned hashes, the header's
 * daHash and the one-step binding. Loads KZG on first use ({@link loadBlobKzg}, ~13 s once).
 * @param options.blobCount more blobs than the bytes need (all zero), for tests of that rule
 * @param options.kzg an already loaded KZG (default: the shared one)
 * @throws {@link InvalidArgumentError} for a blob count the bytes do not fit;
 * {@link DependencyMissingError} when `kzg-wasm` is not installed
 */
export async function makeBlobSidecar(da: Uint8Array, options: { blobCount?: number; kzg?: BlobKzg } = {}): Promise<BlobSidecar> {
  const blobs = packBlobs(da, options.blobCount);
  const kzg = options.kzg ?? (await loadBlobKzg());
  const commitments = blobs.map((b) => kzg.blobToKzgCommitment(b));
  const proofs = blobs.map((b, i) => kzg.computeBlobKzgProof(b, commitments[i]!));
  const versionedHashes = commitments.map(versionedHash);
  return {
    blobs,
    commitments,
    proofs,
    versionedHashes,
    daHash: blobDaHash(versionedHashes),
    daLength: da.length,
    binding: blobBinding(da, commitments, proofs),
  };
}

/**
 * c-kzg's compute_challenge: sha256("FSBLOBVERIFY_V1_" ‖ u128be 4096 ‖ blob ‖ commitment) as a
 * big-endian integer mod r — the point a blob proof opens the polynomial at.
 * @throws {@link InvalidArgumentError} for a blob not 131,072 bytes or a commitment not 48
 */
export function blobChallenge(blob: Uint8Array, commitment: Uint8Array): bigint {
  const pre = new Uint8Array(32 + BLOB_BYTES + KZG_POINT_BYTES);
  pre.set(CHALLENGE_DOMAIN, 0);
  pre[30] = FIELD_ELEMENTS_PER_BLOB >> 8;
  pre.set(checkBlob(blob, "blob"), 32);
  pre.set(checkPoint(commitment, "commitment"), 32 + BLOB_BYTES);
  return BigInt(toHex(sha256(pre))) % BLS_MODULUS;
}

const modPow = (b: bigint, e: bigint): bigint => {
  let r = 1n;
  for (b %= BLS_MODULUS; e > 0n; e >>= 1n, b = (b * b) % BLS_MODULUS) if (e & 1n) r = (r * b) % BLS_MODULUS;
  return r;
};

/** brp12: EIP-4844 evaluates element e at ω^brp12(e). */
const reverse12 = (e: number): number => {
  let r = 0;
  for (let i = 0; i < 12; i++) r |= ((e >> i) & 1) << (11 - i);
  return r;
};

/**
 * The blob polynomial's value at `z` (the consensus spec's evaluate_polynomial_in_evaluation_form):
 * (z^4096 − 1)/4096 · Σ f_e·ω_e/(z − ω_e) over the bit-reversed domain; for z in the domain, that
 * element. A reference for the contract's evaluation and for tests.
 * @throws {@link InvalidArgumentError} for a blob not 131,072 bytes or an element ≥ r
 */
export function evaluateBlob(blob: Uint8Array, z: bigint): bigint {
  checkBlob(blob, "blob");
  z %= BLS_MODULUS;
  const f: bigint[] = [];
  for (let e = 0; e < FIELD_ELEMENTS_PER_BLOB; e++) {
    const v = BigInt(toHex(blob.subarray(32 * e, 32 * e + 32)));
    if (v >= BLS_MODULUS) throw new InvalidArgumentError(`blob: element ${e} is not below the field modulus`);
    f.push(v);
  }
  const powers: bigint[] = [1n];
  for (let i = 1; i < FIELD_ELEMENTS_PER_BLOB; i++) powers.push((powers[i - 1]! * ROOT_OF_UNITY) % BLS_MODULUS);
  const roots = f.map((_, e) => powers[reverse12(e)]!);
  const inDomain = roots.indexOf(z);
  if (inDomain >= 0) return f[inDomain]!;
  // Σ f·ω/(z − ω) with one inversion (Montgomery's trick)
  const d = roots.map((w) => (z - w + BLS_MODULUS) % BLS_MODULUS);
  const prefix: bigint[] = [];
  let acc = 1n;
  for (const x of d) {
    acc = (acc * x) % BLS_MODULUS;
    prefix.push(acc);
  }
  let inv = modPow(acc, BLS_MODULUS - 2n);
  let sum = 0n;
  for (let e = FIELD_ELEMENTS_PER_BLOB - 1; e >= 0; e--) {
    const invE = e === 0 ? inv : (inv * prefix[e - 1]!) % BLS_MODULUS;
    inv = (inv * d[e]!) % BLS_MODULUS;
    sum = (sum + ((f[e]! * roots[e]!) % BLS_MODULUS) * invE) % BLS_MODULUS;
  }
  const n = BigInt(FIELD_ELEMENTS_PER_BLOB);
  return (((((modPow(z, n) - 1n + BLS_MODULUS) % BLS_MODULUS) * modPow(n, BLS_MODULUS - 2n)) % BLS_MODULUS) * sum) % BLS_MODULUS;
}
