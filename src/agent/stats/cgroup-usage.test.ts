import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlatKeyed, readCgroupUsage, v1Hierarchy } from './cgroup-usage.js';
import type { CgroupLayout } from '../runtime/cgroups.js';

function files(dir: string, entries: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [k, v] of Object.entries(entries)) writeFileSync(join(dir, k), v);
}

describe('readCgroupUsage', () => {
  it('reads cgroup v1: cpuacct.usage, usage minus total_inactive_file, pids.current', () => {
    const root = mkdtempSync(join(tmpdir(), 'k8ts-cg-'));
    try {
      const layout: CgroupLayout = { version: 'v1', hybrid: false, hierarchies: ['cpu', 'cpuacct', 'memory', 'pids'].map((c) => join(root, c)) };
      files(join(root, 'cpuacct', 'pod1'), { 'cpuacct.usage': '1500000000\n' });
      files(join(root, 'memory', 'pod1'), { 'memory.usage_in_bytes': '10485760\n', 'memory.stat': 'cache 1\ntotal_inactive_file 2097152\ntotal_rss 4096\ntotal_pgfault 7\ntotal_pgmajfault 1\n' });
      files(join(root, 'pids', 'pod1'), { 'pids.current': '3\n' });
      assert.deepEqual(readCgroupUsage(layout, '/pod1'), {
        cpuUsageNanos: 1_500_000_000,
        memoryUsageBytes: 10_485_760,
        workingSetBytes: 8_388_608,
        rssBytes: 4096,
        pageFaults: 7,
        majorPageFaults: 1,
        processes: 3,
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('reads cgroup v2: cpu.stat usage_usec, memory.current minus inactive_file', () => {
    const root = mkdtempSync(join(tmpdir(), 'k8ts-cg-'));
    try {
      const layout: CgroupLayout = { version: 'v2', hybrid: false, hierarchies: [root] };
      files(join(root, 'kubepods', 'pod2'), {
        'cpu.stat': 'usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n',
        'memory.current': '8192\n',
        'memory.stat': 'anon 4096\ninactive_file 4096\npgfault 3\npgmajfault 0\n',
        'pids.current': '1\n',
      });
      const u = readCgroupUsage(layout, '/kubepods/pod2');
      assert.equal(u.cpuUsageNanos, 2_500_000);
      assert.equal(u.workingSetBytes, 4096);
      assert.equal(u.rssBytes, 4096);
      assert.equal(u.processes, 1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('leaves fields of a missing cgroup undefined; finds comounted hierarchies', () => {
    const layout: CgroupLayout = { version: 'v1', hybrid: false, hierarchies: ['/nonexistent/cpu,cpuacct', '/nonexistent/memory'] };
    assert.equal(v1Hierarchy(layout, 'cpuacct'), '/nonexistent/cpu,cpuacct');
    assert.deepEqual(readCgroupUsage(layout, '/gone').cpuUsageNanos, undefined);
    assert.deepEqual([...parseFlatKeyed('a 1\nbad\nb x\nc 3').entries()], [['a', 1], ['c', 3]]);
  });
});
