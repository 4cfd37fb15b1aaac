/**
 * What `kubectl get pods` shows for one pod: READY, STATUS (the aggregate reason the
 * printers derive from init and app container states), RESTARTS with the time since the
 * last one, and the wide columns.
 */
import { age } from '../../../apiserver/table/format.js';
import { type JsonObject, objectOr, objectsOf } from './json.js';

/** The reason the node lifecycle controller sets on pods of an unreachable node. */
const nodeUnreachableReason = 'NodeLost';

interface Tally {
  restarts: number;
  /** Latest finishedAt of a previous termination (ms), 0 when none. */
  lastRestart: number;
}

function countRestart(t: Tally, status: JsonObject): void {
  t.restarts += Number(status.restartCount ?? 0);
  const finished = objectOr(objectOr(status.lastState).terminated).finishedAt;
  const at = typeof finished === 'string' ? Date.parse(finished) : NaN;
  if (!Number.isNaN(at) && at > t.lastRestart) t.lastRestart = at;
}

function conditionTrue(status: JsonObject, type: string): boolean {
  return objectsOf(status.conditions).some((c) => c.type === type && c.status === 'True');
}

function terminatedReason(term: JsonObject, prefix: string): string {
  if (term.reason) return `${prefix}${term.reason}`;
  return term.signal ? `${prefix}Signal:${term.signal}` : `${prefix}ExitCode:${term.exitCode ?? 0}`;
}

export interface PodSummary {
  ready: number;
  total: number;
  reason: string;
  restarts: number;
  /** ms timestamp of the last restart, 0 when unknown. */
  lastRestart: number;
}

/** The READY / STATUS / RESTARTS figures for a pod, as Kubernetes' pod printer derives them. */
export function summarizePod(pod: JsonObject): PodSummary {
  const spec = objectOr(pod.spec);
  const status = objectOr(pod.status);
  const meta = objectOr(pod.metadata);
  const initSpecs = objectsOf(spec.initContainers);
  // Init containers with restartPolicy Always are sidecars: they count as app containers.
  const sidecars = new Set(initSpecs.filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const total = objectsOf(spec.containers).length + sidecars.size;
  let ready = 0;
  let reason: string = status.reason || status.phase || '';
  if (objectsOf(status.conditions).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  const all: Tally = { restarts: 0, lastRestart: 0 };
  const sidecarTally: Tally = { restarts: 0, lastRestart: 0 };
  let initializing = false;
  const initStatuses = objectsOf(status.initContainerStatuses);
  for (const [i, c] of initStatuses.entries()) {
    countRestart(all, c);
    const isSidecar = sidecars.has(c.name);
    if (isSidecar) countRestart(sidecarTally, c);
    const state = objectOr(c.state);
    const term = state.terminated ? objectOr(state.terminated) : undefined;
    const waiting = state.waiting ? objectOr(state.waiting) : undefined;
    if (term && Number(term.exitCode ?? 0) === 0) continue;
    if (isSidecar && c.started === true) {
      if (c.ready === true) ready++;
      continue;
    }
    if (term) reason = terminatedReason(term, 'Init:');
    else if (waiting?.reason && waiting.reason !== 'PodInitializing') reason = `Init:${waiting.reason}`;
    else reason = `Init:${i}/${initSpecs.length}`;
    initializing = true;
    break;
  }

  let tally = all;
  if (!initializing || conditionTrue(status, 'Initialized')) {
    tally = sidecarTally;
    let hasRunning = false;
    const statuses = objectsOf(status.containerStatuses);
    // Walk backwards so the first container's state wins, as the printer does.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      countRestart(tally, c);
      const state = objectOr(c.state);
      const waiting = objectOr(state.waiting);
      const term = state.terminated ? objectOr(state.terminated) : undefined;
      if (waiting.reason) reason = waiting.reason;
      else if (term) reason = terminatedReason(term, '');
      else if (c.ready === true && state.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(status, 'Ready') ? 'Running' : 'NotReady';
  }

  if (meta.deletionTimestamp && status.reason === nodeUnreachableReason) reason = 'Unknown';
  else if (meta.deletionTimestamp && status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';
  return { ready, total, reason, restarts: tally.restarts, lastRestart: tally.lastRestart };
}

function readinessGates(spec: JsonObject, status: JsonObject): string {
  const gates = objectsOf(spec.readinessGates);
  if (gates.length === 0) return '<none>';
  const conditions = objectsOf(status.conditions);
  const passed = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
  return `${passed}/${gates.length}`;
}

/** One pod row: NAME READY STATUS RESTARTS AGE IP NODE NOMINATED-NODE READINESS-GATES. */
export function podCells(pod: JsonObject, now: number): unknown[] {
  const s = summarizePod(pod);
  const spec = objectOr(pod.spec);
  const status = objectOr(pod.status);
  const meta = objectOr(pod.metadata);
  let restarts = String(s.restarts);
  if (s.restarts !== 0 && s.lastRestart !== 0) restarts = `${s.restarts} (${age(new Date(s.lastRestart).toISOString(), now)} ago)`;
  const ip = objectsOf(status.podIPs)[0]?.ip || '<none>';
  return [
    meta.name,
    `${s.ready}/${s.total}`,
    s.reason,
    restarts,
    age(meta.creationTimestamp, now),
    ip,
    spec.nodeName || '<none>',
    status.nominatedNodeName || '<none>',
    readinessGates(spec, status),
  ];
}
