// Network namespaces standing in for a node's host, so several test servers with agents can
// each run a pod network (bridge k8ts0, nft tables, routes) without sharing the machine's.
// Each is joined to the machine by a veth pair on its own /30 (its default route), so the node
// reaches services of the server process (cluster DNS) on the host side address. All are removed when the
// test process exits; those of test processes that died are removed by the next one.
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { removeStaleTestNamespaces } from '../../src/network/testing/netns-fixture.js';

export interface NodeNetns {
  /** The namespace's name (`k8ts-tn-<pid>-node<n>`), for `--node-netns`. */
  name: string;
  /** The machine's end of the link (where a server's cluster DNS can listen). */
  hostAddress: string;
  /** The namespace's end of the link. */
  nodeAddress: string;
  /** The machine's end of the veth pair. */
  hostLink: string;
}

const created = new Map<string, NodeNetns>();
let count = 0;
let exitHookInstalled = false;

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A /30 in 10.234.0.0/16 no interface of the machine uses yet. */
function freeSubnet(): [string, string] {
  const used = ip(['-4', '-o', 'addr', 'show']);
  for (;;) {
    const n = randomInt(0, 16384) * 4;
    const prefix = `10.234.${n >> 8}.`;
    const [a, b] = [`${prefix}${(n & 255) + 1}`, `${prefix}${(n & 255) + 2}`];
    if (!used.includes(` ${a}/`) && !used.includes(` ${b}/`)) return [a, b];
  }
}

function removeAll(): void {
  for (const ns of created.values()) {
    try {
      ip(['netns', 'del', ns.name]);
    } catch {
      // Already gone.
    }
  }
  created.clear();
}

/**
 * The node namespace for `key` (a data dir): created on first use, the same one again for
 * a server restarted on that data dir (its pods keep their network), removed at exit.
 *
 * @example
 * const ns = await nodeNetnsFor(dataDir);
 * spawn('k8ts', ['agent', '--node-netns', ns.name, …]);
 */
export async function nodeNetnsFor(key: string): Promise<NodeNetns> {
  const existing = created.get(key);
  if (existing) return existing;
  if (created.size === 0) await removeStaleTestNamespaces();
  if (!exitHookInstalled) {
    process.once('exit', removeAll);
    exitHookInstalled = true;
  }
  const n = count++;
  const name = `k8ts-tn-${process.pid}-node${n}`;
  const hostLink = `k8ts${process.pid}h${n}`;
  const [hostAddress, nodeAddress] = freeSubnet();
  ip(['netns', 'add', name]);
  const ns: NodeNetns = { name, hostAddress, nodeAddress, hostLink };
  created.set(key, ns);
  ip(['-n', name, 'link', 'set', 'lo', 'up']);
  ip(['link', 'add', hostLink, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', name]);
  ip(['addr', 'add', `${hostAddress}/30`, 'dev', hostLink]);
  ip(['link', 'set', hostLink, 'up']);
  ip(['-n', name, 'addr', 'add', `${nodeAddress}/30`, 'dev', 'eth0']);
  ip(['-n', name, 'link', 'set', 'eth0', 'up']);
  // Like a real node's default route: traffic to Service IPs without endpoints must reach the
  // forward hook (and its reject) instead of failing the route lookup.
  ip(['-n', name, 'route', 'add', 'default', 'via', hostAddress]);
  return ns;
}
