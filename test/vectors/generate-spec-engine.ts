// Regenerates the results in test/vectors/spec-engine.json (docs/SPEC.md §8) from its inputs:
// the genesis, the signed batch and the domain stay as recorded; the pre-state root, the digests
// and the result are recomputed by the reference engine, and the WASM engine must agree.
// Run: npx vite-node test/vectors/generate-spec-engine.ts   (then update the tables in SPEC §8)
import { readFileSync, writeFileSync } from "node:fs";
import {
  Engine, ReferenceEngine, recoverTransactionSigner, toHex, txDigest, type Batch, type Hex, type Slot,
} from "../../src/index.js";

const file = new URL("./spec-engine.json", import.meta.url);
const v = JSON.parse(readFileSync(file, "utf8"));
const BIG = new Set(["balance", "nonce", "amount", "fee", "amountA", "amountB", "minShares", "shares", "minA", "minB", "amountIn", "minOut"]);
const revive = <T>(x: unknown): T => JSON.parse(JSON.stringify(x), (k, y) => (BIG.has(k) && typeof y === "string" ? BigInt(y) : y)) as T;
const plain = (x: unknown) => JSON.parse(JSON.stringify(x, (_k, y) => (typeof y === "bigint" ? y.toString() : y)));

const domain = { chainId: BigInt(v.domain.chainId), verifyingContract: v.domain.verifyingContract as Hex };
const genesis = revive<Slot[]>(v.genesis);
const batch = revive<Batch>(v.batch);
const ref = new ReferenceEngine(genesis);
const signers = batch.txs.map((tx) => recoverTransactionSigner(tx, domain));
v.preStateRoot = ref.stateRoot();
v.digests = batch.txs.map((tx) => toHex(txDigest(tx, domain)).slice(2));
v.result = plain(ref.applyBatch(batch, signers));
const wasm = plain(Engine.create({ genesis, ...domain }).applyBatch(batch));
if (JSON.stringify(wasm) !== JSON.stringify(v.result)) throw new Error("the WASM engine disagrees with the reference");
writeFileSync(file, `${JSON.stringify(v, null, 2)}\n`);

// the SPEC §8 receipt table and result line
const kinds = [...batch.l1Messages.map((m) => m.kind), ...batch.txs.map((t) => t.type)];
for (const [i, r] of (v.result.receipts as { status: number; touched: number[]; out: string[] }[]).entries()) {
  console.log(`| ${i} | ${kinds[i]} | ${r.status} | ${r.touched.join(", ")} | ${r.out[0]} | ${r.out[1]} |`);
}
console.log(`post-state root \`${v.result.postStateRoot}\`, post tree root \`${v.result.postTreeRoot}\`,`);
console.log(`slot count ${v.result.slotCount}, withdrawals root \`${v.result.withdrawalsRoot}\`, fees \`${JSON.stringify(v.result.fees)}\`.`);
console.log("final slots:", plain(ref.slots).map((s: Slot, i: number) => `${i}:${s.nonce}`).join(" "));
