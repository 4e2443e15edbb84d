// Shared helpers for the benchmark.js suites: run a suite synchronously, collect results, and
// describe the machine. Figures are only compared as ratios measured in the same run.

import Benchmark from "benchmark";
import os from "node:os";

/**
 * Runs the named cases as one benchmark.js suite and returns one result per case.
 * `opsPerCall` converts calls/s into the unit that matters (hashes/s, updates/s).
 */
export function runSuite(title, cases, { quick, log = console.log } = {}) {
  log(`\n## ${title}`);
  const suite = new Benchmark.Suite(title);
  for (const c of cases) {
    suite.add(c.name, c.fn, {
      minSamples: c.minSamples ?? (quick ? 3 : 8),
      maxTime: c.maxTime ?? (quick ? 1 : 4),
      initCount: 1,
      setup: c.setup,
    });
  }
  const results = [];
  suite.on("cycle", (event) => {
    const b = event.target;
    const c = cases.find((x) => x.name === b.name);
    if (b.error) throw b.error;
    const perSecond = b.hz * (c.opsPerCall ?? 1);
    results.push({
      suite: title,
      name: b.name,
      unit: c.unit ?? "ops/s",
      perSecond,
      callsPerSecond: b.hz,
      msPerCall: 1000 / b.hz,
      rmePercent: b.stats.rme,
      samples: b.stats.sample.length,
    });
    log(`  ${b.name.padEnd(48)} ${fmt(perSecond).padStart(12)} ${c.unit ?? "ops/s"}  ±${b.stats.rme.toFixed(1)}% (${b.stats.sample.length} samples)`);
  });
  suite.run({ async: false });
  return results;
}

export function fmt(n) {
  if (n >= 1e6) return (n / 1e6).toFixed(2) + "M";
  if (n >= 1e3) return (n / 1e3).toFixed(1) + "k";
  return n.toFixed(1);
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}

/** Deterministic bytes (xorshift32) so every run hashes and inserts the same data. */
export function pseudoRandomBytes(len, seed) {
  const out = new Uint8Array(len);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < len; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export function pseudoRandomIndices(count, bound, seed) {
  const out = new Uint32Array(count);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x % bound;
  }
  return out;
}
