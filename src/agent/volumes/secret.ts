import { writeAtomic } from './atomic-writer.js';
import { keyedPayload } from './keyed-payload.js';
import { ensureTmpfs, removeTmpfs } from './tmpfs.js';
import { VolumeSetUpError, type MountedVolume, type VolumeContext, type VolumePlugin } from './volume-types.js';

/**
 * secret volumes: the Secret's decoded keys (or `items`) as files on a k8ts tmpfs, so
 * secrets never reach the node's disk, published with the atomic `..data` swap. A missing
 * Secret keeps the pod waiting (`secret "x" not found`) unless `optional`.
 *
 * @example
 * const mounted = await secretPlugin.setUp(ctx); // ctx.volume = { name: 'creds', secret: { secretName: 'db', defaultMode: 0o400 } }
 */
export const secretPlugin: VolumePlugin = {
  name: 'kubernetes.io~secret',
  supports: (v) => v.secret !== undefined,
  watches: (pod, v) => [`secrets/${pod.metadata.namespace}/${v.secret!.secretName ?? ''}`],
  async setUp(ctx: VolumeContext): Promise<MountedVolume> {
    const src = ctx.volume.secret!;
    const name = src.secretName ?? '';
    const obj = await ctx.sources.secret(ctx.pod.metadata.namespace!, name);
    if (!obj && !src.optional) throw new VolumeSetUpError(ctx.volume.name, `secret "${name}" not found`);
    let payload;
    try {
      payload = keyedPayload('secret', obj, src, src.defaultMode ?? 0o644);
    } catch (err) {
      throw new VolumeSetUpError(ctx.volume.name, (err as Error).message);
    }
    await ensureTmpfs(ctx.dir, undefined, ctx.host);
    await writeAtomic(ctx.dir, payload, { beforeSwap: (gen) => ctx.ownership(ctx.pod, gen, true) });
    return { name: ctx.volume.name, plugin: this.name, hostPath: ctx.dir, readOnly: true };
  },
  tearDown: (dir, host) => removeTmpfs(dir, host),
};
