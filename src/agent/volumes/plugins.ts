import { configMapPlugin } from './config-map.js';
import { downwardAPIPlugin } from './downward-api.js';
import { emptyDirPlugin } from './empty-dir.js';
import { hostPathPlugin } from './host-path.js';
import { pvcPlugin } from './persistent-volume-claim.js';
import { projectedPlugin } from './projected.js';
import { secretPlugin } from './secret.js';
import type { TokenCache } from './service-account-token.js';
import type { VolumePlugin } from './volume-types.js';

/**
 * Every volume plugin of the agent; adding one is one line here.
 *
 * @example
 * const plugins = defaultVolumePlugins(new TokenCache(sources, () => Date.now()));
 * plugins.find((p) => p.supports({ name: 'x', emptyDir: {} }))!.name; // 'kubernetes.io~empty-dir'
 */
export function defaultVolumePlugins(tokens: TokenCache): VolumePlugin[] {
  return [emptyDirPlugin, hostPathPlugin, configMapPlugin, secretPlugin, downwardAPIPlugin, projectedPlugin(tokens), pvcPlugin];
}
