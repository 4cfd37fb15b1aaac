/**
 * Cluster events that can make an unschedulable pod schedulable (framework.ClusterEvent).
 * The queue moves a pod back to scheduling when an event arrives that one of the plugins
 * which rejected it registered for.
 */
export type EventResource = 'Node' | 'AssignedPod' | 'UnscheduledPod' | 'PodDisruptionBudget' | 'Namespace' | '*';

export type ActionType =
  | 'Add'
  | 'Delete'
  | 'UpdateNodeAllocatable'
  | 'UpdateNodeLabel'
  | 'UpdateNodeTaint'
  | 'UpdateNodeCondition'
  | 'UpdatePodLabel'
  | 'UpdatePodScaleDown'
  | 'UpdatePodTolerations'
  | 'Update'
  | 'All';

export interface ClusterEvent {
  resource: EventResource;
  action: ActionType;
}

/** Whether an event that happened matches one a plugin registered for. */
export function eventMatches(registered: ClusterEvent, happened: ClusterEvent): boolean {
  if (registered.resource !== '*' && registered.resource !== happened.resource) return false;
  if (registered.action === 'All' || registered.action === happened.action) return true;
  // A generic update matches every kind of update.
  return registered.action === 'Update' && happened.action.startsWith('Update');
}
