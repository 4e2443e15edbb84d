// The anvil harness lives in src/l1/anvil.ts (the L1 stage spawns it too); the tests keep importing it from here.
export * from "../../src/l1/anvil.js";
