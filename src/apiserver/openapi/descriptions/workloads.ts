import type { DescriptionTable } from './types.js';

const apps = (name: string): string => `io.k8s.api.apps.v1.${name}`;
const batch = (name: string): string => `io.k8s.api.batch.v1.${name}`;

const SELECTOR = 'Label query over the pods this workload manages. It must match the template\'s labels and cannot change after creation.';
const TEMPLATE = 'The pod template: every pod this workload creates is made from it.';
const REVISION_HISTORY = 'How many old revisions to keep for rollback. Defaults to 10.';
const MIN_READY = 'Seconds a new pod must be ready, without any container crashing, before it counts as available. Defaults to 0.';

/** Deployments, StatefulSets, DaemonSets, Jobs and CronJobs. */
export const WORKLOAD_DESCRIPTIONS: DescriptionTable = {
  [apps('DeploymentSpec')]: {
    '': 'The desired state of a Deployment.',
    minReadySeconds: MIN_READY,
    paused: 'While true, template changes are recorded but not rolled out.',
    progressDeadlineSeconds: 'Seconds a rollout may go without progress before the Deployment reports it as failed (Progressing=False, ProgressDeadlineExceeded). Defaults to 600.',
    replicas: 'How many pods to run. Defaults to 1.',
    revisionHistoryLimit: REVISION_HISTORY,
    selector: SELECTOR,
    strategy: 'How old pods are replaced by new ones when the template changes.',
    template: TEMPLATE,
  },
  [apps('DeploymentStrategy')]: {
    '': 'How a Deployment replaces pods.',
    rollingUpdate: 'Limits for a rolling update. Only with type RollingUpdate.',
    type: '"RollingUpdate" (the default) replaces pods gradually; "Recreate" stops every old pod before starting new ones.',
  },
  [apps('RollingUpdateDeployment')]: {
    '': 'How fast a rolling update proceeds.',
    maxSurge: 'How many pods may exist above the desired count during the update: a number or a percentage of replicas (rounded up). Defaults to 25%.',
    maxUnavailable: 'How many pods may be unavailable during the update: a number or a percentage of replicas (rounded down). Defaults to 25%. Cannot be 0 when maxSurge is 0.',
  },
  [apps('DeploymentStatus')]: {
    '': 'The observed state of a Deployment.',
    availableReplicas: 'Pods that have been ready for at least minReadySeconds.',
    collisionCount: 'Counts hash collisions of the template, used to name new ReplicaSets uniquely.',
    conditions: 'The latest observations: Available, Progressing and ReplicaFailure.',
    observedGeneration: 'The generation of the spec the controller last acted on.',
    readyReplicas: 'Pods whose Ready condition is true.',
    replicas: 'Pods owned by the Deployment, old and new.',
    terminatingReplicas: 'Pods being deleted.',
    unavailableReplicas: 'Pods still needed for the Deployment to be fully available.',
    updatedReplicas: 'Pods made from the current template.',
  },
  [apps('StatefulSetSpec')]: {
    '': 'The desired state of a StatefulSet.',
    minReadySeconds: MIN_READY,
    ordinals: 'The number the first pod is given (pods are named <set>-<ordinal>). Defaults to 0.',
    persistentVolumeClaimRetentionPolicy: 'Whether claims made from volumeClaimTemplates are deleted when the set is deleted or scaled down.',
    podManagementPolicy: '"OrderedReady" (the default) creates and removes pods one at a time in order; "Parallel" does all at once.',
    replicas: 'How many pods to run. Defaults to 1.',
    revisionHistoryLimit: REVISION_HISTORY,
    selector: SELECTOR,
    serviceName: 'The headless Service that gives each pod its stable DNS name.',
    template: TEMPLATE,
    updateStrategy: 'How pods are replaced when the template changes.',
    volumeClaimTemplates: 'Claims created once per pod, giving each pod its own persistent volume that follows it across rescheduling.',
  },
  [apps('StatefulSetUpdateStrategy')]: {
    '': 'How a StatefulSet updates its pods.',
    rollingUpdate: 'Settings for RollingUpdate, such as the partition.',
    type: '"RollingUpdate" (the default) replaces pods from the highest ordinal down; "OnDelete" waits for pods to be deleted by hand.',
  },
  [apps('DaemonSetSpec')]: {
    '': 'The desired state of a DaemonSet.',
    minReadySeconds: MIN_READY,
    revisionHistoryLimit: REVISION_HISTORY,
    selector: SELECTOR,
    template: 'The pod template; one pod is made from it on each eligible node.',
    updateStrategy: 'How pods are replaced when the template changes.',
  },
  [apps('DaemonSetUpdateStrategy')]: {
    '': 'How a DaemonSet updates its pods.',
    rollingUpdate: 'Settings for RollingUpdate: maxUnavailable and maxSurge.',
    type: '"RollingUpdate" (the default) or "OnDelete".',
  },
  [apps('ReplicaSetSpec')]: {
    '': 'The desired state of a ReplicaSet.',
    minReadySeconds: MIN_READY,
    replicas: 'How many pods to run. Defaults to 1.',
    selector: SELECTOR,
    template: TEMPLATE,
  },
  [batch('JobSpec')]: {
    '': 'The desired state of a Job.',
    activeDeadlineSeconds: 'Seconds the Job may run, counted from its start, before its pods are stopped and it is marked failed.',
    backoffLimit: 'Retries before the Job is marked failed. Defaults to 6.',
    backoffLimitPerIndex: 'For Indexed Jobs: retries allowed per index.',
    completionMode: '"NonIndexed" (the default): any completions count; "Indexed": each pod gets an index from 0 to completions-1.',
    completions: 'Successful pods needed for the Job to succeed. Defaults to 1.',
    managedBy: 'The controller that manages this Job. Empty means the built-in one.',
    manualSelector: 'Set to use your own selector instead of the generated one. Rarely needed.',
    maxFailedIndexes: 'For Indexed Jobs: failed indexes tolerated before the Job fails.',
    parallelism: 'The most pods running at once. Defaults to 1.',
    podFailurePolicy: 'Rules on container exit codes and pod conditions that fail the Job at once, or ignore a failure.',
    podReplacementPolicy: 'When a replacement pod is created: once the old one is fully terminated, or as soon as it starts terminating.',
    selector: 'Label query over the Job\'s pods. Generated by the system unless manualSelector is set.',
    successPolicy: 'When an Indexed Job counts as succeeded before all indexes finish.',
    suspend: 'While true, no pods are created and running ones are stopped.',
    template: 'The pod template. Its restartPolicy must be "Never" or "OnFailure".',
    ttlSecondsAfterFinished: 'Seconds after the Job finishes before it is deleted automatically.',
  },
  [batch('CronJobSpec')]: {
    '': 'The desired state of a CronJob.',
    concurrencyPolicy: 'What to do when a run is due while the previous is still going: "Allow" (the default), "Forbid" (skip) or "Replace".',
    failedJobsHistoryLimit: 'Failed Jobs to keep. Defaults to 1.',
    jobTemplate: 'The Job created at each scheduled time.',
    schedule: 'When to run, in cron format, such as "*/5 * * * *".',
    startingDeadlineSeconds: 'How late, in seconds, a missed run may still start.',
    successfulJobsHistoryLimit: 'Successful Jobs to keep. Defaults to 3.',
    suspend: 'While true, no new runs start. Runs already going continue.',
    timeZone: 'The time zone of the schedule, such as "Europe/Paris". Defaults to the controller\'s local time.',
  },
  [batch('JobTemplateSpec')]: {
    '': 'The Jobs a CronJob creates.',
    metadata: 'Metadata of the created Jobs.',
    spec: 'The spec of the created Jobs.',
  },
};
