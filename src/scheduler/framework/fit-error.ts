import type { NodeToStatus } from './interfaces.js';

/** Why no node fit: the filter verdicts and the PreFilter / PostFilter messages (framework.Diagnosis). */
export interface Diagnosis {
  statuses: NodeToStatus;
  /** Plugins that rejected the pod (which cluster events may make it schedulable). */
  rejectors: Set<string>;
  preFilterMsg?: string;
  postFilterMsg?: string;
}

/**
 * FitError.Error(): `0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated
 * taint {…}. preemption: …` — each reason with the number of nodes that gave it, sorted as
 * strings, then the PostFilter (preemption) message.
 *
 * @example
 * fitErrorMessage(3, { statuses: { byNode }, rejectors: new Set() })
 */
export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg) {
    msg += ` ${d.preFilterMsg}.`;
  } else {
    const reasons = new Map<string, number>();
    for (const s of d.statuses.byNode.values()) for (const r of s.reasons) reasons.set(r, (reasons.get(r) ?? 0) + 1);
    const absent = numAllNodes - d.statuses.byNode.size;
    if (absent > 0 && d.statuses.absent) for (const r of d.statuses.absent.reasons) reasons.set(r, (reasons.get(r) ?? 0) + absent);
    const parts = [...reasons].map(([r, n]) => `${n} ${r}`);
    // Go's sort.Strings: byte order.
    parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (parts.length) msg += ` ${parts.join(', ')}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}
