// What keeping stdin and a terminal costs on a real node (runc, no API server): create +
// start of a container with stdin on /dev/null, with `stdin: true` (a FIFO and its holder)
// and with `stdin: true, tty: true` (plus `script` owning the terminal); and the round trip
// of a keystroke on a tty container (written to its stdin until its terminal echoes it back
// through the live attach tap).
//
// Usage: npm run build && node dist/bench/container-stdio-bench.js [--runs 20] [--keys 50]
import { parseArgs } from 'node:util';
import type { ContainerConfig } from '../src/agent/runtime/container-runtime.js';
import { startTestRuntime, testContainerConfig, testSandboxConfig } from '../src/agent/runtime/runtime-test-fixtures.js';
import { runtimeTestEnv } from '../src/agent/runtime/test-support.js';
import { percentile } from './support/stats.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, keys: { type: 'string', default: '50' } } });
const runs = Number(values.runs);
const keys = Number(values.keys);

const env = runtimeTestEnv();
// A runtime that does not start still leaves the env's dirs and claim to remove.
const rt = await startTestRuntime(env).catch(async (err) => {
  await env.cleanup();
  throw err;
});
const ids: string[] = [];
try {
  const sb = await rt.runSandbox(testSandboxConfig(env, 'bench', ''));
  const config = (name: string, stdio: ContainerConfig['stdio']) => testContainerConfig(env, name, ['sh'], stdio ? { stdio } : {});
  const kinds: [string, ContainerConfig['stdio']][] = [
    ['stdin on /dev/null', undefined],
    ['stdin: true', { stdin: true, stdinOnce: false, tty: false }],
    ['stdin: true, tty: true', { stdin: true, stdinOnce: false, tty: true }],
  ];
  console.log(`| container | create + start p50 ms | p90 ms |\n|---|---:|---:|`);
  for (const [label, stdio] of kinds) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const c = await rt.create(sb.id, config(`c${ids.length}`, stdio));
      await rt.start(c.id);
      times.push(performance.now() - t0);
      ids.push(c.id);
    }
    console.log(`| ${label} | ${percentile(times, 50).toFixed(0)} | ${percentile(times, 90).toFixed(0)} |`);
  }
  const { live } = rt.attachStdio(ids.at(-1)!)!;
  const stdin = live.openStdin()!;
  let seen = '';
  let waiting: { marker: string; from: number; done: () => void } | undefined;
  live.subscribe((_s, chunk) => {
    seen += chunk.toString('utf8');
    if (waiting && seen.slice(waiting.from).includes(waiting.marker)) waiting.done();
  });
  // The shell is up once it answers at all.
  for (let i = 0; !seen.includes('ready'); i++) {
    if (i % 20 === 0) stdin.write('echo ready\r');
    await new Promise((r) => setTimeout(r, 10));
  }
  const trips: number[] = [];
  for (let i = 0; i < keys; i++) {
    const marker = `k${i}z`;
    const from = seen.length;
    const t0 = performance.now();
    const echoed = new Promise<void>((done) => (waiting = { marker, from, done }));
    stdin.write(`: ${marker}\r`);
    await echoed;
    trips.push(performance.now() - t0);
  }
  console.log(`\nkeystroke → echo on a tty container: p50 ${percentile(trips, 50).toFixed(1)} ms, p90 ${percentile(trips, 90).toFixed(1)} ms (${keys} lines)`);
  stdin.end();
} finally {
  for (const id of ids) await rt.stop(id, 0).catch(() => undefined);
  await rt.close();
  await env.cleanup();
}
