// Cluster DNS queries/s: dnsperf against the DNS server inside a real `k8ts server` and, in
// the same run, against Debian's dnsmasq serving the same records from its configuration
// (A for every Service, SRV for its named port, NXDOMAIN for other names in the zone).
//
// Bench-only packages: `apt-get install -y dnsperf dnsmasq-base`.
// Usage: npm run build && node dist/bench/dns-bench.js [--services 200] [--seconds 10] [--clients 8] [--rounds 3]
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startK8ts } from '../test/support/k8ts-server.js';
import { Kubectl } from '../test/support/kubectl.js';

const { values } = parseArgs({
  options: {
    services: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    clients: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
  },
});
const count = Number(values.services);

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

interface PerfFigures {
  qps: number;
  avgMs: number;
  lost: number;
}

function dnsperf(port: number, file: string): Promise<PerfFigures> {
  const args = ['-s', '127.0.0.1', '-p', String(port), '-d', file, '-l', values.seconds!, '-c', values.clients!, '-T', '2', '-q', '200'];
  return new Promise((resolve, reject) =>
    execFile('dnsperf', args, { encoding: 'utf8' }, (err, out) => {
      if (err) return reject(new Error(`${err.message}\n${out}`));
      resolve({
        qps: Number(/Queries per second:\s+([\d.]+)/.exec(out)![1]),
        avgMs: Number(/Average Latency \(s\):\s+([\d.]+)/.exec(out)![1]) * 1000,
        lost: Number(/Queries lost:\s+(\d+)/.exec(out)![1]),
      });
    }),
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-dns-bench-'));
  const k8tsPort = await freeUdpPort();
  const dnsmasqPort = await freeUdpPort();
  const server = await startK8ts({ extraArgs: ['--cluster-dns-listen', `127.0.0.1:${k8tsPort}`, '--disable', 'ingress'] });
  let dnsmasq: ChildProcess | undefined;
  try {
    const kubectl = new Kubectl('1.33', server.kubeconfig);
    const docs = ['apiVersion: v1\nkind: Namespace\nmetadata: {name: bench}\n'];
    for (let i = 0; i < count; i++) docs.push(`apiVersion: v1\nkind: Service\nmetadata: {name: svc-${i}, namespace: bench}\nspec: {ports: [{name: http, port: 80}]}\n`);
    await kubectl.ok(['apply', '-f', '-'], { input: docs.join('---\n') });
    const ips = (await kubectl.ok(['get', 'svc', '-n', 'bench', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.clusterIP}{"\\n"}{end}'])).trim().split('\n');
    const conf = ['no-resolv', 'no-hosts', 'local=/cluster.local/', 'cache-size=10000', 'local-ttl=5'];
    const queries: string[] = [];
    for (const line of ips) {
      const [name, ip] = line.split('=');
      const fqdn = `${name}.bench.svc.cluster.local`;
      conf.push(`host-record=${fqdn},${ip}`, `srv-host=_http._tcp.${fqdn},${fqdn},80,0,100`);
      // 8 A : 1 SRV : 1 NXDOMAIN, like a pod's lookups (search-path misses answer NXDOMAIN).
      for (let k = 0; k < 8; k++) queries.push(`${fqdn} A`);
      queries.push(`_http._tcp.${fqdn} SRV`, `${name}.example.com.bench.svc.cluster.local A`);
    }
    writeFileSync(join(dir, 'dnsmasq.conf'), `${conf.join('\n')}\n`);
    writeFileSync(join(dir, 'queries.txt'), `${queries.join('\n')}\n`);
    dnsmasq = spawn('dnsmasq', ['--keep-in-foreground', `--conf-file=${join(dir, 'dnsmasq.conf')}`, `--port=${dnsmasqPort}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--user=root', `--pid-file=${join(dir, 'dnsmasq.pid')}`], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 300));
    const file = join(dir, 'queries.txt');
    await dnsperf(k8tsPort, file);
    await dnsperf(dnsmasqPort, file);
    const k: PerfFigures[] = [];
    const d: PerfFigures[] = [];
    for (let r = 0; r < Number(values.rounds); r++) {
      k.push(await dnsperf(k8tsPort, file));
      d.push(await dnsperf(dnsmasqPort, file));
    }
    const row = (name: string, xs: PerfFigures[]) =>
      `| ${name} | ${Math.round(median(xs.map((x) => x.qps))).toLocaleString('en-US')} | ${median(xs.map((x) => x.avgMs)).toFixed(2)} | ${xs.reduce((a, x) => a + x.lost, 0)} |`;
    console.log(`dnsperf -c ${values.clients} -T 2 -q 200 -l ${values.seconds}, ${values.rounds} rounds each (medians); ${count} Services, queries 80% A, 10% SRV, 10% NXDOMAIN\n`);
    console.log('| server | queries/s | avg latency ms | lost |\n|---|---:|---:|---:|');
    console.log(row('k8ts cluster DNS', k));
    console.log(row('dnsmasq 2.90', d));
    console.log(`\nk8ts / dnsmasq queries/s: ${(median(k.map((x) => x.qps)) / median(d.map((x) => x.qps))).toFixed(2)}`);
  } finally {
    dnsmasq?.kill('SIGTERM');
    await server.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
