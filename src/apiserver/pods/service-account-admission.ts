import { randomInt } from 'node:crypto';
import type { KubeObject } from '../../api/types.js';
import type { StoreHooks } from '../registry/generic-store.js';

/** Where every container finds its service account credentials. */
export const serviceAccountMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';
/** A little over an hour, as kube-apiserver asks for (it tells the token's users apart from hand-made ones). */
const tokenExpirationSeconds = 3607;
/** The alphabet of Kubernetes' random name suffixes (no vowels, no look-alikes). */
const suffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}
interface Container {
  volumeMounts?: VolumeMount[];
}

function randomSuffix(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += suffixAlphabet[randomInt(suffixAlphabet.length)];
  return s;
}

/** The projected volume the ServiceAccount admission plugin adds: token, cluster CA, namespace. */
export function apiAccessVolume(name: string): Record<string, unknown> {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: tokenExpirationSeconds, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

/**
 * The token-mounting half of the ServiceAccount admission plugin: unless the pod or its
 * service account opts out (`automountServiceAccountToken: false`) or it is a mirror pod,
 * adds a `kube-api-access-<5 chars>` projected volume and mounts it read-only at
 * /var/run/secrets/kubernetes.io/serviceaccount in every container that has nothing there.
 *
 * @example
 * mountServiceAccountToken(pod, { automountServiceAccountToken: undefined });
 * pod.spec.volumes.at(-1).name; // 'kube-api-access-x2k9d'
 */
export function mountServiceAccountToken(pod: KubeObject, sa: { automountServiceAccountToken?: boolean } | undefined): void {
  const spec = (pod.spec ?? {}) as { automountServiceAccountToken?: boolean; volumes?: Record<string, unknown>[]; containers?: Container[]; initContainers?: Container[]; ephemeralContainers?: Container[] };
  if (pod.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined) return;
  const automount = spec.automountServiceAccountToken ?? sa?.automountServiceAccountToken ?? true;
  if (!automount) return;
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  const needing = all.filter((c) => !(c.volumeMounts ?? []).some((m) => m.mountPath === serviceAccountMountPath));
  if (needing.length === 0) return;
  const taken = new Set((spec.volumes ?? []).map((v) => v.name));
  let name: string;
  do name = `kube-api-access-${randomSuffix(5)}`;
  while (taken.has(name));
  spec.volumes = [...(spec.volumes ?? []), apiAccessVolume(name)];
  for (const c of needing) c.volumeMounts = [...(c.volumeMounts ?? []), { name, readOnly: true, mountPath: serviceAccountMountPath }];
  pod.spec = spec;
}

/**
 * Store hooks for pods: the ServiceAccount admission plugin's token volume at create.
 * `serviceAccount` reads the pod's service account (for its automount setting).
 *
 * @example
 * hooks['/pods'] = serviceAccountAdmissionHooks(async (ns, name) => store.get(ns, name).catch(() => undefined));
 */
export function serviceAccountAdmissionHooks(serviceAccount: (namespace: string, name: string) => Promise<KubeObject | undefined>): StoreHooks {
  return {
    async beforeCreate(pod) {
      const saName = (pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName || 'default';
      const sa = await serviceAccount(pod.metadata.namespace ?? 'default', saName);
      mountServiceAccountToken(pod, sa as { automountServiceAccountToken?: boolean } | undefined);
    },
  };
}
