import { ApiError } from '../apiserver/errors.js';
import type { RestClient } from '../client/rest-client.js';
import type { EnvSources } from './pods/env.js';

/** ConfigMaps and Secrets for container env, read from the API with the node's credentials. */
export function restEnvSources(client: RestClient): EnvSources {
  const get = async (ns: string, plural: string, name: string) => {
    try {
      return await client.get<{ data?: Record<string, string> }>(`/api/v1/namespaces/${encodeURIComponent(ns)}/${plural}/${encodeURIComponent(name)}`);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    }
  };
  return {
    async configMap(ns, name) {
      const cm = await get(ns, 'configmaps', name);
      return cm ? (cm.data ?? {}) : undefined;
    },
    async rawSecret(ns, name) {
      return (await get(ns, 'secrets', name)) as { type?: string; data?: Record<string, string> } | undefined;
    },
    async secret(ns, name) {
      const s = await get(ns, 'secrets', name);
      if (!s) return undefined;
      return Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    },
  };
}
