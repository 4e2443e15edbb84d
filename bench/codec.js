// The DA codec: bytes per transaction by type and for a mixed workload, next to brotli quality 11
// over the RLP of equivalent signed Ethereum transactions (what Arbitrum and Optimism post), and
// deflate over our own encoding (does a general compressor still pay?); encode/decode MB/s.

import { brotliCompressSync, constants, deflateRawSync } from "node:zlib";
import { serializeTransaction, encodeFunctionData, parseAbi } from "viem";
import { decodeBatch, encodeBatch } from "../dist/index.js";
import { runSuite } from "./lib.js";
import { pseudoRandomBytes } from "./lib.js";

const N = 2000;
const hex = (b) => `0x${Buffer.from(b).toString("hex")}`;
const ERC20 = parseAbi(["function transfer(address to, uint256 amount)"]);
const BRIDGE = parseAbi(["function withdraw(address token, uint256 amount)"]);
const ROUTER = parseAbi([
  "function swapExactTokensForTokens(uint256 amountIn, uint256 amountOutMin, address[] path, address to, uint256 deadline)",
  "function addLiquidity(address tokenA, address tokenB, uint256 amountADesired, uint256 amountBDesired, uint256 amountAMin, uint256 amountBMin, address to, uint256 deadline)",
]);

let seed = 1;
const rnd = (n) => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed % n;
};
const addr = () => hex(pseudoRandomBytes(20, ++seed));
/** Realistic amounts: round-ish numbers of 18-decimal tokens. */
const amount = () => BigInt(1 + rnd(5000)) * 10n ** BigInt(14 + rnd(5));
/** Random r ‖ s with s < 2^255 (low-s like every wallet's; random bytes compress like real ones). */
const sig = () => {
  const b = pseudoRandomBytes(64, ++seed);
  b[32] &= 0x7f;
  return hex(b) + (27 + rnd(2)).toString(16);
};

/** An L2 transaction of `type`, and the equivalent Ethereum call (to, data). */
function pair(type, i, tokens, router) {
  const nonce = BigInt(rnd(500));
  const slot = () => rnd(1 << 20);
  switch (type) {
    case "transfer": {
      const a = amount();
      return [
        { type, from: slot(), to: slot(), amount: a, fee: 10n ** 14n, nonce, signature: sig() },
        { to: tokens[0], data: encodeFunctionData({ abi: ERC20, functionName: "transfer", args: [addr(), a] }) },
      ];
    }
    case "withdraw": {
      const a = amount();
      return [
        { type, from: slot(), amount: a, fee: 10n ** 14n, nonce, signature: sig() },
        { to: router, data: encodeFunctionData({ abi: BRIDGE, functionName: "withdraw", args: [tokens[0], a] }) },
      ];
    }
    case "swap": {
      const a = amount();
      const min = (a * 97n) / 100n; // 3% slippage: not a round number, like real wallets
      return [
        { type, pool: rnd(50), from: slot(), to: slot(), amountIn: a, minOut: min, nonce, signature: sig() },
        {
          to: router,
          data: encodeFunctionData({ abi: ROUTER, functionName: "swapExactTokensForTokens", args: [a, min, [tokens[0], tokens[1]], addr(), 1800000000n] }),
        },
      ];
    }
    case "addLiquidity": {
      const a = amount();
      const b = amount();
      return [
        { type, pool: rnd(50), fromA: slot(), fromB: slot(), lpSlot: slot(), amountA: a, amountB: b, minShares: 0n, nonce, signature: sig() },
        {
          to: router,
          data: encodeFunctionData({ abi: ROUTER, functionName: "addLiquidity", args: [tokens[0], tokens[1], a, b, 0n, 0n, addr(), 1800000000n] }),
        },
      ];
    }
  }
}

function ethRlp(calls) {
  const parts = calls.map((c, i) => {
    const s = pseudoRandomBytes(64, 1000 + i);
    return Buffer.from(
      serializeTransaction(
        {
          type: "eip1559",
          chainId: 10,
          nonce: 1 + (i % 500),
          maxPriorityFeePerGas: 1_000_000n,
          maxFeePerGas: 30_000_000n + BigInt(i % 7),
          gas: 90_000n + BigInt(i % 1000),
          to: c.to,
          value: 0n,
          data: c.data,
        },
        { r: hex(s.subarray(0, 32)), s: hex(s.subarray(32)), yParity: i % 2 },
      ).slice(2),
      "hex",
    );
  });
  return Buffer.concat(parts);
}

export function codecSuites({ quick }) {
  const n = quick ? 500 : N;
  const tokens = [addr(), addr()];
  const router = addr();
  const sizes = [];
  const workloads = {
    transfer: () => "transfer",
    withdraw: () => "withdraw",
    swap: () => "swap",
    addLiquidity: () => "addLiquidity",
    mixed: (i) => ["transfer", "transfer", "transfer", "transfer", "transfer", "transfer", "swap", "swap", "withdraw", "addLiquidity"][i % 10],
  };
  console.log(`\n## DA bytes per transaction (${n} transactions per batch)`);
  let mixedBytes;
  for (const [name, pick] of Object.entries(workloads)) {
    const pairs = Array.from({ length: n }, (_, i) => pair(pick(i), i, tokens, router));
    const ours = encodeBatch({ feePairs: [{ token: 1, slot: 0 }], txs: pairs.map((p) => p[0]) });
    const rlp = ethRlp(pairs.map((p) => p[1]));
    const brotli = brotliCompressSync(rlp, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: rlp.length } });
    const deflated = deflateRawSync(ours, { level: 9 });
    const row = {
      workload: name,
      l2engine: ours.length / n,
      l2engineDeflate: deflated.length / n,
      ethRlp: rlp.length / n,
      ethRlpBrotli11: brotli.length / n,
    };
    sizes.push(row);
    console.log(
      `  ${name.padEnd(13)} l2engine ${row.l2engine.toFixed(1)} B  (+deflate ${row.l2engineDeflate.toFixed(1)})   Ethereum RLP ${row.ethRlp.toFixed(1)} B, brotli-11 ${row.ethRlpBrotli11.toFixed(1)} B`,
    );
    if (name === "mixed") mixedBytes = ours;
  }
  const mb = mixedBytes.length / 1e6;
  const decoded = decodeBatch(mixedBytes);
  const results = runSuite(
    `DA codec on a mixed batch of ${n} transactions (${mixedBytes.length} bytes)`,
    [
      { name: "decodeBatch", unit: "MB/s", opsPerCall: mb, fn: () => decodeBatch(mixedBytes) },
      { name: "encodeBatch", unit: "MB/s", opsPerCall: mb, fn: () => encodeBatch(decoded) },
    ],
    { quick },
  );
  return { results, sizes };
}
