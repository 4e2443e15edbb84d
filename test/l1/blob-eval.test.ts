// The EIP-4844 plan's cost (DECISIONS D31): the barycentric evaluation of a 4096-element blob
// polynomial in the EVM, checked on a polynomial of low degree (its own interpolant).
import { expect, it } from "vitest";
import type { Hex } from "viem";
import { InProcessEvm, artifact } from "./evm.js";
import { transactionGas } from "./gas.js";

const R = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;
const pow = (b: bigint, e: bigint) => {
  let r = 1n;
  b %= R;
  for (; e > 0n; e >>= 1n, b = (b * b) % R) if (e & 1n) r = (r * b) % R;
  return r;
};
const brp = (i: number) => parseInt(i.toString(2).padStart(12, "0").split("").reverse().join(""), 2);

it("evaluates a 4096-element blob polynomial at a point outside the domain (barycentric)", async () => {
  const omega = pow(7n, (R - 1n) / 4096n);
  expect(pow(omega, 2048n)).not.toBe(1n);
  const p = (x: bigint) => (3n + 5n * x + 7n * x * x + 11n * pow(x, 4000n)) % R;
  const evals = new Uint8Array(4096 * 32);
  for (let i = 0; i < 4096; i++) {
    const v = p(pow(omega, BigInt(brp(i))));
    evals.set(Buffer.from(v.toString(16).padStart(64, "0"), "hex"), 32 * i);
  }
  const z = 0x1234567890abcdef1234567890abcdef1234567890abcdefn;
  const evm = await InProcessEvm.create();
  const bench = await evm.deploy(artifact("BlobEvalBench"));
  const r = await bench.call<bigint>("evaluate", [`0x${Buffer.from(evals).toString("hex")}` as Hex, z, omega]);
  expect(r.ok, `${r.revert} gas ${r.gas}`).toBe(true);
  expect(r.value).toBe(p(z));
  console.log(
    `barycentric evaluation of one blob: ${r.gas} execution gas (${transactionGas(evals, Number(r.gas)).transaction} as a transaction with the 131,072 bytes as calldata)`,
  );
}, 120_000);
