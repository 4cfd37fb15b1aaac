import { COMMON_FIELDS, KIND_DESCRIPTIONS } from './kinds.js';
import { POD_DESCRIPTIONS } from './pod.js';
import { SERVICE_DESCRIPTIONS } from './services.js';
import type { DescriptionTable, TypeDescriptions } from './types.js';
import { VOLUME_DESCRIPTIONS } from './volumes.js';
import { WORKLOAD_DESCRIPTIONS } from './workloads.js';

export type { DescriptionTable, TypeDescriptions } from './types.js';

const TABLES: readonly DescriptionTable[] = [POD_DESCRIPTIONS, WORKLOAD_DESCRIPTIONS, SERVICE_DESCRIPTIONS, VOLUME_DESCRIPTIONS];

const BY_DEFINITION: DescriptionTable = Object.assign({}, ...TABLES.map((t) => ({ ...t })));

/**
 * The `kubectl explain` text of a definition: its own entries, plus, for top-level kinds
 * (`kind` given), the kind's sentence and the fields every object shares.
 *
 * @example descriptionsFor('io.k8s.api.core.v1.Probe', undefined)[''] // 'A health check run against a container: …'
 */
export function descriptionsFor(definition: string, kind: string | undefined): TypeDescriptions {
  const own = BY_DEFINITION[definition] ?? {};
  if (kind === undefined) return own;
  if (kind.endsWith('List') && KIND_DESCRIPTIONS[kind.slice(0, -4)]) {
    return {
      ...COMMON_FIELDS,
      '': `A list of ${kind.slice(0, -4)} objects.`,
      metadata: 'Standard list metadata: the list\'s resourceVersion and the continue token for paging.',
      ...own,
    };
  }
  const kindText = KIND_DESCRIPTIONS[kind];
  return { ...COMMON_FIELDS, ...(kindText ? { '': kindText } : {}), ...own };
}
