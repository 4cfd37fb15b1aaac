import type { KubeObject } from '../../api/types.js';
import { writeAtomic } from './atomic-writer.js';
import { downwardPayload } from './downward-api.js';
import { keyedPayload } from './keyed-payload.js';
import type { TokenCache } from './service-account-token.js';
import { ensureTmpfs, removeTmpfs } from './tmpfs.js';
import { VolumeSetUpError, type FileProjection, type MountedVolume, type VolumeContext, type VolumePlugin, type VolumeSpec } from './volume-types.js';

/** Collects every source of a projected volume into one payload; errors come back together, as the kubelet aggregates them. */
async function projectedPayload(ctx: VolumeContext, tokens: TokenCache): Promise<Map<string, FileProjection>> {
  const { pod } = ctx;
  const src = ctx.volume.projected!;
  const mode = src.defaultMode ?? 0o644;
  const ns = pod.metadata.namespace!;
  const fsGroup = (pod.spec as { securityContext?: { fsGroup?: number } } | undefined)?.securityContext?.fsGroup;
  const out = new Map<string, FileProjection>();
  const errors: string[] = [];
  const add = (m: Map<string, FileProjection>) => m.forEach((v, k) => out.set(k, v));
  for (const s of src.sources ?? []) {
    try {
      if (s.configMap) {
        const obj = await ctx.sources.configMap(ns, s.configMap.name ?? '');
        if (!obj && !s.configMap.optional) throw new Error(`configmap "${s.configMap.name ?? ''}" not found`);
        add(keyedPayload('configmap', obj, s.configMap, mode));
      } else if (s.secret) {
        const obj = await ctx.sources.secret(ns, s.secret.name ?? '');
        if (!obj && !s.secret.optional) throw new Error(`secret "${s.secret.name ?? ''}" not found`);
        add(keyedPayload('secret', obj, s.secret, mode));
      } else if (s.downwardAPI) {
        add(await downwardPayload(pod, s.downwardAPI.items ?? [], mode, ctx.allocatable));
      } else if (s.serviceAccountToken) {
        const t = s.serviceAccountToken;
        let token: string;
        try {
          token = await tokens.get(pod, t.audience || undefined, t.expirationSeconds ?? 3600);
        } catch (err) {
          throw new Error(`failed to fetch token: ${(err as Error).message}`);
        }
        // With an fsGroup the ownership step opens it to the group; without, it stays the default mode.
        out.set(t.path, { data: Buffer.from(token), mode: fsGroup !== undefined ? 0o600 : mode });
      }
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  if (errors.length === 1) throw new VolumeSetUpError(ctx.volume.name, errors[0]!);
  if (errors.length > 1) throw new VolumeSetUpError(ctx.volume.name, `[${errors.join(', ')}]`);
  return out;
}

/**
 * projected volumes: ConfigMap and Secret keys, downward API fields and bound service
 * account tokens together in one directory on a k8ts tmpfs, published atomically and
 * refreshed while the pod runs (tokens before 80 % of their life).
 *
 * @example
 * const plugin = projectedPlugin(new TokenCache(sources, () => Date.now()));
 * await plugin.setUp(ctx); // ctx.volume = { name: 'kube-api-access-x2k9d', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }
 */
export function projectedPlugin(tokens: TokenCache): VolumePlugin {
  return {
    name: 'kubernetes.io~projected',
    supports: (v) => v.projected !== undefined,
    watches(pod: KubeObject, v: VolumeSpec) {
      const ns = pod.metadata.namespace;
      return (v.projected!.sources ?? []).flatMap((s) => (s.configMap ? [`configmaps/${ns}/${s.configMap.name ?? ''}`] : s.secret ? [`secrets/${ns}/${s.secret.name ?? ''}`] : []));
    },
    refreshAt: (pod) => tokens.refreshAt(pod.metadata.uid!),
    async setUp(ctx: VolumeContext): Promise<MountedVolume> {
      const payload = await projectedPayload(ctx, tokens);
      await ensureTmpfs(ctx.dir, undefined, ctx.host);
      await writeAtomic(ctx.dir, payload, { beforeSwap: (gen) => ctx.ownership(ctx.pod, gen, true) });
      return { name: ctx.volume.name, plugin: 'kubernetes.io~projected', hostPath: ctx.dir, readOnly: true };
    },
    tearDown: (dir, host) => removeTmpfs(dir, host),
  };
}
