import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CommandError, directHost, type Host } from './command.js';
import { shellQuote } from './host-exec.js';

/** Where `ip netns` keeps named network namespaces (bind mounts of /proc/PID/ns/net). */
export const netnsDir = '/var/run/netns';

/**
 * The k8ts-owned name of a pod's network namespace: `k8ts-` plus the first 12 hex digits of
 * its UID (k8ts never touches a namespace without the prefix).
 *
 * @example
 * podNetnsName('6f0d2c4e-1a2b-4c3d-9e8f-001122334455'); // 'k8ts-6f0d2c4e1a2b'
 */
export function podNetnsName(podUid: string): string {
  return `k8ts-${podUid.replace(/-/g, '').slice(0, 12)}`;
}

export function netnsPath(name: string): string {
  return join(netnsDir, name);
}

/**
 * Creates a named network namespace with its loopback up (idempotent), the sandbox every
 * container of a pod joins. Returns its path.
 *
 * @example
 * const path = await ensureNetns('k8ts-6f0d2c4e1a2b'); // '/var/run/netns/k8ts-6f0d2c4e1a2b'
 */
export async function ensureNetns(name: string, host: Host = directHost): Promise<string> {
  const path = netnsPath(name);
  const q = shellQuote(name);
  // One command: another caller may have created it meanwhile, which is what we want.
  await host.shell(`{ [ -e ${shellQuote(path)} ] || ip netns add ${q} || [ -e ${shellQuote(path)} ]; } && ip -n ${q} link set lo up`, { output: false });
  return path;
}

/** Deletes a named network namespace; a missing one is fine. */
export async function deleteNetns(name: string, host: Host = directHost): Promise<void> {
  if (!existsSync(netnsPath(name))) return;
  try {
    await host.run(['ip', 'netns', 'delete', name]);
  } catch (err) {
    if (!(err instanceof CommandError && /No such file/.test(err.stderr))) throw err;
  }
}

/** Names of existing namespaces that start with `prefix` (for cleanup of k8ts-owned ones). */
export function listNetns(prefix: string): string[] {
  try {
    return readdirSync(netnsDir).filter((n) => n.startsWith(prefix));
  } catch {
    return [];
  }
}
