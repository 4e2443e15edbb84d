// `npm run api:check` / `npm run api:update`: the public surface of every entry point in
// package.json "exports", as API Extractor reports in etc/<entry>.api.md (docs/DECISIONS.md D33).
// Check mode fails when a report differs from the committed one (an export was added, removed or
// changed its type without `npm run api:update`), when an entry has no report yet, or when a
// report's entry is gone. Reads the .d.ts bundles in dist/, so `npm run build` first.

import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Extractor, ExtractorConfig } from "@microsoft/api-extractor";

const root = new URL("..", import.meta.url).pathname;
const update = process.argv.includes("--update");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/** "." -> index, "./node" -> node: every export whose ESM condition has types. */
const entries = Object.entries(pkg.exports)
  .filter(([, target]) => typeof target === "object" && target.import?.types)
  .map(([subpath, target]) => ({ name: subpath === "." ? "index" : subpath.slice(2).replaceAll("/", "-"), dts: join(root, target.import.types) }));

const base = ExtractorConfig.loadFile(join(root, "api-extractor.json"));
let failed = 0;
for (const { name, dts } of entries) {
  if (!existsSync(dts)) {
    console.error(`api: ${name}: ${dts} is missing; run \`npm run build\` first`);
    failed++;
    continue;
  }
  const configObject = { ...base, mainEntryPointFilePath: dts, apiReport: { ...base.apiReport, reportFileName: name } };
  const config = ExtractorConfig.prepare({
    configObject,
    configObjectFullPath: join(root, "api-extractor.json"),
    packageJsonFullPath: join(root, "package.json"),
  });
  const result = Extractor.invoke(config, { localBuild: update, showVerboseMessages: false });
  // not result.succeeded: outside a local build API Extractor counts every warning (TSDoc style
  // included) as a failure, and a missing doc comment is not a change of the public API
  if (result.errorCount > 0) {
    console.error(`api: ${name}: ${result.errorCount} errors`);
    failed++;
  } else if (result.apiReportChanged && !update) {
    console.error(`api: ${name}: the public API differs from etc/${name}.api.md; review the change and run \`npm run api:update\``);
    failed++;
  } else {
    console.log(`api: ${name}: ${result.apiReportChanged ? "report updated" : "unchanged"} (${result.warningCount} warnings)`);
  }
}

// a report whose entry point is gone would otherwise stay committed, describing nothing
const names = new Set(entries.map((e) => `${e.name}.api.md`));
for (const file of readdirSync(join(root, "etc")).filter((f) => f.endsWith(".api.md") && !names.has(f))) {
  if (update) {
    rmSync(join(root, "etc", file));
    console.log(`api: removed etc/${file} (no such entry point)`);
  } else {
    console.error(`api: etc/${file} belongs to no entry point in package.json "exports"; run \`npm run api:update\``);
    failed++;
  }
}
if (failed > 0) process.exitCode = 1;
