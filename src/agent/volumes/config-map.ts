import { writeAtomic } from './atomic-writer.js';
import { keyedPayload } from './keyed-payload.js';
import { VolumeSetUpError, type MountedVolume, type VolumeContext, type VolumePlugin } from './volume-types.js';

/**
 * configMap volumes: the ConfigMap's keys (or `items`) as files, on disk, published with
 * the atomic `..data` swap and refreshed while the pod runs. A missing ConfigMap keeps the
 * pod waiting (`configmap "x" not found`) unless `optional`, which gives an empty volume.
 *
 * @example
 * const mounted = await configMapPlugin.setUp(ctx); // ctx.volume = { name: 'cfg', configMap: { name: 'app' } }
 */
export const configMapPlugin: VolumePlugin = {
  name: 'kubernetes.io~configmap',
  supports: (v) => v.configMap !== undefined,
  watches: (pod, v) => [`configmaps/${pod.metadata.namespace}/${v.configMap!.name ?? ''}`],
  async setUp(ctx: VolumeContext): Promise<MountedVolume> {
    const src = ctx.volume.configMap!;
    const name = src.name ?? '';
    const obj = await ctx.sources.configMap(ctx.pod.metadata.namespace!, name);
    if (!obj && !src.optional) throw new VolumeSetUpError(ctx.volume.name, `configmap "${name}" not found`);
    let payload;
    try {
      payload = keyedPayload('configmap', obj, src, src.defaultMode ?? 0o644);
    } catch (err) {
      throw new VolumeSetUpError(ctx.volume.name, (err as Error).message);
    }
    await writeAtomic(ctx.dir, payload, { beforeSwap: (gen) => ctx.ownership(ctx.pod, gen, true) });
    return { name: ctx.volume.name, plugin: this.name, hostPath: ctx.dir, readOnly: true };
  },
};
