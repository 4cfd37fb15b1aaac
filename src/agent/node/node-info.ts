import { statfsSync, readFileSync } from 'node:fs';
import { arch, cpus, hostname, release, totalmem } from 'node:os';
import { versionInfo } from '../../apiserver/version.js';
import { nodeAddresses } from '../../network/node-address.js';
import { defaultEvictionHard, parseEvictionHard, type EvictionThreshold } from '../eviction/thresholds.js';
import { allocatableAmounts, type Reservation } from './reserved.js';

/** What the node reports about itself (the kubelet's node status setters' inputs). */
export interface NodeFacts {
  hostname: string;
  addresses: { type: 'InternalIP' | 'Hostname'; address: string }[];
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  memoryBytes: number;
  nodeInfo: Record<string, string>;
}

function readTrimmed(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

function osImage(): string {
  const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readTrimmed('/etc/os-release'));
  return m?.[1] ?? 'Linux';
}

/** Go's GOARCH names, which Kubernetes uses in labels and nodeInfo. */
export function goArch(a = arch()): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[a] ?? a;
}

/** What allocatable leaves out: --kube-reserved, --system-reserved and the hard eviction thresholds. */
export interface NodeReservations {
  kubeReserved: Reservation;
  systemReserved: Reservation;
  evictionHard: EvictionThreshold[];
}

const defaultReservations: NodeReservations = { kubeReserved: {}, systemReserved: {}, evictionHard: parseEvictionHard(defaultEvictionHard) };

function cpuText(cores: number): string {
  const m = Math.round(cores * 1000);
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

/**
 * Gathers the node's facts: addresses (`nodeIP` first when given), CPU, memory and
 * ephemeral storage of the data dir's filesystem as capacity, the kubelet's default eviction
 * reserves taken out of allocatable, and nodeInfo (kernel, OS image, runtime, kubelet version).
 *
 * @example
 * const facts = gatherNodeFacts({ dataDir: '/var/lib/k8ts/agent', runtimeVersion: 'runc://1.1.5', maxPods: 110 });
 */
export function gatherNodeFacts(opts: { dataDir: string; runtimeVersion: string; maxPods: number; nodeIP?: string; hostnameOverride?: string; reservations?: NodeReservations }): NodeFacts {
  const host = opts.hostnameOverride ?? hostname();
  const ips = opts.nodeIP ? [opts.nodeIP] : nodeAddresses().filter((a) => !a.includes(':'));
  const memoryBytes = totalmem();
  const fs = statfsSync(opts.dataDir);
  const storageBytes = fs.blocks * fs.bsize;
  const memKi = Math.floor(memoryBytes / 1024);
  const cpu = String(cpus().length);
  const storageKi = Math.floor(storageBytes / 1024);
  const r = opts.reservations ?? defaultReservations;
  const alloc = allocatableAmounts({ cpu: cpus().length, memory: memoryBytes, 'ephemeral-storage': storageBytes }, r.kubeReserved, r.systemReserved, r.evictionHard);
  return {
    hostname: host,
    addresses: [...ips.map((address) => ({ type: 'InternalIP' as const, address })), { type: 'Hostname', address: host }],
    capacity: {
      cpu,
      'ephemeral-storage': `${storageKi}Ki`,
      'hugepages-1Gi': '0',
      'hugepages-2Mi': '0',
      memory: `${memKi}Ki`,
      pods: String(opts.maxPods),
    },
    allocatable: {
      cpu: cpuText(alloc.cpu!),
      'ephemeral-storage': String(Math.floor(alloc['ephemeral-storage']!)),
      'hugepages-1Gi': '0',
      'hugepages-2Mi': '0',
      memory: `${Math.floor(alloc.memory! / 1024)}Ki`,
      pods: String(opts.maxPods),
    },
    memoryBytes,
    nodeInfo: {
      machineID: readTrimmed('/etc/machine-id'),
      systemUUID: readTrimmed('/sys/class/dmi/id/product_uuid') || readTrimmed('/etc/machine-id'),
      bootID: readTrimmed('/proc/sys/kernel/random/boot_id'),
      kernelVersion: release(),
      osImage: osImage(),
      containerRuntimeVersion: opts.runtimeVersion,
      kubeletVersion: versionInfo().gitVersion,
      operatingSystem: 'linux',
      architecture: goArch(),
    },
  };
}
