import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CgroupLayout } from './cgroups.js';

/**
 * How often the kernel's OOM killer hit processes of a cgroup: `oom_kill` of
 * `memory.oom_control` (v1) or `memory.events` (v2). 0 when unknown.
 */
export async function oomKills(layout: CgroupLayout, cgroupPath: string): Promise<number> {
  const file =
    layout.version === 'v2'
      ? join(layout.hierarchies[0]!, cgroupPath, 'memory.events')
      : join(layout.hierarchies.find((h) => h.endsWith('/memory')) ?? '/sys/fs/cgroup/memory', cgroupPath, 'memory.oom_control');
  try {
    const m = /^oom_kill (\d+)$/m.exec(await readFile(file, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}
