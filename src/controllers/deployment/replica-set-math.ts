import type { KubeObject } from '../../api/types.js';
import { revisionOf } from './revisions.js';
import { equalIgnoreHash } from './template-hash.js';
import { dSpec, rsReplicas, rsSpec, rsStatus } from './types.js';

const created = (rs: KubeObject) => Date.parse(rs.metadata.creationTimestamp ?? '') || 0;

/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export function byCreation(a: KubeObject, b: KubeObject): number {
  const d = created(a) - created(b);
  if (d !== 0) return d;
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0;
}

/** ReplicaSetsBySizeNewer: larger first; among equals the newer first. */
export function bySizeNewer(a: KubeObject, b: KubeObject): number {
  const d = rsReplicas(b) - rsReplicas(a);
  return d !== 0 ? d : byCreation(b, a);
}

/** ReplicaSetsBySizeOlder: larger first; among equals the older first. */
export function bySizeOlder(a: KubeObject, b: KubeObject): number {
  const d = rsReplicas(b) - rsReplicas(a);
  return d !== 0 ? d : byCreation(a, b);
}

/** ReplicaSetsByRevision: lowest revision first, then oldest. */
export function byRevision(a: KubeObject, b: KubeObject): number {
  const d = revisionOf(a) - revisionOf(b);
  return d !== 0 ? d : byCreation(a, b);
}

/** FindNewReplicaSet: the oldest set whose template equals the deployment's (ignoring the hash label). */
export function findNewReplicaSet(d: KubeObject, sets: KubeObject[]): KubeObject | undefined {
  return [...sets].sort(byCreation).find((rs) => equalIgnoreHash(rsSpec(rs).template, dSpec(d).template));
}

/** FilterActiveReplicaSets: sets asking for pods. */
export function activeSets(sets: (KubeObject | undefined)[]): KubeObject[] {
  return sets.filter((rs): rs is KubeObject => !!rs && rsReplicas(rs) > 0);
}

const sum = (sets: (KubeObject | undefined)[], f: (rs: KubeObject) => number) => sets.reduce((n, rs) => n + (rs ? f(rs) : 0), 0);

/** GetReplicaCountForReplicaSets: pods asked for (spec). */
export const specReplicas = (sets: (KubeObject | undefined)[]) => sum(sets, rsReplicas);
/** GetActualReplicaCountForReplicaSets: pods that exist (status). */
export const actualReplicas = (sets: (KubeObject | undefined)[]) => sum(sets, (rs) => rsStatus(rs).replicas ?? 0);
export const readyReplicas = (sets: (KubeObject | undefined)[]) => sum(sets, (rs) => rsStatus(rs).readyReplicas ?? 0);
export const availableReplicas = (sets: (KubeObject | undefined)[]) => sum(sets, (rs) => rsStatus(rs).availableReplicas ?? 0);

/**
 * FindActiveOrLatest: with exactly one active set (new or old) that one; with none, the
 * newest; with several, none (a rollout is under way).
 */
export function activeOrLatest(newRS: KubeObject | undefined, oldRSs: KubeObject[]): KubeObject | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const sorted = [...oldRSs].sort(byCreation).reverse();
  const all = newRS ? [newRS, ...sorted] : sorted;
  const active = activeSets(all);
  if (active.length === 0) return newRS ?? sorted[0];
  return active.length === 1 ? active[0] : undefined;
}
