import type { KubeObject, LabelSelector } from '../../api/types.js';
import { selectorEmpty, selectorInvalid, selectorMatches } from '../../api/common/label-selector.js';
import { rfc3339, type Clock } from '../../util/clock.js';
import { ApiError } from '../errors.js';
import type { DeleteOptions, GenericStore } from '../registry/generic-store.js';
import { isPodReady } from './pod-conditions.js';
import { setDisruptionAllowedCondition } from './pdb-condition.js';

/** A policy/v1 Eviction (policy/v1beta1 has the same shape). */
export interface Eviction {
  metadata?: { name?: string; namespace?: string };
  deleteOptions?: {
    gracePeriodSeconds?: number;
    preconditions?: { uid?: string; resourceVersion?: string };
    propagationPolicy?: DeleteOptions['propagationPolicy'];
    dryRun?: string[];
  } | null;
}

/** More entries than this in status.disruptedPods means the PDB controller is behind. */
const maxDisruptedPods = 2000;
/** Conflicts on the PDB are retried this many times (EvictionsRetry). */
const pdbRetries = 20;
const violationMessage = "Cannot evict pod as it would violate the pod's disruption budget.";

function tooManyRequests(retryAfterSeconds: number, cause: string): ApiError {
  return new ApiError(429, 'TooManyRequests', violationMessage, {
    ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
    causes: [{ reason: 'DisruptionBudget', message: cause }],
  });
}

function stillProcessing(pdbName: string): ApiError {
  return tooManyRequests(10, `The disruption budget ${pdbName} is still being processed by the server.`);
}

const pdbResource = { group: 'policy', resource: 'poddisruptionbudget' };

function phaseOf(pod: KubeObject): string {
  return String((pod.status as { phase?: string } | undefined)?.phase ?? '');
}

/** Pods whose eviction disrupts nothing more: finished, not yet running, or already going. */
function canIgnorePDB(pod: KubeObject): boolean {
  const phase = phaseOf(pod);
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata.deletionTimestamp;
}

function matchingPDBs(pdbs: KubeObject[], pod: KubeObject): KubeObject[] {
  return pdbs.filter((pdb) => {
    const sel = (pdb.spec as { selector?: LabelSelector | null } | undefined)?.selector;
    // A nil, empty or invalid selector matches nothing here.
    if (!sel || selectorEmpty(sel) || selectorInvalid(sel)) return false;
    return selectorMatches(sel, pod.metadata.labels);
  });
}

interface PDBStatus {
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  conditions?: unknown[];
}

/**
 * The eviction subresource (EvictionREST.Create): deletes a pod unless that would take its
 * PodDisruptionBudget below what it allows. A refused eviction is 429 TooManyRequests, which
 * `kubectl drain` retries every 5 s. Returns what the API answers: a Success Status (201) or,
 * for a pod covered by several budgets, a Failure Status with code 500.
 */
export async function evictPod(
  deps: { pods: GenericStore; pdbs: GenericStore; clock: Clock },
  ns: string,
  name: string,
  eviction: Eviction,
  requestDryRun: boolean,
): Promise<{ code: number; status: Record<string, unknown> }> {
  if (eviction.metadata?.name !== name) throw ApiError.badRequest('name in URL does not match name in Eviction object');
  const options = eviction.deleteOptions ?? {};
  const dryRun = requestDryRun || (options.dryRun ?? []).includes('All');
  const deleteOpts: DeleteOptions = {
    gracePeriodSeconds: options.gracePeriodSeconds,
    propagationPolicy: options.propagationPolicy,
    preconditions: options.preconditions ? { ...options.preconditions } : undefined,
    dryRun,
  };
  const rvUnset = !options.preconditions?.resourceVersion;
  const success = { code: 201, status: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } };

  const pod = await deps.pods.get(ns, name);
  if (canIgnorePDB(pod)) {
    const enforce = phaseOf(pod) !== 'Succeeded' && phaseOf(pod) !== 'Failed' && !pod.metadata.deletionTimestamp;
    const opts = enforce && rvUnset ? { ...deleteOpts, preconditions: { ...deleteOpts.preconditions, resourceVersion: pod.metadata.resourceVersion } } : deleteOpts;
    await deps.pods.delete(ns, name, opts);
    return success;
  }

  const pdbs = matchingPDBs((await deps.pdbs.list(ns)).items, pod);
  if (pdbs.length > 1) {
    const message = 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.';
    return { code: 500, status: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500 } };
  }
  let pinResourceVersion = false;
  if (pdbs.length === 1) {
    const pdb = pdbs[0]!;
    const spec = (pdb.spec ?? {}) as { unhealthyPodEvictionPolicy?: string };
    const status = (pdb.status ?? {}) as PDBStatus;
    const desired = status.desiredHealthy ?? 0;
    const unhealthyMayGo =
      !isPodReady(pod) && (spec.unhealthyPodEvictionPolicy === 'AlwaysAllow' || ((status.currentHealthy ?? 0) >= desired && desired > 0));
    if (unhealthyMayGo) pinResourceVersion = true;
    else await checkAndDecrement(deps, pdb.metadata.name!, ns, name, dryRun);
  }
  const opts = pinResourceVersion && rvUnset ? { ...deleteOpts, preconditions: { ...deleteOpts.preconditions, resourceVersion: pod.metadata.resourceVersion } } : deleteOpts;
  try {
    await deps.pods.delete(ns, name, opts);
  } catch (err) {
    if (err instanceof ApiError && err.code === 409 && pinResourceVersion && rvUnset) throw stillProcessing(pdbs[0]!.metadata.name!);
    throw err;
  }
  return success;
}

/** Takes one disruption from the budget (or refuses with 429), retrying on write conflicts. */
async function checkAndDecrement(
  deps: { pdbs: GenericStore; clock: Clock },
  pdbName: string,
  ns: string,
  podName: string,
  dryRun: boolean,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const pdb = await deps.pdbs.get(ns, pdbName);
    const status = structuredClone((pdb.status ?? {}) as PDBStatus);
    if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) throw stillProcessing(pdbName);
    const allowed = status.disruptionsAllowed ?? 0;
    if (allowed < 0) throw ApiError.forbidden(pdbResource, pdbName, 'pdb disruptions allowed is negative');
    if (Object.keys(status.disruptedPods ?? {}).length > maxDisruptedPods) {
      throw ApiError.forbidden(pdbResource, pdbName, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
    }
    if (allowed === 0) {
      throw tooManyRequests(0, `The disruption budget ${pdbName} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`);
    }
    if (dryRun) return;
    status.disruptionsAllowed = allowed - 1;
    const now = deps.clock.now();
    if (status.disruptionsAllowed === 0) setDisruptionAllowedCondition(status, false, rfc3339(now));
    status.disruptedPods = { ...status.disruptedPods, [podName]: rfc3339(now) };
    try {
      await deps.pdbs.update(ns, pdbName, (cur) => ({ ...cur, metadata: { ...cur.metadata, resourceVersion: pdb.metadata.resourceVersion }, status }), { subresource: 'status' });
      return;
    } catch (err) {
      if (err instanceof ApiError && err.code === 409 && attempt < pdbRetries) continue;
      if (err instanceof ApiError && err.code === 409) throw ApiError.timeout(`couldn't update PodDisruptionBudget "${pdbName}" due to conflicts`, 10);
      throw err;
    }
  }
}
