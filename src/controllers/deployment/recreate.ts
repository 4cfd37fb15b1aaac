import type { KubeObject } from '../../api/types.js';
import type { DeploymentSync } from './deployment-sync.js';
import { activeSets, actualReplicas } from './replica-set-math.js';
import { deploymentComplete } from './rollout-status.js';
import { dReplicas, dStatus, rsReplicas } from './types.js';

/** Pods by the uid of the ReplicaSet controlling them. */
export type PodsBySet = Map<string, KubeObject[]>;

/**
 * rolloutRecreate: scale every old set to zero, wait until no old pod runs, then create and
 * scale up the new set.
 */
export async function rolloutRecreate(sync: DeploymentSync, rsList: KubeObject[], podsBySet: PodsBySet): Promise<void> {
  let { newRS, oldRSs } = await sync.allSets(rsList, false);
  const all = () => [...oldRSs, ...(newRS ? [newRS] : [])];
  let scaledDown = false;
  for (const rs of activeSets(oldRSs)) {
    if (rsReplicas(rs) !== 0 && (await sync.scaleAndRecord(rs, 0)).scaled) scaledDown = true;
  }
  if (scaledDown) return sync.syncRolloutStatus(all(), newRS);
  if (oldPodsRunning(newRS, oldRSs, podsBySet)) return sync.syncRolloutStatus(all(), newRS);
  if (!newRS) ({ newRS, oldRSs } = await sync.allSets(rsList, true));
  await sync.scaleAndRecord(newRS!, dReplicas(sync.d));
  if (deploymentComplete(sync.d, dStatus(sync.d))) await sync.cleanup(oldRSs);
  return sync.syncRolloutStatus(all(), newRS);
}

/** oldPodsRunning: an old set still reports pods, or one of its pods may still run. */
function oldPodsRunning(newRS: KubeObject | undefined, oldRSs: KubeObject[], podsBySet: PodsBySet): boolean {
  if (actualReplicas(oldRSs) > 0) return true;
  for (const [uid, pods] of podsBySet) {
    if (newRS && uid === newRS.metadata.uid) continue;
    for (const pod of pods) {
      const phase = (pod.status as { phase?: string } | undefined)?.phase;
      if (phase !== 'Failed' && phase !== 'Succeeded') return true;
    }
  }
  return false;
}
