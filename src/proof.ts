// Step proofs (docs/SPEC.md §11). So far: the parts of a step commitment and the commitment
// itself, computed in TypeScript from parts a verifier is handed — the pre-state a one-step proof
// starts from. proveStep / verifyStep build on this (issue 5).

import { keccak_256 } from "@noble/hashes/sha3.js";
import { checkBytes, fromHex, toHex } from "./bytes.js";
import { InvalidArgumentError } from "./errors.js";
import { MAX_U128, type Hex } from "./protocol/types.js";

/** What a step commitment commits to (SPEC §11.1). */
export interface StepParts {
  /** keccak256(treeRoot ‖ u32 slotCount), §4.3. */
  stateRoot: Hex;
  /** Root of the batch's withdrawals so far, §5.2. */
  withdrawalsRoot: Hex;
  withdrawalCount: number;
  /** Fees owed to each fee slot so far, in the batch's fee-slot order. */
  owedFees: bigint[];
}

/** C = keccak256(stateRoot ‖ withdrawalsRoot ‖ u32be withdrawalCount ‖ keccak256(owed fees, u128be each)). */
export function stepCommitment(parts: StepParts): Hex {
  const stateRoot = fromHex(parts.stateRoot);
  const withdrawalsRoot = fromHex(parts.withdrawalsRoot);
  checkBytes(stateRoot, 32, "stateRoot");
  checkBytes(withdrawalsRoot, 32, "withdrawalsRoot");
  if (!Number.isInteger(parts.withdrawalCount) || parts.withdrawalCount < 0 || parts.withdrawalCount > 0xffffffff) {
    throw new InvalidArgumentError("withdrawalCount must be a u32");
  }
  const fees = new Uint8Array(16 * parts.owedFees.length);
  parts.owedFees.forEach((f, k) => {
    if (typeof f !== "bigint" || f < 0n || f > MAX_U128) throw new InvalidArgumentError(`owedFees[${k}] must be a u128 bigint`);
    let v = f;
    for (let i = 15; i >= 0; i--) {
      fees[16 * k + i] = Number(v & 0xffn);
      v >>= 8n;
    }
  });
  const input = new Uint8Array(100);
  input.set(stateRoot, 0);
  input.set(withdrawalsRoot, 32);
  new DataView(input.buffer).setUint32(64, parts.withdrawalCount);
  input.set(keccak_256(fees), 68);
  return `0x${toHex(keccak_256(input))}`;
}
