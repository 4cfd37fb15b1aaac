import type { KubeObject } from '../../api/types.js';
import type { DeploymentSync } from './deployment-sync.js';
import { activeSets, availableReplicas, byCreation, specReplicas } from './replica-set-math.js';
import { maxUnavailable, newRSNewReplicas } from './rollout-math.js';
import { deploymentComplete } from './rollout-status.js';
import { dReplicas, dStatus, rsReplicas, rsStatus } from './types.js';

/**
 * rolloutRolling: grow the new set within maxSurge, shrink old sets within maxUnavailable
 * (unhealthy replicas first), one direction per sync; clean up once complete.
 */
export async function rolloutRolling(sync: DeploymentSync, rsList: KubeObject[]): Promise<void> {
  const { newRS, oldRSs } = await sync.allSets(rsList, true);
  const all = [...oldRSs, newRS!];
  if (await reconcileNewReplicaSet(sync, all, newRS!)) return sync.syncRolloutStatus(all, newRS);
  if (await reconcileOldReplicaSets(sync, all, activeSets(oldRSs), newRS!)) return sync.syncRolloutStatus(all, newRS);
  if (deploymentComplete(sync.d, dStatus(sync.d))) await sync.cleanup(oldRSs);
  return sync.syncRolloutStatus(all, newRS);
}

async function reconcileNewReplicaSet(sync: DeploymentSync, all: KubeObject[], newRS: KubeObject): Promise<boolean> {
  const want = dReplicas(sync.d);
  if (rsReplicas(newRS) === want) return false;
  if (rsReplicas(newRS) > want) return (await sync.scaleAndRecord(newRS, want)).scaled;
  return (await sync.scaleAndRecord(newRS, newRSNewReplicas(sync.d, all, newRS))).scaled;
}

async function reconcileOldReplicaSets(sync: DeploymentSync, all: KubeObject[], oldRSs: KubeObject[], newRS: KubeObject): Promise<boolean> {
  if (specReplicas(oldRSs) === 0) return false;
  const minAvailable = dReplicas(sync.d) - maxUnavailable(sync.d);
  const newUnavailable = rsReplicas(newRS) - (rsStatus(newRS).availableReplicas ?? 0);
  // Everything asked for, less what must stay available, less new pods not yet available.
  const maxScaledDown = specReplicas(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const { sets, count: cleaned } = await cleanupUnhealthyReplicas(sync, oldRSs, maxScaledDown);
  const scaled = await scaleDownOldForRollingUpdate(sync, [...sets, newRS], sets);
  return cleaned + scaled > 0;
}

/** Old pods that are not available go first: they cost no availability. */
async function cleanupUnhealthyReplicas(sync: DeploymentSync, oldRSs: KubeObject[], max: number): Promise<{ sets: KubeObject[]; count: number }> {
  const sets = [...oldRSs].sort(byCreation);
  let total = 0;
  for (let i = 0; i < sets.length; i++) {
    if (total >= max) break;
    const rs = sets[i]!;
    const unhealthy = rsReplicas(rs) - (rsStatus(rs).availableReplicas ?? 0);
    if (rsReplicas(rs) === 0 || unhealthy <= 0) continue;
    const down = Math.min(max - total, unhealthy);
    sets[i] = (await sync.scaleAndRecord(rs, rsReplicas(rs) - down)).rs;
    total += down;
  }
  return { sets, count: total };
}

/** Scales old sets down, oldest first, as far as availability above minAvailable allows. */
async function scaleDownOldForRollingUpdate(sync: DeploymentSync, all: KubeObject[], oldRSs: KubeObject[]): Promise<number> {
  const minAvailable = dReplicas(sync.d) - maxUnavailable(sync.d);
  const available = availableReplicas(all);
  if (available <= minAvailable) return 0;
  const budget = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= budget) break;
    if (rsReplicas(rs) === 0) continue;
    const down = Math.min(rsReplicas(rs), budget - total);
    await sync.scaleAndRecord(rs, rsReplicas(rs) - down);
    total += down;
  }
  return total;
}
