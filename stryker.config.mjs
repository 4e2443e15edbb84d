// Mutation testing of the dispute path (issue 10, docs/DECISIONS.md D26): `npm run mutate`.
// Mutates the step-proof, bisection and referee modules and runs the tests of vitest.mutate.config.ts
// against each mutant. Reports go to reports/mutation/ (gitignored); bench/mutation.js copies the
// summary into bench/mutation.json, which bench/report.js renders into docs/BENCHMARKS.md.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutate.config.ts", related: false },
  plugins: ["@stryker-mutator/vitest-runner"],
  mutate: ["src/dispute/step-proof.ts", "src/dispute/proof-codec.ts", "src/dispute/commitment.ts", "src/dispute/bisection.ts", "src/dispute/referee.ts"],
  coverageAnalysis: "perTest",
  concurrency: 2,
  // a mutant that loops is cut off at 1.5× its tests' dry-run time plus 5 s (the slowest test,
  // the shortened forgery sweep, takes a few seconds)
  timeoutFactor: 1.5,
  timeoutMS: 5_000,
  reporters: ["clear-text", "progress", "json", "html"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  tempDirName: ".stryker-tmp",
  ignorePatterns: ["dist", "reports", "bench", "docs", ".ci", ".scratch", "test/.tmp"],
  // `npx stryker run --incremental` reuses the results of mutants whose code and tests did not change
  incrementalFile: "reports/stryker-incremental.json",
  cleanTempDir: "always",
};
