import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../../apiserver/errors.js';
import { Informer } from '../../client/informer.js';
import { restListWatch, type RestClient } from '../../client/rest-client.js';
import type { Logger } from '../../util/log.js';
import type { VolumeSources } from './volume-types.js';

const enc = encodeURIComponent;

/**
 * The API objects behind volumes, read with the node's credentials. ConfigMaps and Secrets
 * are watched one object at a time (a `metadata.name` field selector, the kubelet's
 * watch-based manager), so a change reaches mounted files without polling; `onChange`
 * hears `configmaps/<ns>/<name>` or `secrets/<ns>/<name>` whenever one is added, changed or
 * deleted. Watches nobody needs any more end with {@link ApiVolumeSources.retain}.
 *
 * @example
 * const sources = new ApiVolumeSources(client, log, (key) => volumes.objectChanged(key));
 * const cm = await sources.configMap('default', 'app'); // undefined when not found
 */
export class ApiVolumeSources implements VolumeSources {
  private readonly watched = new Map<string, { informer: Informer; ready: Promise<void> }>();
  private onChange: (key: string) => void = () => undefined;

  constructor(
    private readonly client: RestClient,
    private readonly log?: Logger,
    /** How long a first read waits for the object's list. */
    private readonly listTimeoutMs = 10_000,
  ) {}

  /** Who hears about changes of watched objects. */
  setChangeHandler(fn: (key: string) => void): void {
    this.onChange = fn;
  }

  private async watchedObject(plural: 'configmaps' | 'secrets', ns: string, name: string): Promise<KubeObject | undefined> {
    const key = `${plural}/${ns}/${name}`;
    let w = this.watched.get(key);
    if (!w) {
      const informer = new Informer(restListWatch(this.client, `/api/v1/namespaces/${enc(ns)}/${plural}`, { fieldSelector: `metadata.name=${name}` }), this.log);
      const changed = () => this.onChange(key);
      informer.on({ add: changed, update: changed, delete: changed });
      w = { informer, ready: informer.start() };
      this.watched.set(key, w);
    }
    // A list that keeps failing (API server away) must not hold the pod's sync forever.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for the ${plural.slice(0, -1)} "${name}" to be listed`)), this.listTimeoutMs);
    });
    try {
      await Promise.race([w.ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
    return w.informer.get(`${ns}/${name}`);
  }

  /** Stops watching objects outside `keys` (no pod on the node uses them any more). */
  retain(keys: Set<string>): void {
    for (const [key, w] of this.watched) {
      if (keys.has(key)) continue;
      w.informer.stop();
      this.watched.delete(key);
    }
  }

  /** Keys of the objects being watched (for tests and metrics). */
  watchedKeys(): string[] {
    return [...this.watched.keys()];
  }

  stop(): void {
    this.retain(new Set());
  }

  configMap(ns: string, name: string): Promise<KubeObject | undefined> {
    return this.watchedObject('configmaps', ns, name);
  }

  secret(ns: string, name: string): Promise<KubeObject | undefined> {
    return this.watchedObject('secrets', ns, name);
  }

  private async getOrUndefined(path: string): Promise<KubeObject | undefined> {
    try {
      return await this.client.get<KubeObject>(path);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    }
  }

  persistentVolumeClaim(ns: string, name: string): Promise<KubeObject | undefined> {
    return this.getOrUndefined(`/api/v1/namespaces/${enc(ns)}/persistentvolumeclaims/${enc(name)}`);
  }

  persistentVolume(name: string): Promise<KubeObject | undefined> {
    return this.getOrUndefined(`/api/v1/persistentvolumes/${enc(name)}`);
  }

  async serviceAccountToken(pod: KubeObject, audience: string | undefined, expirationSeconds: number): Promise<{ token: string; expiresAt: number }> {
    const ns = pod.metadata.namespace!;
    const sa = (pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName || 'default';
    const out = await this.client.create<{ status: { token: string; expirationTimestamp: string } }>(`/api/v1/namespaces/${enc(ns)}/serviceaccounts/${enc(sa)}/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: {
        ...(audience ? { audiences: [audience] } : {}),
        expirationSeconds,
        boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid },
      },
    });
    return { token: out.status.token, expiresAt: Date.parse(out.status.expirationTimestamp) };
  }
}
