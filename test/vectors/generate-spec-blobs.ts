// Regenerates test/vectors/spec-blobs.json (docs/SPEC.md §13.7): the §13.5 batch's 79 DA bytes
// posted as one blob — the packed blob's first three elements, its KZG commitment, versioned hash,
// the header's daHash, the Fiat-Shamir challenge z, y = p(z), the proof, and OneStepProver's
// blob binding. Loads kzg-wasm (~13 s).
// Run: npx vite-node test/vectors/generate-spec-blobs.ts   (then update SPEC §13.7)
import { writeFileSync } from "node:fs";
import { toHex } from "../../src/index.js";
import { blobChallenge, evaluateBlob, makeBlobSidecar } from "../../src/l1/blobs.js";

const DA = "0x010201010507010000000141800100c091fbabaec81bf6e0522dcb4ac8c189d0df82542e49fb356af91a4eb3ffb809fe9a13fade03f40fdf48042577b6e7d4beee93f39f16586174f699a480aa327f";
const da = Buffer.from(DA.slice(2), "hex");
const s = await makeBlobSidecar(da);
const z = blobChallenge(s.blobs[0]!, s.commitments[0]!);
const word = (v: bigint) => `0x${v.toString(16).padStart(64, "0")}`;
const v = {
  da: DA,
  daLength: da.length,
  blobFirst96: toHex(s.blobs[0]!.subarray(0, 96)),
  commitment: toHex(s.commitments[0]!),
  versionedHash: s.versionedHashes[0],
  daHash: s.daHash,
  z: word(z),
  y: word(evaluateBlob(s.blobs[0]!, z)),
  proof: toHex(s.proofs[0]!),
  binding: toHex(s.binding),
};
writeFileSync(new URL("./spec-blobs.json", import.meta.url), `${JSON.stringify(v, null, 2)}\n`);
console.log(JSON.stringify(v, null, 2));
