// Regenerates test/vectors/spec-da.json (docs/SPEC.md §9.5): the DA bytes of the §8 batch and of
// its first transaction alone, from test/vectors/spec-engine.json.
// Run: npx vite-node test/vectors/generate-spec-da.ts   (then update the hex in SPEC §9.5)
import { readFileSync, writeFileSync } from "node:fs";
import { encodeBatch, toHex, type Batch } from "../../src/index.js";

const v = JSON.parse(readFileSync(new URL("./spec-engine.json", import.meta.url), "utf8"));
const BIG = new Set(["balance", "nonce", "amount", "fee", "amountA", "amountB", "minShares", "shares", "minA", "minB", "amountIn", "minOut"]);
const batch = JSON.parse(JSON.stringify(v.batch), (k, y) => (BIG.has(k) && typeof y === "string" ? BigInt(y) : y)) as Batch;
const out = {
  description: "docs/SPEC.md §9.5: DA encodings (v1) of the §8 batch (its inbox range 41..43 is in the header, not here) and of its first transaction alone.",
  full: toHex(encodeBatch({ feePairs: batch.feePairs, txs: batch.txs })).slice(2),
  single: toHex(encodeBatch({ feePairs: [], txs: [batch.txs[0]!] })).slice(2),
};
writeFileSync(new URL("./spec-da.json", import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
console.log(`full ${out.full.length / 2} bytes:\n${out.full.match(/.{1,96}/g)!.join("\n")}\nsingle ${out.single.length / 2} bytes:\n${out.single}`);
