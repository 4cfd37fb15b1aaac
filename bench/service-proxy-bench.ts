// Service proxy rule sync on nftables: a full sync of 1,000 and 10,000 Services (3 ready
// endpoints each spread over 10 nodes, every 10th also a NodePort), then single changes at the largest size
// (endpoint change, new Service, deleted Service). Rules go into the kernel of a private
// network namespace, so the machine's own tables are untouched.
//
// Usage (root): npm run build && node dist/bench/service-proxy-bench.js [--sizes 1000,10000] [--changes 20] [--repeats 5]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { HostCommands } from '../src/network/host/host-commands.js';
import { ProxyRuleSyncer } from '../src/network/proxy/rule-syncer.js';
import type { Endpoint, ServicePortModel } from '../src/network/proxy/service-model.js';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1000,10000' }, changes: { type: 'string', default: '20' }, endpoints: { type: 'string', default: '3' }, repeats: { type: 'string', default: '5' } } });
const repeats = Number(values.repeats);
const sizes = values.sizes!.split(',').map(Number);
const changes = Number(values.changes);
const perService = Number(values.endpoints);

const netns = `k8ts-bench-proxy-${process.pid}`;
const root = new HostCommands();

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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  await root.run('ip', ['netns', 'add', netns]);
  const host = new HostCommands(netns);
  const rows: string[] = [];
  try {
    for (const size of sizes) {
      const syncer = new ProxyRuleSyncer(host, { table: 'k8ts-proxy', serviceCIDR: '10.43.0.0/16', clusterCIDR: '10.42.0.0/16', masqueradeBit: 14, localhostNodePorts: true }, { nodeName: 'n1', clusterCIDR: '10.42.0.0/16' });
      for (let i = 0; i < size; i++) syncer.setService(`ns${i % 50}/svc-${i}`, [service(i)]);
      const full = await syncer.sync();
      rows.push(`| ${size.toLocaleString('en')} | first full sync (renders every Service, empty table) | ${full.durationMs.toFixed(0)} ms | ${full.renderMs.toFixed(0)} ms | ${full.lines.toLocaleString('en')} |`);
      // Further full rewrites replace a populated table (what a restart or a failed sync costs).
      const refulls: { durationMs: number; renderMs: number }[] = [];
      let lines = 0;
      for (let r = 0; r < repeats; r++) {
        syncer.invalidate();
        const res = await syncer.sync();
        refulls.push(res);
        lines = res.lines;
      }
      const best = refulls.reduce((a, b) => (b.durationMs < a.durationMs ? b : a));
      rows.push(`| ${size.toLocaleString('en')} | full rewrite, best of ${repeats} (median ${median(refulls.map((x) => x.durationMs)).toFixed(0)} ms) | ${best.durationMs.toFixed(0)} ms | ${best.renderMs.toFixed(0)} ms | ${lines.toLocaleString('en')} |`);
      if (size !== Math.max(...sizes)) {
        await host.run('nft', ['delete', 'table', 'ip', 'k8ts-proxy']);
        continue;
      }
      const kinds: [string, (k: number) => void][] = [
        ['one Service\'s endpoints change', (k) => syncer.setService(`ns${k % 50}/svc-${k}`, [service(k, 7 + k)])],
        ['one Service added', (k) => syncer.setService(`ns-new/svc-${k}`, [{ ...service(size + k), serviceKey: `ns-new/svc-${k}`, key: `ns-new/svc-${k}/tcp/http` }])],
        ['one Service deleted', (k) => syncer.setService(`ns${k % 50}/svc-${k}`, [])],
      ];
      for (const [label, change] of kinds) {
        const times: number[] = [];
        const renders: number[] = [];
        let lines = 0;
        for (let k = 1; k <= changes; k++) {
          change(k * 37);
          const r = await syncer.sync();
          times.push(r.durationMs);
          renders.push(r.renderMs);
          lines = r.lines;
        }
        rows.push(`| ${size.toLocaleString('en')} | ${label} (median of ${changes}) | ${median(times).toFixed(1)} ms | ${median(renders).toFixed(2)} ms | ${lines} |`);
      }
    }
  } finally {
    await root.run('ip', ['netns', 'del', netns], { allowFailure: true });
  }
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`Services with ${perService} endpoints each over 10 nodes (every 10th also a NodePort); totals include running \`nft -f\`. Load average at the end: ${load}.\n`);
  console.log('| Services | sync | total | of which rendering | nft lines |');
  console.log('|---:|---|---:|---:|---:|');
  for (const r of rows) console.log(r);
}

await main();
