// Pod network set-up time: CNI ADD (bridge + host-local, portmap when the pod has hostPorts,
// prevResult chained; loopback first with --loopback-plugin) and DEL per pod, with k8ts's CniPodNetwork, in a private
// "node" network namespace.
//
// Usage (root): npm run build && node dist/bench/cni-bench.js [--pods 30] [--host-port-every 2] [--loopback-plugin]
// (every Nth pod has a hostPort; 0: none. --loopback-plugin also runs CNI loopback per pod)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CniPodNetwork } from '../src/network/cni/cni-pod-network.js';
import { HostCommands } from '../src/network/host/host-commands.js';

const { values } = parseArgs({ options: { pods: { type: 'string', default: '30' }, 'host-port-every': { type: 'string', default: '2' }, 'loopback-plugin': { type: 'boolean', default: false } } });
/** As the agent: its sandboxes bring `lo` up themselves, so no CNI loopback plugin runs (unless asked). */
const loopbackPlugin = values['loopback-plugin']!;
const count = Number(values.pods);
const every = Number(values['host-port-every']);
const hasPort = (i: number) => every > 0 && i % every === every - 1;
const prefix = `k8ts-bench-cni-${process.pid}`;
const root = new HostCommands();

/** CPU ms of this process plus its waited-for children (the CNI plugins): immune to other load. */
function cpuMs(): number {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(f[i]), 0) * 10;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-cni-'));
  const nsNames: string[] = [`${prefix}-node`];
  await root.run('ip', ['netns', 'add', nsNames[0]!]);
  const net = new CniPodNetwork({ podCIDR: '10.42.0.0/24', clusterCIDR: '10.42.0.0/16', stateDir: dir, host: new HostCommands(nsNames[0]), loopback: loopbackPlugin });
  const add: number[] = [];
  const addPort: number[] = [];
  const cpu = { add: 0, addPort: 0, del: 0, delPort: 0 };
  const del: number[] = [];
  const delPort: number[] = [];
  try {
    await net.init();
    for (let i = 0; i < count; i++) {
      const ns = `${prefix}-p${i}`;
      nsNames.push(ns);
      await root.run('ip', ['netns', 'add', ns]);
      // Part of creating the sandbox, before ADD (as the agent's ensureNetns does).
      if (!loopbackPlugin) await root.run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      const req = { podUID: `uid-${i}`, namespace: 'bench', name: `p${i}`, netnsPath: `/var/run/netns/${ns}`, ...(hasPort(i) ? { portMappings: [{ hostPort: 20000 + i, containerPort: 80, protocol: 'tcp' as const }] } : {}) };
      const t0 = performance.now();
      const c0 = cpuMs();
      await net.setUp(req);
      (hasPort(i) ? addPort : add).push(performance.now() - t0);
      cpu[hasPort(i) ? 'addPort' : 'add'] += cpuMs() - c0;
    }
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      const c0 = cpuMs();
      await net.tearDown({ podUID: `uid-${i}`, namespace: 'bench', name: `p${i}`, netnsPath: `/var/run/netns/${prefix}-p${i}` });
      (hasPort(i) ? delPort : del).push(performance.now() - t0);
      cpu[hasPort(i) ? 'delPort' : 'del'] += cpuMs() - c0;
    }
  } finally {
    for (const ns of nsNames.reverse()) await root.run('ip', ['netns', 'del', ns], { allowFailure: true });
    rmSync(dir, { recursive: true, force: true });
  }
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`Load average at the end: ${load}.\n`);
  const row = (label: string, xs: number[], cpuTotal: number) =>
    xs.length ? `| ${label} | ${xs.length} | ${pct(xs, 50).toFixed(0)} ms | ${pct(xs, 90).toFixed(0)} ms | ${pct(xs, 99).toFixed(0)} ms | ${(cpuTotal / xs.length).toFixed(0)} ms |` : undefined;
  const rows = [
    row(`ADD, no hostPort (${loopbackPlugin ? 'loopback, then ' : ''}bridge + host-local)`, add, cpu.add),
    row('ADD with one hostPort (… then portmap)', addPort, cpu.addPort),
    row('DEL, no hostPort', del, cpu.del),
    row('DEL with one hostPort', delPort, cpu.delPort),
  ];
  console.log('| operation | pods | p50 | p90 | p99 | CPU per pod |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) if (r) console.log(r);
}

await main();
