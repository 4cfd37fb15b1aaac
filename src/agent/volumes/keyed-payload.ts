import type { KubeObject } from '../../api/types.js';
import type { FileProjection, KeyedSource } from './volume-types.js';

/** Which API kind a keyed payload comes from: the wording of a missing-key error differs. */
export type KeyedKind = 'configmap' | 'secret';

/** The bytes of every key of a ConfigMap (`data` as text, `binaryData` base64) or Secret (`data` base64). */
export function objectBytes(kind: KeyedKind, obj: KubeObject): Map<string, Buffer> {
  const o = obj as { data?: Record<string, string>; binaryData?: Record<string, string>; stringData?: Record<string, string> };
  const out = new Map<string, Buffer>();
  if (kind === 'configmap') {
    for (const [k, v] of Object.entries(o.data ?? {})) out.set(k, Buffer.from(v, 'utf8'));
    for (const [k, v] of Object.entries(o.binaryData ?? {})) out.set(k, Buffer.from(v, 'base64'));
  } else {
    for (const [k, v] of Object.entries(o.data ?? {})) out.set(k, Buffer.from(v, 'base64'));
  }
  return out;
}

/**
 * The files of a configMap or secret volume (or projection) as the kubelet lays them out:
 * every key under its own name, or only the listed `items` at their paths; each file gets
 * the item's mode, else `defaultMode` (0644). A listed key that is missing fails unless the
 * source is optional.
 *
 * @example
 * keyedPayload('configmap', cm, { items: [{ key: 'app.conf', path: 'conf/app.conf', mode: 0o400 }] }, 0o644);
 * // Map { 'conf/app.conf' => { data: <Buffer …>, mode: 0o400 } }
 */
export function keyedPayload(kind: KeyedKind, obj: KubeObject | undefined, source: KeyedSource, defaultMode: number): Map<string, FileProjection> {
  const out = new Map<string, FileProjection>();
  if (!obj) return out;
  const bytes = objectBytes(kind, obj);
  if (!source.items?.length) {
    for (const [k, data] of bytes) out.set(k, { data, mode: defaultMode });
    return out;
  }
  for (const item of source.items) {
    const data = bytes.get(item.key);
    if (data === undefined) {
      if (source.optional) continue;
      throw new Error(kind === 'configmap' ? `configmap references non-existent config key: ${item.key}` : `references non-existent secret key: ${item.key}`);
    }
    out.set(item.path, { data, mode: item.mode ?? defaultMode });
  }
  return out;
}
