// Regenerates test/vectors/spec-store.json (docs/SPEC.md §12): the receipts column of a stored
// batch for three receipts — a transfer, a failed transaction, a withdrawal with both outputs.
// Run: npx vite-node test/vectors/generate-spec-store.ts   (then update the hex in SPEC §12)
import { writeFileSync } from "node:fs";
import { toHex } from "../../src/index.js";
import { encodeReceiptColumn } from "../../src/store/receipt-column.js";
import type { Receipt } from "../../src/protocol/types.js";

const receipts: Receipt[] = [
  { status: 0, touched: [3, 1000], out: [0n, 0n] },
  { status: 5, touched: [7], out: [0n, 0n] },
  { status: 0, touched: [2], out: [1n, 10n ** 18n] },
];
const out = {
  description: "docs/SPEC.md §12: the receipts column (store format 5) of three receipts: a transfer, a failed transaction (reason 5), a withdrawal (out = [1, 10^18]).",
  receipts: receipts.map((r) => ({ ...r, out: r.out.map(String) })),
  column: toHex(encodeReceiptColumn(receipts)).slice(2),
};
writeFileSync(new URL("./spec-store.json", import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
console.log(`${out.column.length / 2} bytes: ${out.column}`);
