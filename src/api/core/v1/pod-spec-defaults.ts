/**
 * Scheme defaulting for PodSpec and what it contains (SetDefaults_PodSpec, _Container,
 * _Probe, _Volume, …). Applies wherever a PodSpec appears: pods and every pod template.
 */
import { type JsonObject, ensureObject, isObject, objectsOf } from './json.js';

/** `Always` for `:latest` or an untagged image, else `IfNotPresent` (digests count as pinned). */
export function defaultPullPolicy(image: unknown): 'Always' | 'IfNotPresent' {
  if (typeof image !== 'string') return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastPart.lastIndexOf(':');
  const tag = colon < 0 ? 'latest' : lastPart.slice(colon + 1);
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function setIfUnset(obj: JsonObject, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}

function defaultHandler(handler: unknown): void {
  if (!isObject(handler)) return;
  if (isObject(handler.httpGet)) {
    if (!handler.httpGet.path) handler.httpGet.path = '/';
    setIfUnset(handler.httpGet, 'scheme', 'HTTP');
  }
  if (isObject(handler.grpc)) setIfUnset(handler.grpc, 'service', '');
}

function defaultProbe(probe: unknown): void {
  if (!isObject(probe)) return;
  setIfUnset(probe, 'timeoutSeconds', 1);
  setIfUnset(probe, 'periodSeconds', 10);
  setIfUnset(probe, 'successThreshold', 1);
  setIfUnset(probe, 'failureThreshold', 3);
  defaultHandler(probe);
}

function defaultFieldRef(holder: unknown): void {
  if (isObject(holder) && isObject(holder.fieldRef)) setIfUnset(holder.fieldRef, 'apiVersion', 'v1');
}

function defaultContainer(c: JsonObject, hostNetwork: boolean): void {
  setIfUnset(c, 'imagePullPolicy', defaultPullPolicy(c.image));
  setIfUnset(c, 'terminationMessagePath', '/dev/termination-log');
  setIfUnset(c, 'terminationMessagePolicy', 'File');
  setIfUnset(c, 'resources', {});
  for (const p of objectsOf(c.ports)) {
    setIfUnset(p, 'protocol', 'TCP');
    // With the host's network the container port is the host port.
    if (hostNetwork && !p.hostPort) p.hostPort = p.containerPort;
  }
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(c[probe]);
  if (isObject(c.lifecycle)) {
    defaultHandler(c.lifecycle.postStart);
    defaultHandler(c.lifecycle.preStop);
  }
  for (const e of objectsOf(c.env)) if (isObject(e.valueFrom)) defaultFieldRef(e.valueFrom);
}

const fileModeSources = ['secret', 'configMap', 'downwardAPI', 'projected'];
const volumeSourceKeys = new Set([
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
]);

/** The volume source keys a volume sets (`configMap`, `emptyDir`, …). */
export function volumeSources(volume: JsonObject): string[] {
  return Object.keys(volume).filter((k) => volumeSourceKeys.has(k) && volume[k] !== null && volume[k] !== undefined);
}

function defaultVolume(v: JsonObject): void {
  if (volumeSources(v).length === 0) v.emptyDir = {};
  for (const key of fileModeSources) if (isObject(v[key])) setIfUnset(v[key], 'defaultMode', 420);
  if (isObject(v.hostPath)) setIfUnset(v.hostPath, 'type', '');
  if (isObject(v.downwardAPI)) for (const item of objectsOf(v.downwardAPI.items)) defaultFieldRef(item);
  if (isObject(v.projected)) {
    for (const src of objectsOf(v.projected.sources)) {
      if (isObject(src.serviceAccountToken)) setIfUnset(src.serviceAccountToken, 'expirationSeconds', 3600);
      if (isObject(src.downwardAPI)) for (const item of objectsOf(src.downwardAPI.items)) defaultFieldRef(item);
    }
  }
}

export function defaultPodSpec(spec: Record<string, any>): void {
  if (!isObject(spec)) return;
  setIfUnset(spec, 'dnsPolicy', 'ClusterFirst');
  setIfUnset(spec, 'restartPolicy', 'Always');
  setIfUnset(spec, 'terminationGracePeriodSeconds', 30);
  setIfUnset(spec, 'schedulerName', 'default-scheduler');
  ensureObject(spec, 'securityContext');
  // serviceAccount is the deprecated spelling of serviceAccountName; v1 keeps them in step.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  const hostNetwork = spec.hostNetwork === true;
  for (const c of [...objectsOf(spec.initContainers), ...objectsOf(spec.containers)]) defaultContainer(c, hostNetwork);
  for (const v of objectsOf(spec.volumes)) defaultVolume(v);
}

export function defaultPodTemplateSpec(template: Record<string, any>): void {
  if (!isObject(template)) return;
  defaultPodSpec(ensureObject(template, 'spec'));
}
