// Shows that every check in Claims.sol and Bridge.sol is needed: each mutant below removes or
// weakens one check, and test/l1/claims-bridge.test.ts must fail against it. Run from the repo root:
//   node test/l1/claims-bridge-mutants.mjs            (all mutants; ~1 min each on 2 cores)
//   node test/l1/claims-bridge-mutants.mjs Bridge     (only those whose name contains "Bridge")
// Compiles only the mutated file (solc-js; for Claims the legacy pipeline, ~10× faster than the
// build's viaIR, the same semantics) over a copy of the unmutated build into a temporary directory, points the
// test at it with CLAIMS_ARTIFACTS and runs only the describe block of the mutated contract. Each
// line names the tests that failed, so a mutant killed only by a gas bound would show.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import solc from "solc";

const root = new URL("../..", import.meta.url).pathname;
const dir = join(root, "contracts");

/** [name, file, exact text, replacement] */
const MUTANTS = [
  ["Claims.propose length", "Claims.sol", "if (claim.length != CLAIM_BYTES) revert BadClaimLength(claim.length);", ""],
  ["Claims.propose bond", "Claims.sol", "if (msg.value != claimBond) revert WrongBond(msg.value, claimBond);", ""],
  ["Claims.propose frozen", "Claims.sol", "        if (frozen()) revert Frozen();\n        uint64 batchIndex;", "        uint64 batchIndex;"],
  ["Claims.propose face", "Claims.sol", "if (opened != finalCommitment) revert FinalCommitmentMismatch();", ""],
  ["Claims.propose 32-bit index", "Claims.sol", "batchIndex > type(uint32).max ? bytes32(0) : ", ""],
  ["Claims.propose unposted batch", "Claims.sol", "if (expected == bytes32(0) || expected != given)", "if (expected != given)"],
  ["Claims.propose header", "Claims.sol", "if (expected == bytes32(0) || expected != given)", "if (expected == bytes32(0))"],
  ["Claims.propose genesis parent only for batch 1", "Claims.sol", "if (batchIndex != 1) revert BadParent(parent);", ""],
  ["Claims.propose unknown parent", "Claims.sol", "p.status == Status.None || ", ""],
  ["Claims.propose parent's batch", "Claims.sol", " || uint64(p.batchIndex) + 1 != batchIndex", ""],
  [
    "Claims.propose batch confirmed",
    "Claims.sol",
    "        if (confirmedClaim[batchIndex] != bytes32(0)) revert BatchAlreadyConfirmed(batchIndex);\n        Record storage r = records[claimHash];",
    "        Record storage r = records[claimHash];",
  ],
  ["Claims.propose exists", "Claims.sol", "if (r.status != Status.None) revert ClaimExists(claimHash);", ""],
  [
    "Claims.confirm pending",
    "Claims.sol",
    "        if (st != Status.Pending) revert NotPending(claimHash, st);\n        if (frozen()) revert Frozen();",
    "        if (frozen()) revert Frozen();",
  ],
  ["Claims.confirm frozen", "Claims.sol", "        if (frozen()) revert Frozen();\n        if (block.timestamp < end)", "        if (block.timestamp < end)"],
  ["Claims.confirm window", "Claims.sol", "if (block.timestamp < end) revert WindowOpen(claimHash, end);", ""],
  ["Claims.confirm window boundary", "Claims.sol", "if (block.timestamp < end) revert WindowOpen", "if (block.timestamp <= end) revert WindowOpen"],
  [
    "Claims.confirm games",
    "Claims.sol",
    "        if (open != 0) revert GamesOpen(claimHash, open);\n        bytes32 parent = r.parent;\n        // batch 1",
    "        bytes32 parent = r.parent;\n        // batch 1",
  ],
  ["Claims.confirm parent", "Claims.sol", "if (parent != bytes32(0) && confirmedClaim[batchIndex - 1] != parent) revert ParentNotConfirmed(parent);", ""],
  [
    "Claims.confirm batch confirmed",
    "Claims.sol",
    "        if (confirmedClaim[batchIndex] != bytes32(0)) revert BatchAlreadyConfirmed(batchIndex);\n        r.status = Status.Confirmed;",
    "        r.status = Status.Confirmed;",
  ],
  ["Claims.confirm credits the bond", "Claims.sol", "        balanceOf[proposer] += claimBond;\n        emit ClaimConfirmed", "        emit ClaimConfirmed"],
  [
    "Claims.retire pending",
    "Claims.sol",
    "        if (st != Status.Pending) revert NotPending(claimHash, st);\n        if (open != 0) revert GamesOpen(claimHash, open);\n        bytes32 parent = r.parent;\n        bool dead",
    "        if (open != 0) revert GamesOpen(claimHash, open);\n        bytes32 parent = r.parent;\n        bool dead",
  ],
  [
    "Claims.retire games",
    "Claims.sol",
    "        if (open != 0) revert GamesOpen(claimHash, open);\n        bytes32 parent = r.parent;\n        bool dead",
    "        bytes32 parent = r.parent;\n        bool dead",
  ],
  ["Claims.retire live", "Claims.sol", "if (!dead) revert StillLive(claimHash);", ""],
  ["Claims.retire on a confirmed rival", "Claims.sol", "bool dead = confirmedClaim[batchIndex] != bytes32(0) || frozen()", "bool dead = frozen()"],
  [
    "Claims.retire when frozen",
    "Claims.sol",
    "bool dead = confirmedClaim[batchIndex] != bytes32(0) || frozen()",
    "bool dead = confirmedClaim[batchIndex] != bytes32(0)",
  ],
  ["Claims.retire on a rejected parent", "Claims.sol", "records[parent].status == Status.Rejected", "false"],
  ["Claims.bind deployer", "Claims.sol", "if (msg.sender != deployer) revert NotDeployer(msg.sender);", ""],
  ["Claims.bind once", "Claims.sol", "if (game != address(0)) revert AlreadyBound();", ""],
  [
    "Claims.gameOpened caller",
    "Claims.sol",
    "        if (msg.sender != game) revert NotGame(msg.sender);\n        Record storage r = records[claimHash];\n        (,, uint256 end",
    "        Record storage r = records[claimHash];\n        (,, uint256 end",
  ],
  [
    "Claims.gameOpened pending",
    "Claims.sol",
    "        if (st != Status.Pending) revert NotPending(claimHash, st);\n        if (block.timestamp >= end)",
    "        if (block.timestamp >= end)",
  ],
  ["Claims.gameOpened window", "Claims.sol", "if (block.timestamp >= end) revert WindowClosed(claimHash);", ""],
  [
    "Claims.gameResolved caller",
    "Claims.sol",
    "        if (msg.sender != game) revert NotGame(msg.sender);\n        Record storage r = records[claimHash];\n        (, uint64",
    "        Record storage r = records[claimHash];\n        (, uint64",
  ],
  ["Claims.gameResolved open game", "Claims.sol", "if (open == 0) revert NoOpenGame(claimHash);", ""],
  ["Claims.gameResolved closes the game", "Claims.sol", "r.openGames = uint24(open - 1);", ""],
  ["Claims.gameResolved rejects once", "Claims.sol", "if (proposerWon || st != Status.Pending) return;", "if (proposerWon) return;"],
  ["Claims.gameResolved burn", "Claims.sol", "uint256 burn = (claimBond * burnBps) / BPS;", "uint256 burn = 0;"],
  ["Claims.withdrawBalance nothing", "Claims.sol", "if (amount == 0) revert NothingToWithdraw(msg.sender);", ""],
  ["Claims.withdrawBalance zeroes", "Claims.sol", "        balanceOf[msg.sender] = 0;\n", ""],
  ["Claims.withdrawBalance failed send", "Claims.sol", "if (!ok) revert TransferFailed(msg.sender);", ""],
  [
    "Claims.frozen boundary",
    "Claims.sol",
    "block.timestamp > uint256(lastConfirmedAt) + escapeDelay",
    "block.timestamp >= uint256(lastConfirmedAt) + escapeDelay",
  ],
  ["Claims.frozen wrap", "Claims.sol", " || block.timestamp - deployedAt > type(uint32).max", ""],
  ["Claims.constructor burn share", "Claims.sol", "if (burnBps_ > BPS) revert BadBurnShare(burnBps_);", ""],
  ["Bridge.withdraw confirmed", "Bridge.sol", "if (claims.confirmedClaim(batchIndex) != claimHash) revert NotConfirmed(claimHash);", ""],
  ["Bridge.withdraw index", "Bridge.sol", "if (index >= count) revert IndexOutOfRange(index, count);", ""],
  ["Bridge.withdraw paid", "Bridge.sol", "if (word & bit != 0) revert AlreadyPaid(batchIndex, index);", ""],
  ["Bridge.withdraw marks paid", "Bridge.sol", "paid[key] = word | bit;", ""],
  ["Bridge.withdraw proof", "Bridge.sol", "if (_rootOf(proof, index, leaf) != withdrawalsRoot) revert BadProof();", ""],
  ["Bridge.withdraw leaf", "Bridge.sol", "keccak256(abi.encodePacked(owner, token, amount))", "keccak256(abi.encodePacked(owner, token, uint128(0)))"],
  [
    "Bridge._rootOf index",
    "Bridge.sol",
    "if (named != index || v.end != start + proof.length) revert BadProof();",
    "if (v.end != start + proof.length) revert BadProof();",
  ],
  ["Bridge._rootOf length", "Bridge.sol", "if (named != index || v.end != start + proof.length) revert BadProof();", "if (named != index) revert BadProof();"],
  [
    "Bridge.exit frozen",
    "Bridge.sol",
    "        if (!claims.frozen()) revert NotFrozen();\n        (uint64 lastBatch, bytes32 lastClaim,)",
    "        (uint64 lastBatch, bytes32 lastClaim,)",
  ],
  ["Bridge.exit genesis only", "Bridge.sol", "if (lastBatch != 0) revert NotLastConfirmed(bytes32(0));", ""],
  ["Bridge.exit last claim", "Bridge.sol", "if (claimHash != lastClaim) revert NotLastConfirmed(claimHash);", ""],
  ["Bridge.exit opening", "Bridge.sol", "if (keccak256(abi.encodePacked(treeRoot, slotCount)) != stateRoot) revert StateOpeningMismatch();", ""],
  ["Bridge.exit slot index", "Bridge.sol", "if (slotIndex >= slotCount) revert IndexOutOfRange(slotIndex, slotCount);", ""],
  ["Bridge.exit reserved owner", "Bridge.sol", "uint160(owner) >> 32 == 0 || ", ""],
  ["Bridge.exit LP token", "Bridge.sol", " || token >= FIRST_LP_TOKEN", ""],
  ["Bridge.exit once", "Bridge.sol", "if (word & bit != 0) revert AlreadyExited(slotIndex);", ""],
  ["Bridge.exit marks exited", "Bridge.sol", "exited[slotIndex >> 8] = word | bit;", ""],
  ["Bridge.exit proof", "Bridge.sol", "if (_rootOf(proof, slotIndex, keccak256(slot)) != treeRoot) revert BadProof();", ""],
  ["Bridge.refund frozen", "Bridge.sol", "        if (!claims.frozen()) revert NotFrozen();\n        // SPEC §13.1", "        // SPEC §13.1"],
  ["Bridge.refund length", "Bridge.sol", "message.length != DEPOSIT_BYTES || ", ""],
  ["Bridge.refund kind", "Bridge.sol", " || message[0] != 0x00", ""],
  [
    "Bridge.refund record",
    "Bridge.sol",
    "if (keccak256(abi.encodePacked(message, l1Timestamp)) != inbox.record(inboxIndex)) revert RecordMismatch(inboxIndex);",
    "",
  ],
  ["Bridge.refund header", "Bridge.sol", "if (keccak256(lastHeader) != batches.headerHash(lastBatch)) revert BadHeader(lastBatch);", ""],
  ["Bridge.refund consumed", "Bridge.sol", "if (inboxIndex < consumedEnd) revert Consumed(inboxIndex, consumedEnd);", ""],
  ["Bridge.refund once", "Bridge.sol", "if (word & bit != 0) revert AlreadyRefunded(inboxIndex);", ""],
  ["Bridge.refund marks refunded", "Bridge.sol", "refunded[inboxIndex >> 8] = word | bit;", ""],
];

const sources = {};
const walk = (d) => {
  for (const name of readdirSync(d).sort()) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith(".sol")) sources[relative(dir, p)] = { content: readFileSync(p, "utf8") };
  }
};
walk(dir);
const WANTED = ["Claims.sol", "Bridge.sol", "test/ClaimsTestStubs.sol"];

function compile(srcs, out, wanted = WANTED, viaIR = false) {
  const input = {
    language: "Solidity",
    sources: srcs,
    settings: {
      optimizer: { enabled: true, runs: 10_000 },
      viaIR,
      evmVersion: "prague",
      outputSelection: Object.fromEntries(wanted.map((f) => [f, { "*": ["abi", "evm.bytecode.object"] }])),
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  mkdirSync(out, { recursive: true });
  for (const f of wanted) {
    for (const [name, c] of Object.entries(output.contracts[f] ?? {})) {
      writeFileSync(join(out, `${name}.json`), JSON.stringify({ abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` }));
    }
  }
}

const only = process.argv[2];
const work = mkdtempSync(join(tmpdir(), "claims-mutants-"));
// the unmutated contracts once; each mutant recompiles only its own file over a copy
const baseline = join(work, "baseline");
compile(sources, baseline, WANTED, true);
let survived = 0;
for (const [name, file, from, to] of MUTANTS) {
  if (only && !name.includes(only)) continue;
  const text = sources[file].content;
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`${name}: the text is not found exactly once in ${file}`);
  const out = join(work, name.replace(/[^A-Za-z0-9]+/g, "_"));
  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(baseline)) writeFileSync(join(out, f), readFileSync(join(baseline, f)));
  // Bridge's Multiproof assembly is too deep for the legacy pipeline's stack
  compile({ ...sources, [file]: { content: text.replace(from, to) } }, out, [file], file === "Bridge.sol");
  let killed = false;
  let failing = "";
  try {
    const block = file === "Claims.sol" ? "Claims" : "Bridge";
    execFileSync("npx", ["vitest", "run", "test/l1/claims-bridge.test.ts", "--testTimeout=120000", "--reporter=json", "-t", block], {
      cwd: root,
      env: { ...process.env, CLAIMS_ARTIFACTS: out },
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch (e) {
    killed = true;
    try {
      const report = JSON.parse(e.stdout.toString());
      failing = report.testResults.flatMap((f) => f.assertionResults.filter((a) => a.status === "failed").map((a) => a.title)).join("; ");
    } catch {
      failing = "(no report)";
    }
  }
  if (!killed) survived++;
  console.log(`${killed ? "killed  " : "SURVIVED"} ${name}${killed ? ` — by: ${failing}` : ""}`);
}
console.log(survived === 0 ? "every mutant was killed" : `${survived} mutant(s) survived`);
process.exit(survived === 0 ? 0 : 1);
