import type { KubeObject } from '../../api/types.js';
import { containerEnv, type EnvSources } from '../pods/env.js';
import { writeAtomic } from './atomic-writer.js';
import { VolumeSetUpError, type DownwardItem, type FileProjection, type MountedVolume, type VolumeContext, type VolumePlugin } from './volume-types.js';

const goEscapes: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\v': '\\v' };

/** A string quoted as Go's `%q` prints it (how the kubelet writes label and annotation values). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (goEscapes[ch]) out += goEscapes[ch];
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** `key="value"` lines sorted by key, no trailing newline: the kubelet's labels/annotations file. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${goQuote(m![k]!)}`)
    .join('\n');
}

const noSources: EnvSources = { configMap: async () => undefined, secret: async () => undefined };

async function itemValue(pod: KubeObject, item: DownwardItem, allocatable: Record<string, string>): Promise<string> {
  const path = item.fieldRef?.fieldPath;
  if (path === 'metadata.labels') return formatMap(pod.metadata.labels);
  if (path === 'metadata.annotations') return formatMap(pod.metadata.annotations);
  // Single fields and resources resolve exactly as env vars do.
  const valueFrom = item.fieldRef ? { fieldRef: item.fieldRef } : { resourceFieldRef: item.resourceFieldRef! };
  const env = await containerEnv(pod, { name: item.resourceFieldRef?.containerName ?? '', env: [{ name: 'v', valueFrom }] }, noSources, { hostIPs: [], podIPs: [], allocatable });
  return env[0]?.[1] ?? '';
}

/**
 * The files of a downwardAPI volume (or projection): labels and annotations as sorted
 * `key="value"` lines, single metadata fields, and container resources divided by `divisor`.
 *
 * @example
 * await downwardPayload(pod, [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }], 0o644, {});
 * // Map { 'labels' => { data: 'app="web"\ntier="front"', mode: 0o644 } }
 */
export async function downwardPayload(pod: KubeObject, items: DownwardItem[], defaultMode: number, allocatable: Record<string, string>): Promise<Map<string, FileProjection>> {
  const out = new Map<string, FileProjection>();
  for (const item of items) {
    if (!item.fieldRef && !item.resourceFieldRef) continue;
    out.set(item.path, { data: Buffer.from(await itemValue(pod, item, allocatable)), mode: item.mode ?? defaultMode });
  }
  return out;
}

/**
 * downwardAPI volumes: facts about the pod as files, on disk, rewritten atomically when
 * labels or annotations change.
 *
 * @example
 * await downwardAPIPlugin.setUp(ctx); // ctx.volume = { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }
 */
export const downwardAPIPlugin: VolumePlugin = {
  name: 'kubernetes.io~downward-api',
  supports: (v) => v.downwardAPI !== undefined,
  async setUp(ctx: VolumeContext): Promise<MountedVolume> {
    const src = ctx.volume.downwardAPI!;
    let payload;
    try {
      payload = await downwardPayload(ctx.pod, src.items ?? [], src.defaultMode ?? 0o644, ctx.allocatable);
    } catch (err) {
      throw new VolumeSetUpError(ctx.volume.name, (err as Error).message);
    }
    await writeAtomic(ctx.dir, payload, { beforeSwap: (gen) => ctx.ownership(ctx.pod, gen, true) });
    return { name: ctx.volume.name, plugin: this.name, hostPath: ctx.dir, readOnly: true };
  },
};
