// Ingress throughput and p99 latency: wrk against the built-in Ingress controller of a real
// `k8ts server` and, in the same run, against Debian's nginx configured as the same reverse
// proxy (keep-alive upstream, the forwarded headers ingress-nginx sets) to the same backend.
// The backend is a small nginx answering a fixed body, so it costs both proxies the same.
//
// Bench-only packages: `apt-get install -y wrk nginx-light`.
// Usage: npm run build && node dist/bench/ingress-bench.js [--duration 10] [--connections 64] [--threads 2] [--rounds 3] [--workers auto|N]
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nodeAddresses } from '../src/network/node-address.js';
import { startK8ts } from '../test/support/k8ts-server.js';
import { Kubectl } from '../test/support/kubectl.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    workers: { type: 'string', default: 'auto' },
  },
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function waitPort(port: number, host = '127.0.0.1'): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((r) => net.connect(port, host).once('connect', function (this: net.Socket) { this.destroy(); r(true); }).once('error', () => r(false)));
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`port ${host}:${port} never opened`);
}

function startNginx(dir: string, name: string, body: string): ChildProcess {
  const prefix = join(dir, name);
  rmSync(prefix, { recursive: true, force: true });
  const conf = `worker_processes ${name === 'backend' ? 1 : 'auto'};
pid ${prefix}.pid;
error_log ${prefix}-error.log warn;
daemon off;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${dir}/${name}-body;
  proxy_temp_path ${dir}/${name}-proxy;
  fastcgi_temp_path ${dir}/${name}-fcgi;
  uwsgi_temp_path ${dir}/${name}-uwsgi;
  scgi_temp_path ${dir}/${name}-scgi;
  keepalive_requests 100000;
${body}
}
`;
  writeFileSync(`${prefix}.conf`, conf);
  return spawn('nginx', ['-c', `${prefix}.conf`], { stdio: 'ignore' });
}

interface WrkFigures {
  rps: number;
  p50ms: number;
  p99ms: number;
}

function toMs(v: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(v)!;
  return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
}

function wrk(url: string, host: string): Promise<WrkFigures> {
  const args = ['-t', values.threads!, '-c', values.connections!, '-d', `${values.duration}s`, '--latency', '-H', `Host: ${host}`, url];
  return new Promise((resolve, reject) =>
    execFile('wrk', args, { encoding: 'utf8' }, (err, out) => {
      if (err) return reject(err);
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]);
      const p50 = /\s50%\s+([\d.]+\w+)/.exec(out)![1]!;
      const p99 = /\s99%\s+([\d.]+\w+)/.exec(out)![1]!;
      if (/Non-2xx/.test(out)) return reject(new Error(`wrk saw errors:\n${out}`));
      resolve({ rps, p50ms: toMs(p50), p99ms: toMs(p99) });
    }),
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-ingress-bench-'));
  const nodeIP = nodeAddresses()[0]!;
  const [backendPort, nginxPort, ingressPort] = [await freePort(), await freePort(), await freePort()];
  const procs: ChildProcess[] = [];
  const server = await startK8ts({ extraArgs: ['--ingress-http-port', String(ingressPort), '--ingress-https-port', '0', '--ingress-workers', values.workers!, '--disable', 'coredns'] });
  try {
    procs.push(startNginx(dir, 'backend', `  server { listen ${nodeIP}:${backendPort} reuseport; location / { return 200 "hello from the backend\\n"; } }`));
    procs.push(
      startNginx(
        dir,
        'proxy',
        `  upstream backend { server ${nodeIP}:${backendPort}; keepalive 320; }
  server {
    listen 127.0.0.1:${nginxPort};
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Request-ID $request_id;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Forwarded-Port $server_port;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Scheme $scheme;
      proxy_set_header X-Scheme $scheme;
      proxy_connect_timeout 5s;
      proxy_read_timeout 60s;
    }
  }`,
      ),
    );
    await waitPort(backendPort, nodeIP);
    await waitPort(nginxPort);
    const kubectl = new Kubectl('1.33', server.kubeconfig);
    await kubectl.ok(['apply', '-f', '-'], {
      input: `apiVersion: v1
kind: Service
metadata: {name: bench}
spec: {ports: [{name: http, port: 80}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: bench-1, labels: {kubernetes.io/service-name: bench}}
addressType: IPv4
ports: [{name: http, port: ${backendPort}, protocol: TCP}]
endpoints: [{addresses: [${nodeIP}]}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: bench}
spec:
  rules:
  - host: bench.local
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: bench, port: {number: 80}}}}]
`,
    });
    const ingressUrl = `http://127.0.0.1:${ingressPort}/`;
    for (let i = 0; i < 200; i++) {
      const ok = await fetch(ingressUrl, { headers: { Host: 'bench.local' } }).then((r) => r.status === 200, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    // Warm both (JIT, keep-alive pools), then alternate rounds so drift hits both alike.
    await wrk(ingressUrl, 'bench.local');
    await wrk(`http://127.0.0.1:${nginxPort}/`, 'bench.local');
    const k: WrkFigures[] = [];
    const n: WrkFigures[] = [];
    for (let r = 0; r < Number(values.rounds); r++) {
      k.push(await wrk(ingressUrl, 'bench.local'));
      n.push(await wrk(`http://127.0.0.1:${nginxPort}/`, 'bench.local'));
    }
    const row = (name: string, xs: WrkFigures[]) =>
      `| ${name} | ${Math.round(median(xs.map((x) => x.rps))).toLocaleString('en-US')} | ${median(xs.map((x) => x.p50ms)).toFixed(2)} | ${median(xs.map((x) => x.p99ms)).toFixed(2)} |`;
    const ratio = median(k.map((x) => x.rps)) / median(n.map((x) => x.rps));
    console.log(`wrk -t${values.threads} -c${values.connections} -d${values.duration}s, ${values.rounds} rounds each (medians), backend: nginx return 200, --ingress-workers ${values.workers}\n`);
    console.log('| proxy | requests/s | p50 ms | p99 ms |\n|---|---:|---:|---:|');
    console.log(row(`k8ts ingress (--ingress-workers ${values.workers})`, k));
    console.log(row('nginx 1.22 reverse proxy (worker_processes auto)', n));
    console.log(`\nk8ts / nginx requests/s: ${ratio.toFixed(2)}`);
  } finally {
    for (const p of procs) p.kill('SIGQUIT');
    await server.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
