/** Small helpers the core/v1 tests share. */
import type { ResourceDefinition } from '../../../apiserver/registry/resource.js';
import type { KubeObject } from '../../types.js';

export const now = Date.parse('2024-05-01T12:00:00Z');

/** An object created `minutesAgo` before `now`, with defaults and create preparation applied. */
export function make(def: ResourceDefinition, body: Omit<KubeObject, 'metadata'> & { metadata?: KubeObject['metadata'] }, minutesAgo = 5): KubeObject {
  const obj: KubeObject = {
    ...body,
    metadata: {
      name: 'x',
      ...(def.namespaced ? { namespace: 'default' } : {}),
      creationTimestamp: new Date(now - minutesAgo * 60_000).toISOString(),
      ...body.metadata,
    },
  };
  def.defaults?.(obj);
  def.prepareForCreate?.(obj);
  return obj;
}

/** `field: message` lines, as kubectl prints a 422's causes. */
export function causes(errs: { field: string; message: string }[]): string[] {
  return errs.map((e) => `${e.field}: ${e.message}`);
}
