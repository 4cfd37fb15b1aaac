import { isIPv4 } from 'node:net';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** One address host-local has handed out. */
export interface Allocation {
  ip: string;
  containerId: string;
  ifName: string;
}

/**
 * Reads host-local's on-disk allocations: `<dataDir>/<network>/<ip>` holds
 * `<containerID>\r\n<ifname>` (older plugins wrote the ID alone).
 */
export function readAllocations(dataDir: string, network: string): Allocation[] {
  const dir = join(dataDir, network);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: Allocation[] = [];
  for (const name of names) {
    if (!isIPv4(name)) continue;
    try {
      const [containerId = '', ifName = 'eth0'] = readFileSync(join(dir, name), 'utf8').split(/\r?\n/);
      out.push({ ip: name, containerId: containerId.trim(), ifName: ifName.trim() || 'eth0' });
    } catch {
      // Released while we read: nothing to collect.
    }
  }
  return out;
}
