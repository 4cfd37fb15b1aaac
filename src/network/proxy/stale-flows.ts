import type { HostCommands } from '../host/host-commands.js';
import type { Endpoint, ServicePortModel } from './service-model.js';

/**
 * A UDP conntrack entry set to remove. UDP has no connection end, so a client keeps sending
 * to a removed endpoint (or to the reject of a service that had none) until its entry is
 * deleted (kube-proxy's conntrack cleanup).
 */
export type StaleFlow =
  | { kind: 'endpoint'; dest: string; port: number; endpoint: string }
  | { kind: 'nodeport-endpoint'; nodePort: number; endpoint: string }
  | { kind: 'service'; dest: string; port: number }
  | { kind: 'nodeport'; nodePort: number };

function destinations(m: ServicePortModel): string[] {
  return [...m.clusterIPs, ...m.externalIPs, ...m.loadBalancerIPs];
}

/** The flows that a change of a UDP service port leaves stale. */
export function staleUdpFlows(prev: ServicePortModel | undefined, next: ServicePortModel | undefined, usable: (m: ServicePortModel) => Endpoint[]): StaleFlow[] {
  const out: StaleFlow[] = [];
  const before = prev?.protocol === 'udp' ? usable(prev) : [];
  const after = next?.protocol === 'udp' ? usable(next) : [];
  const kept = new Set(after.map((e) => e.ip));
  if (prev?.protocol === 'udp') {
    for (const e of before) {
      if (kept.has(e.ip)) continue;
      for (const dest of destinations(prev)) out.push({ kind: 'endpoint', dest, port: prev.port, endpoint: e.ip });
      if (prev.nodePort) out.push({ kind: 'nodeport-endpoint', nodePort: prev.nodePort, endpoint: e.ip });
    }
  }
  if (next?.protocol === 'udp' && before.length === 0 && after.length > 0) {
    // Entries made while the service rejected everything would keep rejecting.
    for (const dest of destinations(next)) out.push({ kind: 'service', dest, port: next.port });
    if (next.nodePort) out.push({ kind: 'nodeport', nodePort: next.nodePort });
  }
  return out;
}

function conntrackArgs(f: StaleFlow): string[] {
  const base = ['-D', '-p', 'udp'];
  if (f.kind === 'endpoint') return [...base, '--orig-dst', f.dest, '--orig-port-dst', String(f.port), '--dst-nat', f.endpoint];
  if (f.kind === 'nodeport-endpoint') return [...base, '--orig-port-dst', String(f.nodePort), '--dst-nat', f.endpoint];
  if (f.kind === 'service') return [...base, '--orig-dst', f.dest, '--orig-port-dst', String(f.port)];
  return [...base, '--orig-port-dst', String(f.nodePort)];
}

/** Deletes the entries; "0 flow entries" is not an error. */
export async function flushStaleFlows(host: HostCommands, flows: StaleFlow[]): Promise<void> {
  for (const f of flows) await host.run('conntrack', conntrackArgs(f), { allowFailure: true });
}
