// Service proxy rule sync on nftables: a full sync of 1,000 and 10,000 Services (3 ready
// endpoints each spread over 10 nodes, every 10th also a NodePort), then single changes at the largest size
// (endpoint change, new Service, deleted Service). Rules go into the kernel of a private
// network namespace, so the machine's own tables are untouched.
//
// Usage (root): npm run build && node dist/bench/service-proxy-bench.js [--sizes 1000,10000] [--changes 20] [--repeats 5]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type CommandResult, HostCommands, type RunOptions } from '../src/network/host/host-commands.js';
import { ProxyRuleSyncer } from '../src/network/proxy/rule-syncer.js';
import type { KubeObject } from '../src/api/types.js';
import { type Endpoint, type ServicePortModel, servicePorts } from '../src/network/proxy/service-model.js';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1000,10000' }, changes: { type: 'string', default: '20' }, endpoints: { type: 'string', default: '3' }, repeats: { type: 'string', default: '5' } } });
const repeats = Number(values.repeats);
const sizes = values.sizes!.split(',').map(Number);
const changes = Number(values.changes);
const perService = Number(values.endpoints);

const netns = `k8ts-bench-proxy-${process.pid}`;
const root = new HostCommands();

/** Keeps the last script given to `nft -f -`, to time `nft` alone on it (the floor of a sync). */
class RecordingHost extends HostCommands {
  lastScript = '';
  override run(cmd: string, args: string[], opts: RunOptions = {}): Promise<CommandResult> {
    if (cmd === 'nft' && opts.input) this.lastScript = opts.input;
    return super.run(cmd, args, opts);
  }
}

function ip(base: number, i: number): string {
  return `10.${base}.${(i >> 8) & 255}.${i & 255}`;
}

/** Endpoints spread over a 10-node cluster; the proxy runs on n1. */
function endpoints(i: number, salt = 0): Endpoint[] {
  return Array.from({ length: perService }, (_, e) => {
    const n = (i * perService + e + salt) % 65000;
    return { ip: ip(42, n), port: 8080, nodeName: `n${(n % 10) + 1}`, ready: true, serving: true, terminating: false };
  });
}

function service(i: number, salt = 0): ServicePortModel {
  const key = `ns${i % 50}/svc-${i}`;
  return {
    key: `${key}/tcp/http`,
    serviceKey: key,
    protocol: 'tcp',
    port: 80,
    clusterIPs: [ip(43, i)],
    ...(i % 10 === 0 ? { nodePort: 30000 + (i % 2767) } : {}),
    externalIPs: [],
    loadBalancerIPs: [],
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    endpoints: endpoints(i, salt),
  };
}

/** The same Service as the API has it, with its EndpointSlice (what ServiceProxy's informers hold). */
function serviceObjects(i: number): { svc: KubeObject; slice: KubeObject } {
  const m = service(i);
  const meta = { name: `svc-${i}`, namespace: `ns${i % 50}` };
  const svc: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta,
    spec: { type: m.nodePort ? 'NodePort' : 'ClusterIP', clusterIP: m.clusterIPs[0], clusterIPs: m.clusterIPs, ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, ...(m.nodePort ? { nodePort: m.nodePort } : {}) }] },
  };
  const slice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `svc-${i}-abcde`, namespace: meta.namespace, labels: { 'kubernetes.io/service-name': meta.name } },
    addressType: 'IPv4',
    endpoints: m.endpoints.map((e) => ({ addresses: [e.ip], conditions: { ready: true, serving: true, terminating: false }, nodeName: e.nodeName })),
    ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
  } as KubeObject;
  return { svc, slice };
}

/** CPU ms of this thread's process (no children) for `fn`. */
function selfCpuMs(fn: () => void): number {
  const c = process.cpuUsage();
  fn();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** CPU seconds of this process plus its waited-for children (`nft` runs as one): immune to other load. */
function cpuMs(): number {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // Fields 14–17 of stat (utime, stime, cutime, cstime), in clock ticks of 10 ms.
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(f[i]), 0) * 10;
}

interface Measured {
  wallMs: number;
  cpuMs: number;
  renderMs: number;
  lines: number;
  bytes: number;
}

async function measure(syncer: ProxyRuleSyncer): Promise<Measured> {
  const c0 = cpuMs();
  const r = await syncer.sync();
  return { wallMs: r.durationMs, cpuMs: cpuMs() - c0, renderMs: r.renderMs, lines: r.lines, bytes: r.bytes };
}

function kb(bytes: number): string {
  return bytes < 10_000 ? `${bytes} B` : `${Math.round(bytes / 1024).toLocaleString('en')} KiB`;
}

function row(size: number, label: string, ms: Measured[]): string {
  const pick = (f: (m: Measured) => number) => median(ms.map(f));
  const digits = pick((m) => m.wallMs) < 10 ? 1 : 0;
  return `| ${size.toLocaleString('en')} | ${label} | ${pick((m) => m.wallMs).toFixed(digits)} ms | ${pick((m) => m.cpuMs).toFixed(0)} ms | ${pick((m) => m.renderMs).toFixed(digits + 1)} ms | ${ms[0]!.lines.toLocaleString('en')} | ${kb(ms[0]!.bytes)} |`;
}

async function main(): Promise<void> {
  await root.run('ip', ['netns', 'add', netns]);
  const host = new RecordingHost(netns);
  const rows: string[] = [];
  try {
    for (const size of sizes) {
      const syncer = new ProxyRuleSyncer(host, { table: 'k8ts-proxy', serviceCIDR: '10.43.0.0/16', clusterCIDR: '10.42.0.0/16', masqueradeBit: 14, localhostNodePorts: true }, { nodeName: 'n1', clusterCIDR: '10.42.0.0/16' });
      for (let i = 0; i < size; i++) syncer.setService(`ns${i % 50}/svc-${i}`, [service(i)]);
      rows.push(row(size, 'first full sync (renders every Service into an empty table)', [await measure(syncer)]));
      // Further full rewrites replace a populated table (what a restart or a failed sync costs).
      const refulls: Measured[] = [];
      for (let r = 0; r < repeats; r++) {
        syncer.invalidate();
        refulls.push(await measure(syncer));
      }
      rows.push(row(size, `full rewrite of the populated table (median of ${repeats})`, refulls));
      // The same full script through `nft -f` alone: what the kernel and nft cost without k8ts.
      const floor: Measured[] = [];
      for (let r = 0; r < repeats; r++) {
        const [c0, t0] = [cpuMs(), performance.now()];
        await host.run('nft', ['-f', '-'], { input: host.lastScript });
        floor.push({ wallMs: performance.now() - t0, cpuMs: cpuMs() - c0, renderMs: 0, lines: host.lastScript.split('\n').length - 1, bytes: host.lastScript.length });
      }
      rows.push(row(size, `\`nft -f\` alone on the full script, populated table (median of ${repeats})`, floor));
      if (size !== Math.max(...sizes)) {
        await host.run('nft', ['delete', 'table', 'ip', 'k8ts-proxy']);
        continue;
      }
      const kinds: [string, (k: number) => void][] = [
        ["one Service's endpoints change", (k) => syncer.setService(`ns${k % 50}/svc-${k}`, [service(k, 7 + k)])],
        ['one Service added', (k) => syncer.setService(`ns-new/svc-${k}`, [{ ...service(size + k), serviceKey: `ns-new/svc-${k}`, key: `ns-new/svc-${k}/tcp/http` }])],
        ['one Service deleted', (k) => syncer.setService(`ns${k % 50}/svc-${k}`, [])],
      ];
      for (const [label, change] of kinds) {
        const ms: Measured[] = [];
        for (let k = 1; k <= changes; k++) {
          change(k * 37);
          ms.push(await measure(syncer));
        }
        rows.push(row(size, `${label} (median of ${changes})`, ms));
      }
    }
  } finally {
    await root.run('ip', ['netns', 'del', netns], { allowFailure: true });
  }
  // What ServiceProxy does before the syncer: Services and their EndpointSlices → port models.
  const size = Math.max(...sizes);
  const objects = Array.from({ length: size }, (_, i) => serviceObjects(i));
  const modelMs: number[] = [];
  for (let r = 0; r < repeats; r++) modelMs.push(selfCpuMs(() => objects.forEach(({ svc, slice }) => servicePorts(svc, [slice]))));
  rows.push(`| ${size.toLocaleString('en')} | Services + EndpointSlices → port models (ServiceProxy's bookkeeping before a full sync, median of ${repeats}) | | ${median(modelMs).toFixed(0)} ms | | | |`);
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`Services with ${perService} endpoints each over 10 nodes (every 10th also a NodePort). Wall time includes running \`nft -f\`; CPU is k8ts plus nft (user + system). Load average at the end: ${load}.\n`);
  console.log('| Services | sync | wall | CPU | rendering (wall) | nft lines | nft script |');
  console.log('|---:|---|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
}

await main();
