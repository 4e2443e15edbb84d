// `l2engine sign`: turns a batch written by hand into a signed one. Each transaction is signed by
// the key owning its authorizing slot, with its nonce filled in when omitted. Both are read from
// the state as it will be when the transaction runs: the batch's entries are replayed one by one
// on a throw-away copy, so a slot created earlier in the batch (a new LP position, a transfer to a
// new owner) can sign, and a nonce counts only the earlier transactions that consume one (SPEC §6).

import { InvalidArgumentError } from "../protocol/errors.js";
import { recoverTransactionSigner, signTransaction } from "../protocol/signatures.js";
import { authorizingSlot, type Hex, type SignedTx, type Tx } from "../protocol/types.js";
import { parseArgs, required } from "./args.js";
import { openPreState } from "./chain-commands.js";
import { batchFromJson, FileInputError, readJson, toJson, writeFile } from "./files.js";
import { readKeys } from "./keys.js";

const TX_TYPES = new Set(["transfer", "transferToNew", "withdraw", "createPool", "addLiquidity", "removeLiquidity", "swap"]);

/**
 * `l2engine sign <unsigned-batch.json> --keys keys.json --genesis genesis.json|--data-dir DIR --out batch.json`.
 * @throws UsageError for a bad command line; FileInputError naming `txs[i]` when a transaction
 * cannot be signed (no key for its slot's owner, a slot that does not exist, a malformed field).
 */
export function signCommand(args: string[]): number {
  const p = parseArgs("sign", args, { strings: { keys: undefined, genesis: undefined, "data-dir": undefined, out: undefined }, positionals: [1, 1] });
  const file = p.positionals[0]!;
  const keysFile = required(p, "sign", "keys");
  const out = required(p, "sign", "out");
  const raw = readJson<Record<string, unknown>>(file, "a JSON batch ({ feePairs, inbox, l1Messages, txs }) whose transactions may lack signature and nonce");
  const batch = batchFromJson(raw, file);
  const keys = readKeys(keysFile);
  const pre = openPreState(p, "sign");
  const signed: SignedTx[] = [];
  let filled = 0;
  let kept = 0;
  try {
    const sim = pre.state;
    // the L1 messages run first (SPEC §5); a deposit may create a slot a transaction then uses
    if (batch.l1Messages.length > 0) sim.applyBatch({ ...batch, txs: [] });
    (batch.txs as unknown[]).forEach((value, i) => {
      const at = `txs[${i}]`;
      if (value === null || typeof value !== "object" || Array.isArray(value)) throw new FileInputError(file, at, "must be a transaction object");
      const tx = value as Record<string, unknown>;
      if (typeof tx.type !== "string" || !TX_TYPES.has(tx.type)) throw new FileInputError(file, `${at}.type`, `must be one of ${[...TX_TYPES].join(", ")}`);
      const slot = authorizingSlot(tx as unknown as Tx);
      const field = {
        transfer: "from",
        transferToNew: "from",
        withdraw: "from",
        swap: "from",
        createPool: "fromA",
        addLiquidity: "fromA",
        removeLiquidity: "lpSlot",
      }[tx.type as Tx["type"]];
      if (!Number.isInteger(slot) || slot < 0) throw new FileInputError(file, `${at}.${field}`, "must be a slot number");
      const count = sim.slotCount();
      if (slot >= count)
        throw new FileInputError(
          file,
          `${at}.${field}`,
          `slot ${slot} does not exist when this transaction runs (the state has ${count} slots then), so no key can sign it`,
        );
      const owner = sim.getSlot(slot).owner.toLowerCase() as Hex;
      let done: SignedTx;
      let signer: Hex | null = owner;
      if (tx.signature !== undefined) {
        if (tx.nonce === undefined)
          throw new FileInputError(
            file,
            `${at}.nonce`,
            "is missing but the transaction is signed: a signature covers the nonce (delete the signature to sign it again)",
          );
        done = tx as unknown as SignedTx;
        kept++;
        signer = withPath(file, at, tx.type as string, () => recoverTransactionSigner(done, pre.domain));
        if (signer !== owner) {
          process.stderr.write(
            `warning: ${file}: ${at}: its signature is not by ${owner}, the owner of slot ${slot}; kept as it is (it will fail with BAD_SIGNATURE): delete it to sign again\n`,
          );
        }
      } else {
        const key = keys.get(owner);
        if (key === undefined) throw new FileInputError(file, at, `no key in ${keysFile} for ${owner}, the owner of its authorizing slot ${slot} (${field})`);
        if (tx.nonce === undefined) filled++;
        const unsigned = { ...tx, nonce: tx.nonce ?? sim.getSlot(slot).nonce } as unknown as Tx;
        done = withPath(file, at, tx.type as string, () => signTransaction(unsigned, key, pre.domain));
      }
      signed.push(done);
      // run it, so the next transaction sees its nonce and any slot it creates
      sim.applyBatch({ ...batch, l1Messages: [], txs: [done] }, { signers: [signer] });
    });
  } finally {
    pre.close();
  }
  writeFile(out, `${toJson({ ...raw, txs: signed })}\n`);
  process.stdout.write(
    `${out}: ${signed.length - kept} of ${signed.length} transactions signed with the keys of ${keysFile}` +
      `${filled > 0 ? `, ${filled} nonces filled in` : ""}${kept > 0 ? `, ${kept} signatures kept` : ""} (batch ${pre.batchNumber}, chain id ${pre.domain.chainId})\n`,
  );
  return 0;
}

/**
 * Runs `f`, turning the API's "transfer.amount must be …" into "file: txs[3].amount: must be …":
 * the path the user finds in the file.
 */
function withPath<T>(file: string, at: string, type: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof InvalidArgumentError)) throw e;
    const m = new RegExp(`^${type}\\.(\\w+) (.*)$`, "s").exec(e.message);
    throw m ? new FileInputError(file, `${at}.${m[1]}`, m[2]!) : new FileInputError(file, at, e.message);
  }
}
