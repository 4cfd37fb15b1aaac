/**
 * The probe and lifecycle-handler parts of a container spec (core/v1 Probe, LifecycleHandler)
 * and the defaults the API server fills in, so a pod written without them probes as on
 * Kubernetes: every 10 s, 1 s timeout, one success, three failures.
 */

export type IntOrString = number | string;

export interface ExecAction {
  command?: string[];
}

export interface HttpHeader {
  name: string;
  value: string;
}

export interface HttpGetAction {
  path?: string;
  port: IntOrString;
  host?: string;
  scheme?: 'HTTP' | 'HTTPS';
  httpHeaders?: HttpHeader[];
}

export interface TcpSocketAction {
  port: IntOrString;
  host?: string;
}

export interface GrpcAction {
  port: number;
  service?: string;
}

export interface SleepAction {
  seconds: number;
}

export interface Probe {
  exec?: ExecAction;
  httpGet?: HttpGetAction;
  tcpSocket?: TcpSocketAction;
  grpc?: GrpcAction;
  initialDelaySeconds?: number;
  timeoutSeconds?: number;
  periodSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
  terminationGracePeriodSeconds?: number;
}

/** A postStart / preStop hook. */
export interface LifecycleHandler {
  exec?: ExecAction;
  httpGet?: HttpGetAction;
  tcpSocket?: TcpSocketAction;
  sleep?: SleepAction;
}

/** The parts of a container the probers and hooks read. */
export interface ProbedContainer {
  name: string;
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { postStart?: LifecycleHandler; preStop?: LifecycleHandler };
}

export type ProbeType = 'liveness' | 'readiness' | 'startup';

/** How the kubelet names a probe type in events (`Liveness probe failed: …`). */
export const probeTypeTitle: Record<ProbeType, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };

/** A probe's timing with the API defaults applied (seconds; thresholds are counts). */
export interface ProbeTiming {
  initialDelaySeconds: number;
  timeoutSeconds: number;
  periodSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

/**
 * The timing of a probe as the API server defaults it.
 *
 * @example
 * probeTiming({ httpGet: { port: 80 } }); // { initialDelaySeconds: 0, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 }
 */
export function probeTiming(p: Probe): ProbeTiming {
  const positive = (v: number | undefined, d: number) => (typeof v === 'number' && v > 0 ? v : d);
  return {
    initialDelaySeconds: typeof p.initialDelaySeconds === 'number' && p.initialDelaySeconds > 0 ? p.initialDelaySeconds : 0,
    timeoutSeconds: positive(p.timeoutSeconds, 1),
    periodSeconds: positive(p.periodSeconds, 10),
    successThreshold: positive(p.successThreshold, 1),
    failureThreshold: positive(p.failureThreshold, 3),
  };
}

/** The probe of one type on a container, if it has one. */
export function probeOf(c: ProbedContainer, type: ProbeType): Probe | undefined {
  return type === 'liveness' ? c.livenessProbe : type === 'readiness' ? c.readinessProbe : c.startupProbe;
}

/**
 * A port given by number or by the name of one of the container's ports (a numeric string
 * counts as a number, as the kubelet allows); throws with the kubelet's message otherwise.
 *
 * @example
 * resolvePort('http', { name: 'web', ports: [{ name: 'http', containerPort: 8080 }] }); // 8080
 */
export function resolvePort(port: IntOrString, c: Pick<ProbedContainer, 'ports'>): number {
  let n: number;
  if (typeof port === 'number') n = port;
  else {
    const named = c.ports?.find((p) => p.name === port);
    if (named) n = named.containerPort;
    else if (/^\d+$/.test(port)) n = Number(port);
    else throw new Error(`couldn't find port: ${port} in ${JSON.stringify(c.ports ?? [])}`);
  }
  if (!Number.isInteger(n) || n <= 0 || n >= 65536) throw new Error(`invalid port number: ${n}`);
  return n;
}
