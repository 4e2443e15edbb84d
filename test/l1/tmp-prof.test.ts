import { it } from "vitest";
import { readFileSync } from "node:fs";
import { InProcessEvm } from "./evm.js";
import { largestBatch, realisticTransfer, adversarialTx } from "./gas.js";
import { encodeV1 } from "./da-v1.js";
it("prof", async () => {
  const evm = await InProcessEvm.create();
  const art = JSON.parse(readFileSync(process.env.ART!, "utf8"));
  const h = await evm.deploy(art);
  const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}`;
  for (const [name, mk] of [["transfers", realisticTransfer], ["adv", adversarialTx]] as const) {
    const da = encodeV1(largestBatch(mk as never));
    const r = await h.call<readonly [boolean, bigint]>("check", [hex(da), 0n]);
    console.log(name, r.value, r.gas);
  }
}, 120000);
