import { ApiError } from '../errors.js';
import type { FieldSet } from './field-set.js';
import { printManager, type ManagerEntry } from './managed-fields.js';
import { printPath } from './path-element.js';

/** Fields an apply would take from one other manager. */
export interface ManagerConflict {
  manager: ManagerEntry;
  fields: FieldSet;
}

/**
 * The 409 an apply gets when it would change fields other managers own, worded as Kubernetes
 * words it (kubectl prints the message and then its own advice about `--force-conflicts`).
 *
 * @example
 * // message: 'Apply failed with 1 conflict: conflict with "a": .spec.replicas'
 * // details.causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "a"', field: '.spec.replicas' }]
 */
export function applyConflictError(conflicts: readonly ManagerConflict[]): ApiError {
  const rows = [...conflicts]
    .map((c) => ({ who: printManager(c.manager), paths: c.fields.paths().map(printPath) }))
    .sort((a, b) => (a.who < b.who ? -1 : a.who > b.who ? 1 : 0));
  const causes = rows.flatMap((r) => r.paths.map((p) => ({ reason: 'FieldManagerConflict', message: `conflict with ${r.who}`, field: p })));
  let message: string;
  if (causes.length === 1) message = `Apply failed with 1 conflict: conflict with ${rows.find((r) => r.paths.length)!.who}: ${causes[0]!.field}`;
  else {
    const lines = rows.filter((r) => r.paths.length).flatMap((r) => [`conflicts with ${r.who}:`, ...r.paths.map((p) => `- ${p}`)]);
    message = `Apply failed with ${causes.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}
