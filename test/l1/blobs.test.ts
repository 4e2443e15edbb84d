// EIP-4844 blob DA end to end (SPEC §13.7, DECISIONS D46/D47): DA bytes packed into blobs by
// src/l1/blobs.ts, a real type-3 transaction on anvil whose blobhashes a harness turns into a
// header's daHash, and OneStepProver binding every step of that batch — and startCommitment — to
// the blobs through the blob binding (commitments + proofs, the contract packing the bytes,
// computing the challenge and the evaluation itself, the point-evaluation precompile checking).
// The in-process EVM runs precompile 0x0a on kzg-wasm (customCrypto.kzg), so every check runs there
// too. kzg-wasm's setup takes ~13 s: loaded once for the file.
import { readFileSync } from "node:fs";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Hex, createWalletClient, decodeErrorResult, encodeFunctionData, http, parseGwei } from "viem";
import {
  Engine,
  addressOf,
  deriveBatch,
  domainSeparator,
  encodeBatch,
  encodeStepProof,
  proveSteps,
  signTransaction,
  type Batch,
  type SignedTx,
  type Slot,
} from "../../src/index.js";
import { InvalidArgumentError } from "../../src/protocol/errors.js";
import { nodeRecovery } from "../../src/node.js";
import {
  BLOB_BYTES,
  DA_BYTES_PER_BLOB,
  type BlobKzg,
  type BlobSidecar,
  blobBinding,
  blobChallenge,
  blobCountFor,
  blobDaHash,
  evaluateBlob,
  loadBlobKzg,
  makeBlobSidecar,
  packBlobs,
  ROOT_OF_UNITY,
  BLS_MODULUS,
  unpackBlobs,
  versionedHash,
} from "../../src/l1/blobs.js";
import { Anvil } from "./anvil.js";
import { InProcessEvm, artifact, wholeTxGas, type Deployed } from "./evm.js";
import { TEST_DOMAIN, TEST_KEYS, bindingOf, headerArg, postedRuns, type PostedBatch, type PostedRun } from "./glue.js";
import { hex } from "./step-builder.js";
import { adversarialTx, largestBatch } from "./gas.js";
import { encodeV1 } from "./da-v1.js";
import { encodeClaim, encodeHeader, headerHash } from "../../src/protocol/l1-records.js";
import { MAX_BLOB_DA_BYTES } from "../../src/l1/blobs.js";
import {
  BOND,
  CHALLENGER,
  GameBench,
  GameChallenger,
  GameProposer,
  PHASE,
  claimFor,
  deployGame,
  domainOf,
  genesisSlots,
  makeBatch,
  openingAt,
  play,
  propose,
  story,
} from "./game-fixture.js";

const DS = domainSeparator(TEST_DOMAIN);
const prover = artifact("OneStepProver");

/** The blob header of `posted`: daKind 1, daHash and l1 block/time from the posting. */
function blobPosted(posted: PostedBatch, daHash: Hex, at?: { l1Block: bigint; l1Timestamp: bigint }): PostedBatch {
  return { ...posted, header: { ...posted.header, daKind: 1, daHash, ...(at ?? {}) } };
}

/** verifyStep's arguments for step j of a blob batch: the blob binding for DA steps. */
function blobStepArgs(pre: Hex, p: PostedBatch, j: number, proof: Uint8Array, binding: Uint8Array): readonly unknown[] {
  const b = bindingOf(p, j);
  const bytes = j < p.header.inboxCount ? b.binding : binding;
  return [hex(DS), pre, headerArg(p.header), BigInt(j), hex(proof), hex(bytes), b.inboxRecord];
}

function blobStartArgs(run: PostedRun, p: PostedBatch, binding: Uint8Array): readonly unknown[] {
  return [hex(DS), run.parent.treeRoot, run.parent.slotCount, run.parent.stateRoot, hex(binding), headerArg(p.header)];
}

/** The custom error's name (and args) of a revert, decoded with the prover's ABI. */
function errorOf(revert: Hex | undefined): string {
  if (!revert) return "(no revert data)";
  try {
    const e = decodeErrorResult({ abi: prover.abi, data: revert });
    return e.errorName;
  } catch {
    return revert;
  }
}

const word = (v: bigint) => Buffer.from(v.toString(16).padStart(64, "0"), "hex");

describe("blob DA (daKind 1)", () => {
  let kzg: BlobKzg;
  let evm: InProcessEvm;
  let local: Deployed;
  beforeAll(async () => {
    kzg = await loadBlobKzg();
    evm = await InProcessEvm.create({ kzg: kzg.wasm });
    const verifier = await evm.deploy(artifact("StepVerifier"));
    local = await evm.deploy(prover, [verifier.address.toString()]);
  }, 120_000);

  it("packs 31 DA bytes per element behind a zero byte, 4096 elements a blob, and unpacks exactly that packing", () => {
    expect(blobCountFor(0)).toBe(0);
    expect(blobCountFor(1)).toBe(1);
    expect(blobCountFor(120_000)).toBe(1);
    expect(blobCountFor(DA_BYTES_PER_BLOB)).toBe(1);
    expect(blobCountFor(DA_BYTES_PER_BLOB + 1)).toBe(2);
    const da = Uint8Array.from({ length: DA_BYTES_PER_BLOB + 40 }, (_, i) => 1 + (i % 255));
    const blobs = packBlobs(da);
    expect(blobs.length).toBe(2);
    expect(blobs[0]![0]).toBe(0);
    expect([...blobs[0]!.subarray(1, 32)]).toEqual([...da.subarray(0, 31)]);
    expect([...blobs[1]!.subarray(0, 32)]).toEqual([0, ...da.subarray(DA_BYTES_PER_BLOB, DA_BYTES_PER_BLOB + 31)]);
    // the last element: 9 bytes, then zeros; the rest of the blob zero
    expect([...blobs[1]!.subarray(32, 64)]).toEqual([0, ...da.subarray(DA_BYTES_PER_BLOB + 31), ...new Array(22).fill(0)]);
    expect(blobs[1]!.subarray(64).every((b) => b === 0)).toBe(true);
    expect(unpackBlobs(blobs, da.length)).toEqual(da);
    expect(unpackBlobs([...blobs, new Uint8Array(BLOB_BYTES)], da.length)).toEqual(da);
    // anything but exactly that packing is refused
    const highByte = blobs.map((b) => b.slice());
    highByte[0]![32 * 7] = 1;
    expect(() => unpackBlobs(highByte, da.length)).toThrow(/element 7 byte 0/);
    const tail = blobs.map((b) => b.slice());
    tail[1]![32 + 10] = 1;
    expect(() => unpackBlobs(tail, da.length)).toThrow(/element 1 byte 10/);
    expect(() => unpackBlobs(blobs.slice(0, 1), da.length)).toThrow(InvalidArgumentError);
    expect(() => packBlobs(da, 1)).toThrow(InvalidArgumentError);
    expect(() => blobBinding(da, [new Uint8Array(48)], [new Uint8Array(48)])).toThrow(/need 2 blobs/);
    expect(() => blobBinding(new Uint8Array(3), [new Uint8Array(47)], [new Uint8Array(48)])).toThrow(/commitments\[0\]/);
    expect(() => versionedHash(new Uint8Array(32))).toThrow(InvalidArgumentError);
  });

  it("matches the golden vector (SPEC §13.7): packing, commitment, versioned hash, daHash, challenge, evaluation, proof", async () => {
    const v = JSON.parse(readFileSync(new URL("../vectors/spec-blobs.json", import.meta.url), "utf8"));
    const da = Buffer.from(v.da.slice(2), "hex");
    const s = await makeBlobSidecar(da, { kzg });
    expect(hex(s.blobs[0]!.subarray(0, 96))).toBe(v.blobFirst96);
    expect(hex(s.commitments[0]!)).toBe(v.commitment);
    expect(s.versionedHashes[0]).toBe(v.versionedHash);
    expect(s.daHash).toBe(v.daHash);
    const z = blobChallenge(s.blobs[0]!, s.commitments[0]!);
    expect(`0x${z.toString(16).padStart(64, "0")}`).toBe(v.z);
    expect(`0x${evaluateBlob(s.blobs[0]!, z).toString(16).padStart(64, "0")}`).toBe(v.y);
    expect(hex(s.proofs[0]!)).toBe(v.proof);
    expect(hex(s.binding)).toBe(v.binding);
    // SPEC §13.7 prints the same vector
    const spec = readFileSync(new URL("../../docs/SPEC.md", import.meta.url), "utf8");
    const section = spec.slice(spec.indexOf("### 13.7 Blob DA"));
    for (const [k, x] of [
      ["commitment", v.commitment],
      ["versionedHash", v.versionedHash],
      ["daHash", v.daHash],
      ["z", v.z],
      ["y", v.y],
      ["proof", v.proof],
    ])
      expect(section, `SPEC §13.7 ${k}`).toMatch(new RegExp(`\\n${k} +${x}\\n`));
    const first96 = v.blobFirst96.slice(2);
    for (let e = 0; e < 3; e++) expect(section).toContain(first96.slice(64 * e, 64 * e + 64));
    expect(kzg.verifyKzgProof(s.commitments[0]!, word(z), Buffer.from(v.y.slice(2), "hex"), s.proofs[0]!)).toBe(true);
    const harness = await evm.deploy(artifact("BlobBindingHarness"));
    const r = await harness.call<[bigint, Hex]>("bind", [v.binding, da.length, v.daHash]);
    expect(r.ok, r.revert).toBe(true);
    expect(r.value).toEqual([BigInt(da.length), hex(keccak_256(da))]);
  }, 60_000);

  it("evaluates the blob polynomial as the consensus spec does, at random points and at a domain point", async () => {
    const harness = await evm.deploy(artifact("BlobBindingHarness"));
    const blob = packBlobs(Uint8Array.from({ length: 120_000 }, (_, i) => (i * 131 + 7) & 255))[0]!;
    const elements = Array.from({ length: 4096 }, (_, e) => BigInt(hex(blob.subarray(32 * e, 32 * e + 32))));
    for (const z of [1n, 2n, 0x1234567890abcdefn, BLS_MODULUS - 5n, BigInt(hex(keccak_256(blob))) % BLS_MODULUS]) {
      const r = await harness.call<bigint>("evaluate", [elements, z]);
      expect(r.value, `z = ${z}`).toBe(evaluateBlob(blob, z));
    }
    // z = ω^brp12(e): the polynomial's value is element e itself (the contract's slow path)
    const e = 0b000000000110;
    const zIn = (() => {
      let r = 1n;
      for (let k = 0; k < 0b011000000000; k++) r = (r * ROOT_OF_UNITY) % BLS_MODULUS;
      return r;
    })();
    const r = await harness.call<bigint>("evaluate", [elements, zIn]);
    expect(r.value).toBe(elements[e]);
    expect(evaluateBlob(blob, zIn)).toBe(elements[e]);
  }, 60_000);

  describe("on anvil", () => {
    let anvil: Anvil;
    beforeAll(async () => {
      anvil = await Anvil.start();
    }, 30_000);
    afterAll(async () => {
      await anvil?.stop();
    });

    /** Posts `sidecar`'s blobs in a real type-3 transaction; the harness records the daHash. */
    async function postBlobs(harnessAt: Hex, sidecar: BlobSidecar) {
      const harness = artifact("BlobHarness");
      const data = encodeFunctionData({ abi: harness.abi, functionName: "post", args: [sidecar.daLength, BigInt(sidecar.blobs.length)] });
      // anvil's first blob transaction loads its own KZG setup: more than viem's default 10 s timeout
      const wallet = createWalletClient({ chain: anvil.walletClient.chain, transport: http(anvil.url, { timeout: 120_000 }), account: anvil.account });
      const hash = await wallet.sendTransaction({
        to: harnessAt,
        data,
        blobs: sidecar.blobs,
        kzg,
        maxFeePerBlobGas: parseGwei("30"),
        account: anvil.account,
        chain: anvil.walletClient.chain,
      } as never);
      const receipt = await anvil.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
      expect(receipt.status).toBe("success");
      const tx = await anvil.publicClient.getTransaction({ hash });
      expect(tx.type).toBe("eip4844");
      expect(tx.blobVersionedHashes).toEqual(sidecar.versionedHashes);
      const daHash = (await anvil.call<Hex>(harnessAt, harness.abi, "lastDaHash", [])).value!;
      const l1Block = (await anvil.call<bigint>(harnessAt, harness.abi, "lastBlock", [])).value!;
      const l1Timestamp = (await anvil.call<bigint>(harnessAt, harness.abi, "lastTimestamp", [])).value!;
      return { daHash, l1Block, l1Timestamp };
    }

    it("a batch posted in a real blob transaction: every step and C_0 verify through the blob binding on anvil and in-process, as the WASM verifier says", async () => {
      const [run] = [...postedRuns(7, 1, 14)];
      const sidecar = await makeBlobSidecar(run!.posted.da, { kzg });
      const harnessAt = await anvil.deploy(artifact("BlobHarness"));
      const verifierAt = await anvil.deploy(artifact("StepVerifier"));
      const proverAt = await anvil.deploy(prover, [verifierAt]);
      const at = await postBlobs(harnessAt, sidecar);
      expect(at.daHash).toBe(sidecar.daHash);
      expect(at.daHash).toBe(blobDaHash(sidecar.versionedHashes));
      const posted = blobPosted(run!.posted, at.daHash, at);

      const start = blobStartArgs(run!, posted, sidecar.binding);
      expect((await anvil.call<Hex>(proverAt, prover.abi, "startCommitment", start)).value).toBe(run!.steps[0]!.pre);
      expect((await local.call<Hex>("startCommitment", start)).value).toBe(run!.steps[0]!.pre);
      const kinds = new Set<string>();
      for (const c of run!.steps) {
        const args = blobStepArgs(c.pre, posted, c.j, c.proof, sidecar.binding);
        const onNode = await anvil.call<Hex>(proverAt, prover.abi, "verifyStep", args);
        expect(onNode.ok, `step ${c.j} (${c.kind}): ${errorOf(onNode.revert)}`).toBe(true);
        expect(onNode.value, `step ${c.j}`).toBe(c.post); // c.post: the WASM verifier's post (glue.ts)
        expect((await local.call<Hex>("verifyStep", args)).value, `step ${c.j} in-process`).toBe(c.post);
        kinds.add(c.kind);
      }
      expect(kinds.has("settle")).toBe(true);
      expect(run!.posted.header.inboxCount).toBeGreaterThan(0);

      // the same step sent as a transaction: anvil's gasUsed is the in-process figure
      const tx = run!.steps.find((c) => c.j >= posted.header.inboxCount && c.kind !== "settle")!;
      const args = blobStepArgs(tx.pre, posted, tx.j, tx.proof, sidecar.binding);
      const data = encodeFunctionData({ abi: prover.abi, functionName: "verifyStep", args } as never);
      const inProcess = await local.call<Hex>("verifyStep", args);
      const receipt = await anvil.transact(proverAt, data);
      expect(receipt.status).toBe("success");
      expect(receipt.gasUsed).toBe(wholeTxGas(data, inProcess.gas));

      // a second, all-zero blob the bytes do not need is allowed: its header names both blobs
      const two = await makeBlobSidecar(run!.posted.da, { kzg, blobCount: 2 });
      const at2 = await postBlobs(harnessAt, two);
      const posted2 = blobPosted(run!.posted, at2.daHash, at2);
      const settle = run!.steps.at(-1)!;
      const r2 = await anvil.call<Hex>(proverAt, prover.abi, "verifyStep", blobStepArgs(settle.pre, posted2, settle.j, settle.proof, two.binding));
      expect(r2.ok, errorOf(r2.revert)).toBe(true);
      expect(r2.value).toBe(settle.post);
      // … but not left out
      const one = await anvil.call<Hex>(proverAt, prover.abi, "verifyStep", blobStepArgs(settle.pre, posted2, settle.j, settle.proof, sidecar.binding));
      expect(errorOf(one.revert)).toBe("BlobHashMismatch");
    }, 180_000);

    it("refuses every binding that is not the posted blobs' with a typed error", async () => {
      const [run] = [...postedRuns(8, 1, 10)];
      const da = run!.posted.da;
      const sidecar = await makeBlobSidecar(da, { kzg });
      const harnessAt = await anvil.deploy(artifact("BlobHarness"));
      const at = await postBlobs(harnessAt, sidecar);
      const posted = blobPosted(run!.posted, at.daHash, at);
      const other = await makeBlobSidecar(
        Uint8Array.from(da, (b) => b ^ 0x5a),
        { kzg },
      );
      const c = run!.steps.find((s) => s.j >= posted.header.inboxCount && s.kind !== "settle")!;
      const n = da.length;
      const changed = sidecar.binding.slice();
      changed[Math.floor(n / 2)]! ^= 1;
      const lastByte = sidecar.binding.slice();
      lastByte[n - 1]! ^= 0x80;
      const cases: [string, Uint8Array, string, PostedBatch?][] = [
        ["a changed DA byte", changed, "BlobProofRejected"],
        ["a changed last DA byte (the padded element)", lastByte, "BlobProofRejected"],
        ["a wrong commitment (another blob's, with its proof)", blobBinding(da, other.commitments, other.proofs), "BlobHashMismatch"],
        ["another blob's commitment with this blob's proof", blobBinding(da, other.commitments, sidecar.proofs), "BlobHashMismatch"],
        ["a wrong proof (another blob's)", blobBinding(da, sidecar.commitments, other.proofs), "BlobProofRejected"],
        ["a zero proof", blobBinding(da, sidecar.commitments, [new Uint8Array(48)]), "BlobProofRejected"],
        ["one DA byte missing", sidecar.binding.slice(1), "BlobBindingLength"],
        ["one trailing byte", Uint8Array.from([...sidecar.binding, 0]), "BlobBindingLength"],
        ["a trailing commitment and proof", Uint8Array.from([...sidecar.binding, ...sidecar.binding.subarray(n)]), "BlobHashMismatch"],
        ["no commitment at all", da, "BlobBindingLength"],
        ["the header's daLength one longer", sidecar.binding, "BlobBindingLength", { ...posted, header: { ...posted.header, daLength: n + 1 } }],
        ["the header's daLength one shorter", sidecar.binding, "BlobBindingLength", { ...posted, header: { ...posted.header, daLength: n - 1 } }],
        ["the calldata kind given a blob binding", sidecar.binding, "DaLengthMismatch", { ...posted, header: { ...posted.header, daKind: 0 } }],
        ["an unknown DA kind", sidecar.binding, "UnsupportedDaKind", { ...posted, header: { ...posted.header, daKind: 3 as never } }],
      ];
      const verifierAt = await anvil.deploy(artifact("StepVerifier"));
      const proverAt = await anvil.deploy(prover, [verifierAt]);
      const good = await anvil.call<Hex>(proverAt, prover.abi, "verifyStep", blobStepArgs(c.pre, posted, c.j, c.proof, sidecar.binding));
      expect(good.value).toBe(c.post);
      for (const [what, binding, error, p] of cases) {
        const args = blobStepArgs(c.pre, p ?? posted, c.j, c.proof, binding);
        const onNode = await anvil.call<Hex>(proverAt, prover.abi, "verifyStep", args);
        expect(errorOf(onNode.revert), `${what} (anvil)`).toBe(error);
        const inProcess = await local.call<Hex>("verifyStep", args);
        expect(errorOf(inProcess.revert), `${what} (in-process)`).toBe(error);
        const start = await local.call<Hex>("startCommitment", blobStartArgs(run!, p ?? posted, binding));
        expect(errorOf(start.revert), `${what} (startCommitment)`).toBe(error);
      }
    }, 180_000);
  });

  it("gas: a transaction step and settlement of a 120,000-byte blob batch, and the binding alone", async () => {
    // a largest batch of valid transfers from one key (every step succeeds)
    const key = TEST_KEYS[0]!;
    const owner = addressOf(key);
    const genesis: Slot[] = Array.from({ length: 8 }, (_, i) => ({
      owner: i === 0 ? owner : addressOf(TEST_KEYS[1]!),
      token: 1,
      balance: 10n ** 24n,
      nonce: 0n,
    }));
    const txs: SignedTx[] = [];
    const feePairs = [{ token: 1, slot: 3 }];
    const sign = (k: number) =>
      signTransaction(
        { type: "transfer", from: 0, to: 1 + (k % 7), amount: BigInt(1 + (k % 9973)) * 10n ** 14n, fee: 10n ** 13n, nonce: BigInt(k) },
        key,
        TEST_DOMAIN,
      ) as SignedTx;
    // ~72 bytes a transfer: sign in chunks, yielding so that vitest's worker RPC is not starved
    const breathe = () => new Promise((resolve) => setImmediate(resolve));
    while (encodeBatch({ feePairs, txs }).length < 120_000 - 72 * 50) {
      for (let k = 0; k < 50; k++) txs.push(sign(txs.length));
      await breathe();
    }
    while (encodeBatch({ feePairs, txs }).length < 120_000 - 80) txs.push(sign(txs.length));
    while (encodeBatch({ feePairs, txs }).length > 120_000) txs.pop();
    const da = encodeBatch({ feePairs, txs });
    const batch: Batch = { feePairs, l1Messages: [], txs };
    expect(deriveBatch(da, { start: 0n, count: 0 }).error).toBe(null);
    const engine = Engine.create({ genesis, ...TEST_DOMAIN, recovery: nodeRecovery });
    await breathe();
    const fork = engine.fork();
    const { steps } = fork.traceBatch(batch);
    fork.dispose();
    await breathe();
    const last = txs.length - 1;
    const proofs: Uint8Array[] = [];
    let j = 0;
    for (const p of proveSteps(engine, batch)) {
      if (j === last || j === txs.length) proofs[j] = encodeStepProof(p);
      if (++j % 100 === 0) await breathe();
    }
    engine.dispose();
    const sidecar = await makeBlobSidecar(da, { kzg });
    const header = {
      index: 1n,
      prevHeaderHash: `0x${"00".repeat(32)}` as Hex,
      daKind: 1,
      daHash: sidecar.daHash,
      daLength: da.length,
      inboxStart: 0n,
      inboxCount: 0,
      l1Block: 18n,
      l1Timestamp: 1_700_001_000n,
    };
    const call = async (kind: 0 | 1, step: number) => {
      const h = kind === 1 ? header : { ...header, daKind: 0, daHash: hex(keccak_256(da)) };
      const args = [hex(DS), steps[step]!, h, BigInt(step), hex(proofs[step]!), hex(kind === 1 ? sidecar.binding : da), `0x${"00".repeat(32)}`];
      const r = await local.call<Hex>("verifyStep", args);
      expect(r.ok, errorOf(r.revert)).toBe(true);
      expect(r.value).toBe(steps[step + 1]);
      return { execution: r.gas, transaction: wholeTxGas(r.data, r.gas) };
    };
    const txBlob = await call(1, last);
    const txCalldata = await call(0, last);
    const settleBlob = await call(1, txs.length);
    const harness = await evm.deploy(artifact("BlobBindingHarness"));
    const bind = await harness.call<[bigint, Hex]>("bind", [hex(sidecar.binding), da.length, sidecar.daHash]);
    expect(bind.ok).toBe(true);
    // the costliest shape for the walk (gas.ts): binding and walk up to the settlement step, whose
    // proof is left empty so the verifier refuses it right after (its own cost, ≤ ~0.1M, not counted)
    await breathe();
    const advBatch = largestBatch(adversarialTx);
    await breathe();
    const adv = encodeV1(advBatch);
    const advSidecar = await makeBlobSidecar(adv, { kzg });
    const nAdv = BigInt(advBatch.txs.length);
    const walkAndBind = async (kind: 0 | 1) => {
      const h = { ...header, daKind: kind, daLength: adv.length, daHash: kind === 1 ? advSidecar.daHash : hex(keccak_256(adv)) };
      const args = [hex(DS), `0x${"00".repeat(32)}`, h, nAdv, "0x", hex(kind === 1 ? advSidecar.binding : adv), `0x${"00".repeat(32)}`];
      const r = await local.call<Hex>("verifyStep", args);
      expect(r.ok).toBe(false);
      expect(errorOf(r.revert)).not.toMatch(/^Blob|^Da|StepOutOfRange/); // past the binding and the walk
      return { execution: r.gas, transaction: wholeTxGas(r.data, r.gas) };
    };
    const advBlob = await walkAndBind(1);
    const advCalldata = await walkAndBind(0);
    console.log(
      `blob DA, the walk's costliest shape (${adv.length} bytes, ${nAdv} add/removeLiquidity): binding + walk to settlement ${advBlob.execution} execution / ` +
        `${advBlob.transaction} whole transaction (calldata kind: ${advCalldata.execution} / ${advCalldata.transaction}); the step itself adds ≤ ~0.1M`,
    );
    console.log(
      `blob DA, ${da.length} bytes (${txs.length} transfers, one blob): transaction step ${txBlob.execution} execution / ${txBlob.transaction} whole transaction ` +
        `(the same step bound as calldata: ${txCalldata.execution} / ${txCalldata.transaction}); settlement ${settleBlob.execution} / ${settleBlob.transaction}; ` +
        `the blob binding alone (BlobBindingHarness.bind, incl. its keccak of the bytes) ${bind.gas} execution`,
    );
    expect(txBlob.transaction).toBeLessThanOrEqual(5_000_000n);
  }, 300_000);

  it("a claim on a blob batch that drops its settlement loses to settleStepCount (SECURITY.md F1)", async () => {
    // The batch of a dispute-game story posted as one blob: its header's daHash is the blob's and
    // every DA-step binding (and settleStepCount's) is daBytes ‖ commitment ‖ proof.
    const bench = await GameBench.create({ kzg: kzg.wasm });
    const genesis = genesisSlots(8);
    const probe = Engine.create({ genesis, chainId: 1n, verifyingContract: "0x0000000000000000000000000000000000000001", recovery: nodeRecovery });
    const genesisRoot = probe.stateRoot();
    probe.dispose();
    const d = await deployGame(bench, genesisRoot);
    const engine = Engine.create({ genesis, ...domainOf(d), recovery: nodeRecovery });
    try {
      const s = await story(d, engine, makeBatch(domainOf(d), 2, 6));
      const sidecar = await makeBlobSidecar(s.gameBatch.da, { kzg });
      const header = { ...s.gameBatch.header, daKind: 1 as const, daHash: sidecar.daHash };
      await d.batches.send("setHeaderHash", [1n, headerHash(header)]);
      const gameBatch = { ...s.gameBatch, header, da: sidecar.binding };
      const blobClaim = { ...s.claim, headerHash: headerHash(header) };
      // every leaf the claim commits to is a correct step: it merely stops before settlement, at
      // C_E, and posts C_E's parts as its outcome (fees owed, never paid) — a game over its leaves
      // alone can never convict it, only its step count can
      const E = s.claim.stepCount - 1;
      const leaves = s.honest.leaves.slice(0, E + 1);
      const short = { ...claimFor({ ...s, claim: blobClaim }, leaves, openingAt(s, s.batch, E)), stepCount: E };
      await propose(s, short);
      const dispute = { claim: short, batch: gameBatch, parent: s.parent };
      const p = await play(d, new GameProposer(dispute, { leaves, proofs: [] }), new GameChallenger(dispute, s.honest), { challengerAddress: CHALLENGER });
      expect(p.result).toBe(PHASE.ChallengerWon);
      expect(p.reverts).toEqual([]);
      expect(p.moves.at(-1)).toMatchObject({ fn: "settleStepCount", by: "challenger" });
      // the honest claim's step count is the blob batch's: settleStepCount cannot convict it
      await propose(s, blobClaim);
      const g = (await d.game.send("challenge", [hex(encodeClaim(blobClaim))], { from: CHALLENGER, value: BOND })).value as bigint;
      const r = await d.game.send("settleStepCount", [g, hex(encodeClaim(blobClaim)), hex(encodeHeader(header)), hex(sidecar.binding)]);
      expect(r.error?.name).toBe("StepCountMatches");
      // and the bare DA bytes of a blob batch bind nothing
      const bare = await d.game.send("settleStepCount", [g, hex(encodeClaim(blobClaim)), hex(encodeHeader(header)), hex(s.gameBatch.da)]);
      expect(bare.error?.name).toBe("BlobBindingLength");
    } finally {
      engine.dispose();
    }
  }, 120_000);

  it("the costliest blob batch Batches takes (MAX_BLOB_DA_BYTES) settles within 5M gas; 120,000 bytes would not (D50)", async () => {
    // seconds of synchronous work per size: yield between the parts so vitest's worker RPC is not starved
    const breathe = () => new Promise((resolve) => setImmediate(resolve));
    const measure = async (limit: number) => {
      await breathe();
      const b = largestBatch(adversarialTx, 1, limit);
      await breathe();
      const da = encodeV1(b);
      expect(da.length).toBe(limit);
      const sc = await makeBlobSidecar(da, { kzg });
      await breathe();
      const header = {
        index: 1n,
        prevHeaderHash: `0x${"00".repeat(32)}` as Hex,
        daKind: 1,
        daHash: sc.daHash,
        daLength: da.length,
        inboxStart: 0n,
        inboxCount: 0,
        l1Block: 18n,
        l1Timestamp: 1n,
      };
      // binding and walk up to settlement, whose empty proof the verifier refuses right after
      const args = [hex(DS), `0x${"00".repeat(32)}`, header, BigInt(b.txs.length), "0x", hex(sc.binding), `0x${"00".repeat(32)}`];
      const r = await local.call<Hex>("verifyStep", args);
      expect(r.ok).toBe(false);
      expect(errorOf(r.revert)).not.toMatch(/^Blob|^Da|StepOutOfRange/);
      return wholeTxGas(r.data, r.gas);
    };
    const atCap = await measure(MAX_BLOB_DA_BYTES);
    const atMax = await measure(120_000);
    console.log(`blob DA, the walk's costliest shape: binding + walk ${atCap} whole transaction at ${MAX_BLOB_DA_BYTES} bytes, ${atMax} at 120,000`);
    // the verifier's own part of a step is ≤ ~0.1M (D47)
    expect(atCap + 100_000n).toBeLessThanOrEqual(5_000_000n);
    expect(atMax + 100_000n).toBeGreaterThan(5_000_000n);
  }, 180_000);
});
