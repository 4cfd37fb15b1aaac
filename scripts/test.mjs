#!/usr/bin/env node
// Builds the project and runs every compiled `*.test.js` with Node's test runner.
// Usage: npm test [-- FILTER...]  (FILTER keeps test files whose path contains it)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });

function walk(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (p.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = [...walk('dist/src'), ...walk('dist/test')]
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const concurrency = process.env.K8TS_TEST_CONCURRENCY ?? '2';
// A test that hangs fails after 5 minutes instead of holding the whole run.
const timeout = process.env.K8TS_TEST_TIMEOUT_MS ?? '300000';
const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, `--test-timeout=${timeout}`, ...files], {
  stdio: 'inherit',
  // And the whole run cannot outlive CI: a file that never exits is ended.
  timeout: Number(process.env.K8TS_TEST_RUN_TIMEOUT_MS ?? 40 * 60 * 1000),
  killSignal: 'SIGKILL',
});
if (r.error) console.error(`test run ended: ${r.error.message}`);
process.exit(r.status ?? 1);
