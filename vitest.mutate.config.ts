// The vitest configuration `npm run mutate` (stryker.config.mjs) runs: only the tests of the
// dispute path, fastest files first. Stryker runs each mutant against the tests that cover it and
// stops at the first failure, so a killed mutant costs the first failing test and a surviving one
// every covering test — hence the cheap targeted tests go first and the random sweeps last
// (shortened by L2ENGINE_MUTATE, see test/step-proof.test.ts).
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

const ORDER = [
  "test/dispute-load.test.ts",
  "test/dispute-mutants.test.ts",
  "test/bisection.test.ts",
  "test/steps.test.ts",
  "test/dispute-adversarial.test.ts",
  "test/step-proof.test.ts",
];

class DisputeFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => ORDER.findIndex((name) => f.moduleId.replaceAll("\\", "/").endsWith(name));
    return [...files].sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ORDER,
    testTimeout: 120_000,
    env: { L2ENGINE_MUTATE: "1" },
    sequence: { sequencer: DisputeFirst },
  },
});
