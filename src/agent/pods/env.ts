import type { KubeObject } from '../../api/types.js';
import { parseQuantity, type Quantity } from '../../api/quantity.js';
import { expandVars } from './command.js';

/** Where env values from ConfigMaps and Secrets come from (the API, with the node's credentials). */
export interface EnvSources {
  configMap(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  /** Secret data, already base64-decoded. */
  secret(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  /** A Secret as stored (type and base64 data), for imagePullSecrets. */
  rawSecret?(namespace: string, name: string): Promise<{ type?: string; data?: Record<string, string> } | undefined>;
}

/** What the pod cannot be given yet: the kubelet's CreateContainerConfigError. */
export class ContainerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerConfigError';
  }
}

interface EnvVarSpec {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string };
    resourceFieldRef?: { containerName?: string; resource: string; divisor?: string };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

interface EnvFromSpec {
  prefix?: string;
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
}

export interface ContainerSpecLike {
  name: string;
  env?: EnvVarSpec[];
  envFrom?: EnvFromSpec[];
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
}

/** The facts `fieldRef` and `resourceFieldRef` read besides the pod itself. */
export interface EnvContext {
  hostIPs: string[];
  podIPs: string[];
  /** Node allocatable, used when a container sets no limit. */
  allocatable: Record<string, string>;
  /** Service link variables: `$(VAR)` in env values may name them; explicit env wins over them. */
  serviceEnv?: [string, string][];
  /** Records a Warning event on the pod (envFrom keys that are no valid variable names). */
  warn?: (reason: string, message: string) => void;
}

/**
 * A name the API accepts for an environment variable: printable ASCII other than `=`
 * (the relaxed rule this API server validates `env[].name` with).
 */
export function isEnvVarName(name: string): boolean {
  return /^[\x20-\x3c\x3e-\x7e]+$/.test(name);
}

/** Copies a ConfigMap's or Secret's data under `prefix`, skipping keys that are no variable names (with the kubelet's event). */
function addEnvFrom(env: Map<string, string>, data: Record<string, string>, prefix: string, what: string, ns: string, name: string, ctx: EnvContext): void {
  const invalid: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    const k = prefix + key;
    if (!isEnvVarName(k)) invalid.push(k);
    else env.set(k, value);
  }
  if (invalid.length) {
    ctx.warn?.('InvalidEnvironmentVariableNames', `Keys [${invalid.sort().join(', ')}] from the EnvFrom ${what} ${ns}/${name} were skipped since they are considered invalid environment variable names.`);
  }
}

function fieldValue(pod: KubeObject, path: string, ctx: EnvContext): string {
  const spec = (pod.spec ?? {}) as Record<string, unknown>;
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (m) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]!] ?? '';
  const fields: Record<string, () => string> = {
    'metadata.name': () => pod.metadata.name ?? '',
    'metadata.namespace': () => pod.metadata.namespace ?? '',
    'metadata.uid': () => pod.metadata.uid ?? '',
    'spec.nodeName': () => String(spec.nodeName ?? ''),
    'spec.serviceAccountName': () => String(spec.serviceAccountName ?? ''),
    'status.hostIP': () => ctx.hostIPs[0] ?? '',
    'status.hostIPs': () => ctx.hostIPs.join(','),
    'status.podIP': () => ctx.podIPs[0] ?? '',
    'status.podIPs': () => ctx.podIPs.join(','),
  };
  const f = fields[path];
  if (!f) throw new ContainerConfigError(`unsupported fieldPath: ${path}`);
  return f();
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return a % b === 0n ? a / b : a / b + 1n;
}

/** resourceFieldRef: the limit (or request), divided by the divisor and rounded up, like the kubelet. */
function resourceValue(pod: KubeObject, self: ContainerSpecLike, ref: NonNullable<EnvVarSpec['valueFrom']>['resourceFieldRef'] & object, ctx: EnvContext): string {
  const containers = ((pod.spec as { containers?: ContainerSpecLike[] })?.containers ?? []);
  const c = ref.containerName ? containers.find((x) => x.name === ref.containerName) ?? self : self;
  const [kind, resource] = ref.resource.split('.') as ['limits' | 'requests', string];
  let text = c.resources?.[kind]?.[resource];
  if (text === undefined && kind === 'limits') text = ctx.allocatable[resource];
  if (text === undefined) text = '0';
  const q: Quantity = parseQuantity(text);
  const divisor = parseQuantity(ref.divisor ?? '1');
  if (divisor.nanos === 0n) throw new ContainerConfigError(`invalid divisor for ${ref.resource}`);
  return String(ceilDiv(q.nanos, divisor.nanos));
}

/**
 * A container's environment as the kubelet builds it: `envFrom` sources in order (with
 * prefixes; keys that are no variable names are skipped with an `InvalidEnvironmentVariableNames`
 * event), then `env` entries (values expanded with `$(VAR)` against what came before and the
 * service link variables, `valueFrom` resolved). Missing ConfigMaps, Secrets or keys that are not optional throw
 * ContainerConfigError with the kubelet's message.
 *
 * @example
 * await containerEnv(pod, pod.spec.containers[0], sources, { hostIPs: ['10.0.0.5'], podIPs: [], allocatable: {} });
 * // [['GREETING', 'hello'], ['MY_POD', 'web']]
 */
export async function containerEnv(pod: KubeObject, container: ContainerSpecLike, sources: EnvSources, ctx: EnvContext): Promise<[string, string][]> {
  const ns = pod.metadata.namespace ?? 'default';
  const env = new Map<string, string>();
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const data = await sources.configMap(ns, from.configMapRef.name);
      if (!data) {
        if (from.configMapRef.optional) continue;
        throw new ContainerConfigError(`configmap "${from.configMapRef.name}" not found`);
      }
      addEnvFrom(env, data, prefix, 'configMap', ns, from.configMapRef.name, ctx);
    } else if (from.secretRef) {
      const data = await sources.secret(ns, from.secretRef.name);
      if (!data) {
        if (from.secretRef.optional) continue;
        throw new ContainerConfigError(`secret "${from.secretRef.name}" not found`);
      }
      addEnvFrom(env, data, prefix, 'secret', ns, from.secretRef.name, ctx);
    }
  }
  const services = Object.fromEntries(ctx.serviceEnv ?? []);
  for (const e of container.env ?? []) {
    const from = e.valueFrom;
    if (!from) {
      // Earlier variables first, then the service links (the kubelet's mapping order).
      env.set(e.name, expandVars(e.value ?? '', { ...services, ...Object.fromEntries(env) }));
      continue;
    }
    if (from.fieldRef) env.set(e.name, fieldValue(pod, from.fieldRef.fieldPath, ctx));
    else if (from.resourceFieldRef) env.set(e.name, resourceValue(pod, container, from.resourceFieldRef, ctx));
    else if (from.configMapKeyRef) {
      const ref = from.configMapKeyRef;
      const data = await sources.configMap(ns, ref.name);
      if (!data) {
        if (ref.optional) continue;
        throw new ContainerConfigError(`configmap "${ref.name}" not found`);
      }
      if (!Object.hasOwn(data, ref.key)) {
        if (ref.optional) continue;
        throw new ContainerConfigError(`couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name}`);
      }
      env.set(e.name, data[ref.key]!);
    } else if (from.secretKeyRef) {
      const ref = from.secretKeyRef;
      const data = await sources.secret(ns, ref.name);
      if (!data) {
        if (ref.optional) continue;
        throw new ContainerConfigError(`secret "${ref.name}" not found`);
      }
      if (!Object.hasOwn(data, ref.key)) {
        if (ref.optional) continue;
        throw new ContainerConfigError(`couldn't find key ${ref.key} in Secret ${ns}/${ref.name}`);
      }
      env.set(e.name, data[ref.key]!);
    }
  }
  return [...env];
}

/**
 * Image env first, then the pod's values override by name (containerd's merge); a PATH is
 * always present.
 */
export function mergeEnv(imageEnv: string[] | undefined, hostname: string, podEnv: [string, string][]): string[] {
  const merged = new Map<string, string>();
  for (const kv of imageEnv ?? []) {
    const i = kv.indexOf('=');
    if (i > 0) merged.set(kv.slice(0, i), kv.slice(i + 1));
  }
  if (!merged.has('PATH')) merged.set('PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  merged.set('HOSTNAME', hostname);
  for (const [k, v] of podEnv) merged.set(k, v);
  return [...merged].map(([k, v]) => `${k}=${v}`);
}
