// Import direction of src/ (docs/DECISIONS.md D29), for dependency-cruiser
// (`npx depcruise src --config .dependency-cruiser.cjs`). dependency-cruiser is not a dependency:
// `npm run check:imports` runs scripts/check-imports.mjs, which enforces these same rules.
// Stages, earliest first: protocol < core < engine < da < dispute < store < node < cli. A module
// may import its own stage or an earlier one; src/reference/ (the test oracle) only protocol and
// core; the entries src/index.ts, node.ts and reference.ts anything; nothing imports an entry.
const STAGES = ["protocol", "core", "engine", "da", "dispute", "store", "node", "cli"];

const laterThan = (i) => `^src/(${STAGES.slice(i + 1).join("|")})/`;

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    ...STAGES.slice(0, -1).map((stage, i) => ({
      name: `${stage}-imports-later-stage`,
      comment: `src/${stage}/ may import only ${STAGES.slice(0, i + 1).join(", ")} (stage order, D29)`,
      severity: "error",
      from: { path: `^src/${stage}/` },
      to: { path: laterThan(i) },
    })),
    {
      name: "reference-imports-pipeline",
      comment: "src/reference/ may import only protocol and core",
      severity: "error",
      from: { path: "^src/reference/" },
      to: { path: `^src/(${STAGES.filter((s) => s !== "protocol" && s !== "core").join("|")})/` },
    },
    {
      name: "pipeline-imports-reference",
      comment: "only the package entries may import src/reference/",
      severity: "error",
      from: { path: "^src/[^/]+/", pathNot: "^src/reference/" },
      to: { path: "^src/reference/" },
    },
    {
      name: "module-imports-entry",
      comment: "only an entry may import an entry (src/index.ts, node.ts, reference.ts)",
      severity: "error",
      from: { path: "^src/[^/]+/" },
      to: { path: "^src/(index|node|reference)\\.ts$" },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "wasm-binary\\.generated\\.ts$" },
  },
};
