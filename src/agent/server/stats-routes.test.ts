import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Summary } from '../stats/summary.js';
import { serveStats } from './stats-routes.js';

const summary: Summary = {
  node: { nodeName: 'n1', startTime: '2026-01-01T00:00:00Z', cpu: { time: '2026-01-01T00:01:00Z', usageCoreNanoSeconds: 5e9, usageNanoCores: 1e8 }, memory: { time: '2026-01-01T00:01:00Z', workingSetBytes: 4096 } },
  pods: [],
};

async function get(path: string): Promise<{ status: number; type: string; body: string }> {
  const server = http.createServer((req, res) => {
    void serveStats(new URL(req.url!, 'http://x').pathname, res, { summary: async () => summary }).then((served) => {
      if (!served) {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
  } finally {
    server.close();
  }
}

describe('stats routes', () => {
  it('serves /stats/summary as JSON and /metrics/resource as Prometheus text', async () => {
    const s = await get('/stats/summary');
    assert.equal(s.status, 200);
    assert.equal(s.type, 'application/json');
    assert.equal(JSON.parse(s.body).node.nodeName, 'n1');
    const m = await get('/metrics/resource');
    assert.match(m.type, /^text\/plain; version=0\.0\.4/);
    assert.match(m.body, /^node_cpu_usage_seconds_total 5 \d+$/m);
    assert.match(m.body, /^node_memory_working_set_bytes 4096 \d+$/m);
    assert.equal((await get('/stats/other')).status, 404);
  });
});
