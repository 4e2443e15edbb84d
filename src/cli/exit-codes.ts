// The one exit-code table of `l2engine`: main.ts maps errors onto it, `l2engine help` prints it
// and test/cli-walkthrough.test.ts checks that the README's table says the same, row by row.

/** Exit codes of every `l2engine` command. */
export const EXIT = {
  OK: 0,
  /** Invalid input: a file's content, or a value naming something the data does not hold. */
  INPUT: 1,
  /** Bad usage: the command line itself is wrong. */
  USAGE: 2,
  /** verify-step convicted the --claimed post-commitment. */
  CONVICTED: 3,
  /** An untyped exception: a bug. */
  INTERNAL: 4,
} as const;

/** What each exit code means, as `l2engine help` and the README print it. */
export const EXIT_CODE_TABLE: readonly (readonly [number, string])[] = [
  [EXIT.OK, "ok"],
  [
    EXIT.INPUT,
    "invalid input: malformed JSON (with the file, line and column), a number JSON would round, a bad field (named by its path, as txs[3].amount), bytes that do not decode, a proof that does not verify, a transaction no key can sign, or a --slot, --batch or --step that the data does not hold; on L1, a node that does not answer, a contract that refuses a call (its error named), a genesis that is not the deployment's or a batch without a confirmed claim; printed as `l2engine: CODE: file: field: reason`",
  ],
  [
    EXIT.USAGE,
    "bad usage: an unknown command or option, a missing or extra argument, an option value of the wrong form or outside its fixed range, a file that cannot be read or written, a data directory without a chain",
  ],
  [EXIT.CONVICTED, "verify-step convicted the --claimed post-commitment"],
  [EXIT.INTERNAL, "internal error: an untyped exception (a bug: please report it with the printed stack)"],
];
