import type { Duplex } from 'node:stream';
import type { KubeObject } from '../../api/types.js';
import type { ContainerInfo, SandboxStatus } from '../runtime/container-runtime.js';
import { KUBERNETES_MAJOR, KUBERNETES_MINOR } from '../../apiserver/version.js';
import type { ContainerTarget, ExecRunner, PodNetworkTarget } from '../streaming/contracts.js';

/** Opens a TCP connection inside a pod's network namespace, to `host` or to its loopback. */
export interface PodDialer {
  dial(target: PodNetworkTarget, port: number, host?: string): Promise<Duplex>;
}

/** What probes and lifecycle hooks need from the node: running commands in containers and dialing pods. */
export interface ActionEnv {
  exec: ExecRunner;
  dialer: PodDialer;
  /**
   * The network namespace of the node (`/var/run/netns/<--node-netns>`); empty or absent: the
   * agent's own. Pod IPs are dialed from there, as the kubelet dials them from the node, so
   * one connection helper serves every pod.
   */
  nodeNetnsPath?: string;
}

/** Where one action runs: the container (exec) and its pod's network (httpGet, tcpSocket, grpc). */
export interface ActionTarget {
  container: ContainerTarget;
  network: PodNetworkTarget;
  /** The pod's IP, the default host of httpGet/tcpSocket/grpc; loopback inside the pod without one. */
  podIP?: string;
}

/** What a probe found, as the kubelet's probers report it; `output` ends up in the Unhealthy event. */
export interface ProbeOutcome {
  result: 'success' | 'warning' | 'failure';
  output: string;
  /** The HTTP status when an httpGet got an answer at all (hooks only fail when it did not). */
  httpStatus?: number;
}

/** `kube-probe/1.33`: the User-Agent of the kubelet's HTTP probes. */
export const probeUserAgent = `kube-probe/${KUBERNETES_MAJOR}.${KUBERNETES_MINOR}`;

/** The kubelet keeps at most this much of a probe's output or response body. */
export const maxProbeOutput = 10 * 1024;

/**
 * Where a probe or hook of a container runs: exec in the container; network actions to the
 * pod IP from the node's network, or — for a pod without an IP yet — to the loopback inside
 * the pod's own network namespace; a hostNetwork pod is the node itself.
 *
 * @example
 * const target = podActionTarget(env, pod, await runtime.sandboxStatus(uid), info);
 */
export function podActionTarget(env: ActionEnv, pod: KubeObject, sandbox: SandboxStatus | undefined, info: ContainerInfo): ActionTarget {
  const podUid = pod.metadata.uid!;
  const sandboxId = sandbox?.id ?? info.sandboxId;
  const container = { containerId: info.id, podUid, sandboxId: info.sandboxId };
  const hostNetwork = (pod.spec as { hostNetwork?: boolean } | undefined)?.hostNetwork === true;
  const podIP = sandbox?.ips[0];
  if (hostNetwork) return { container, network: { podUid, sandboxId, netnsPath: '' } };
  if (podIP) return { container, network: { podUid, sandboxId, netnsPath: env.nodeNetnsPath ?? '' }, podIP };
  return { container, network: { podUid, sandboxId, netnsPath: sandbox?.netnsPath ?? '' } };
}

/** The host a network action dials: its own host, else the pod IP, else the pod's loopback. */
export function actionHost(host: string | undefined, target: ActionTarget): string {
  return host || target.podIP || '127.0.0.1';
}

/** `host:port`, with brackets for IPv6, as Go's net.JoinHostPort. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Go's text for a failed dial (`dial tcp 10.0.0.5:80: connect: connection refused`), which is
 * what users read in probe events on Kubernetes.
 */
export function dialErrorText(addr: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  const why: Record<string, string> = {
    ECONNREFUSED: 'connect: connection refused',
    EHOSTUNREACH: 'connect: no route to host',
    ENETUNREACH: 'connect: network is unreachable',
    ETIMEDOUT: 'i/o timeout',
    ECONNRESET: 'read: connection reset by peer',
  };
  return `dial tcp ${addr}: ${(code && why[code]) ?? (err instanceof Error ? err.message : String(err))}`;
}

/** Dials with a deadline; a socket that arrives after it is closed. */
export async function dialWithin(env: ActionEnv, target: ActionTarget, port: number, host: string, timeoutMs: number): Promise<Duplex> {
  const dialing = env.dialer.dial(target.network, port, host);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' })), timeoutMs);
  });
  try {
    return await Promise.race([dialing, timeout]);
  } catch (err) {
    void dialing.then((s) => s.destroy()).catch(() => undefined);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

export type { ContainerTarget, PodNetworkTarget };
