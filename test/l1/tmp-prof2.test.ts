import { it } from "vitest";
import { readFileSync } from "node:fs";
import { createEVM } from "@ethereumjs/evm";
import { Common, Hardfork, Mainnet } from "@ethereumjs/common";
import { hexToBytes } from "@ethereumjs/util";
import { encodeFunctionData } from "viem";
import { largestBatch, realisticTransfer } from "./gas.js";
import { encodeV1 } from "./da-v1.js";
it("prof", async () => {
  const evm = await createEVM({ common: new Common({ chain: Mainnet, hardfork: Hardfork.Prague }) });
  const art = JSON.parse(readFileSync(process.env.ART!, "utf8"));
  const d = await evm.runCall({ data: hexToBytes(art.bytecode), gasLimit: 30_000_000n });
  const da = encodeV1(largestBatch(realisticTransfer));
  const data = encodeFunctionData({ abi: art.abi, functionName: "check", args: [`0x${Buffer.from(da).toString("hex")}`, 0n] });
  const hist = new Map<string, [number, bigint]>();
  const pcs = new Map<number, number>();
  const pg = new Map<number, bigint>();
  let last: { op: string; gas: bigint; pc: number } | null = null;
  evm.events!.on("step", (s: any, next: any) => {
    if (last) { pg.set(last.pc, (pg.get(last.pc) ?? 0n) + (last.gas - s.gasLeft)); }
    if (last) { const h = hist.get(last.op) ?? [0, 0n]; h[0]++; h[1] += last.gas - s.gasLeft; hist.set(last.op, h); }
    last = { op: s.opcode.name, gas: s.gasLeft, pc: s.pc };
    pcs.set(s.pc, (pcs.get(s.pc) ?? 0) + 1);
    next?.();
  });
  const r = await evm.runCall({ to: d.createdAddress, data: hexToBytes(data), gasLimit: 30_000_000n });
  console.log("gas", r.execResult.executionGasUsed);
  console.log([...hist.entries()].sort((a, b) => Number(b[1][1] - a[1][1])).slice(0, 25).map(([k, [c, g]]) => `${k} ${c} ${g}`).join("\n"));
  const byCount = new Map<number, bigint>();
  for (const [pc, c] of pcs) byCount.set(c, (byCount.get(c) ?? 0n) + (pg.get(pc) ?? 0n));
  console.log("by count", [...byCount.entries()].sort((a, b) => Number(b[1] - a[1])).slice(0, 15).map(([c, g]) => `${c}x:${g}`).join(" "));
  const hot = [...pcs.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12);
  console.log("hot pcs", hot.map(([pc, c]) => `${pc}:${c}`).join(" "));
}, 120000);
