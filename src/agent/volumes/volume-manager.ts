import { directHost, type Host } from '../runtime/command.js';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeObject } from '../../api/types.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { unmountAllUnder } from '../runtime/overlay.js';
import { fsGroupOwnership } from './ownership.js';
import { defaultVolumePlugins } from './plugins.js';
import { TokenCache } from './service-account-token.js';
import { VolumeSetUpError, type MountedVolume, type OwnershipHook, type VolumePlugin, type VolumeSources, type VolumeSpec } from './volume-types.js';

/** Some of a pod's volumes cannot be set up yet; one error per volume. */
export class PodVolumesNotReady extends Error {
  constructor(readonly errors: VolumeSetUpError[]) {
    super(errors.map((e) => e.eventMessage).join('; '));
    this.name = 'PodVolumesNotReady';
  }
}

export interface VolumeManagerDeps {
  /** `<agent data dir>/pods`: volumes live in `<uid>/volumes/<plugin>/<name>`. */
  podsDir: string;
  sources: VolumeSources & { retain?(keys: Set<string>): void; setChangeHandler?(fn: (key: string) => void): void };
  /** Node allocatable (memory-backed emptyDir size, downward API limits). */
  allocatable: () => Record<string, string>;
  /** fsGroup ownership (default: the kubelet's SetVolumeOwnership rules). */
  ownership?: OwnershipHook;
  /** Builds the plugin list (default: every plugin in plugins.ts). */
  plugins?: (tokens: TokenCache) => VolumePlugin[];
  /** How often mounted contents are re-read even without a change event (the kubelet's sync period). */
  resyncMs?: number;
  /** Where mount commands run (default: forked from this process). */
  host?: Host;
  clock: Clock;
  log: Logger;
}

interface PodState {
  pod: KubeObject;
  mounted: Map<string, MountedVolume>;
  /** Objects whose changes refresh this pod's volumes. */
  keys: Set<string>;
  /** The last setUp failed; a change of a watched object should wake the pod's worker. */
  failing: boolean;
  lock: Promise<unknown>;
  lastFull: number;
}

/**
 * The agent's volume manager: sets up every volume of a pod before its containers start
 * (idempotently, so a restarted agent keeps what it finds), keeps projected contents current
 * while the pod runs (on object change events, token expiry and a periodic resync), and tears
 * volumes down once the pod's containers are gone.
 *
 * @example
 * const volumes = new VolumeManager({ podsDir, sources, allocatable: () => facts.allocatable, clock, log });
 * volumes.start();
 * const mounted = await volumes.setUp(pod); // throws PodVolumesNotReady (FailedMount) while something is missing
 * await volumes.tearDown(pod.metadata.uid!);
 */
export class VolumeManager {
  private readonly pods = new Map<string, PodState>();
  private readonly plugins: VolumePlugin[];
  private readonly tokens: TokenCache;
  private readonly ownership: OwnershipHook;
  private timer?: NodeJS.Timeout;
  private wakePod: (uid: string) => void = () => undefined;
  private readonly host: Host;

  constructor(private readonly deps: VolumeManagerDeps) {
    this.tokens = new TokenCache(deps.sources, () => deps.clock.now());
    this.plugins = (deps.plugins ?? defaultVolumePlugins)(this.tokens);
    this.ownership = deps.ownership ?? fsGroupOwnership;
    this.host = deps.host ?? directHost;
    deps.sources.setChangeHandler?.((key) => this.objectChanged(key));
  }

  /** Who to wake when a pod waiting for a volume may now go on (the pod worker). */
  onPodReady(fn: (uid: string) => void): void {
    this.wakePod = fn;
  }

  /** Starts the periodic refresh (tokens near expiry, the resync of every pod). */
  start(): void {
    this.timer = setInterval(() => this.tick(), Math.min(10_000, this.deps.resyncMs ?? 60_000));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** What is mounted for the pod now, by volume name. */
  podVolumes(uid: string): Map<string, MountedVolume> | undefined {
    return this.pods.get(uid)?.mounted;
  }

  private pluginFor(v: VolumeSpec): VolumePlugin | undefined {
    return this.plugins.find((p) => p.supports(v));
  }

  private volumeDir(uid: string, plugin: VolumePlugin, name: string): string {
    return join(this.deps.podsDir, uid, 'volumes', plugin.name, name);
  }

  private serialized<T>(st: PodState, fn: () => Promise<T>): Promise<T> {
    const run = st.lock.then(fn, fn);
    st.lock = run.catch(() => undefined);
    return run;
  }

  /**
   * Sets up (or refreshes) every volume of the pod; resolves with them all, or throws
   * PodVolumesNotReady naming each volume that is not ready.
   */
  async setUp(pod: KubeObject): Promise<Map<string, MountedVolume>> {
    const uid = pod.metadata.uid!;
    let st = this.pods.get(uid);
    if (!st) {
      st = { pod, mounted: new Map(), keys: new Set(), failing: false, lock: Promise.resolve(), lastFull: 0 };
      this.pods.set(uid, st);
    }
    st.pod = pod;
    const state = st;
    return this.serialized(state, () => this.setUpNow(state));
  }

  private async setUpNow(st: PodState): Promise<Map<string, MountedVolume>> {
    const pod = st.pod;
    const uid = pod.metadata.uid!;
    const volumes = ((pod.spec as { volumes?: VolumeSpec[] } | undefined)?.volumes ?? []) as VolumeSpec[];
    const errors: VolumeSetUpError[] = [];
    // The objects this pod reads are registered before any is fetched: another pod's setUp
    // ending meanwhile must not stop the watches this one is starting.
    st.keys = new Set(volumes.flatMap((v) => this.pluginFor(v)?.watches?.(pod, v) ?? []));
    for (const v of volumes) {
      const plugin = this.pluginFor(v);
      if (!plugin) {
        errors.push(new VolumeSetUpError(v.name, `volume source of volume "${v.name}" is not supported on this node`));
        continue;
      }
      try {
        const m = await plugin.setUp({
          pod,
          volume: v,
          dir: this.volumeDir(uid, plugin, v.name),
          sources: this.deps.sources,
          allocatable: this.deps.allocatable(),
          ownership: this.ownership,
          host: this.host,
          now: () => this.deps.clock.now(),
        });
        st.mounted.set(v.name, m);
      } catch (err) {
        errors.push(err instanceof VolumeSetUpError ? err : new VolumeSetUpError(v.name, err instanceof Error ? err.message : String(err)));
      }
    }
    st.failing = errors.length > 0;
    st.lastFull = this.deps.clock.now();
    this.retainWatches();
    if (errors.length) throw new PodVolumesNotReady(errors);
    return st.mounted;
  }

  private retainWatches(): void {
    const all = new Set<string>();
    for (const s of this.pods.values()) for (const k of s.keys) all.add(k);
    this.deps.sources.retain?.(all);
  }

  /** A watched object changed: refresh the pods that mount it, wake those waiting for it. */
  objectChanged(key: string): void {
    for (const [uid, st] of this.pods) {
      if (!st.keys.has(key)) continue;
      if (st.failing) this.wakePod(uid);
      else this.refresh(uid, st);
    }
  }

  private refresh(uid: string, st: PodState): void {
    void this.serialized(st, () => this.setUpNow(st)).catch((err) => this.deps.log.warn({ err, podUid: uid }, 'volume refresh failed'));
  }

  private tick(): void {
    const now = this.deps.clock.now();
    const resync = this.deps.resyncMs ?? 60_000;
    for (const [uid, st] of this.pods) {
      if (st.failing) continue;
      const volumes = ((st.pod.spec as { volumes?: VolumeSpec[] } | undefined)?.volumes ?? []) as VolumeSpec[];
      const due = volumes.some((v) => {
        const at = this.pluginFor(v)?.refreshAt?.(st.pod, v);
        return at !== undefined && at <= now;
      });
      if (due || now - st.lastFull >= resync) this.refresh(uid, st);
    }
  }

  /**
   * Removes every volume the pod has on this node: plugin teardown (tmpfs unmounts), then
   * any mount left under its volumes dir, then the dir. Works from what is on disk, so it
   * also cleans pods of an earlier agent.
   */
  async tearDown(uid: string): Promise<void> {
    const st = this.pods.get(uid);
    const run = async () => {
      const root = join(this.deps.podsDir, uid, 'volumes');
      for (const pluginDir of await readdir(root).catch(() => [] as string[])) {
        const plugin = this.plugins.find((p) => p.name === pluginDir);
        for (const name of await readdir(join(root, pluginDir)).catch(() => [] as string[])) {
          await plugin?.tearDown?.(join(root, pluginDir, name), this.host).catch((err) => this.deps.log.warn({ err, podUid: uid, volume: name }, 'volume teardown failed'));
        }
      }
      await unmountAllUnder(root, this.host);
      await rm(root, { recursive: true, force: true });
      this.tokens.forgetPod(uid);
      this.pods.delete(uid);
      this.retainWatches();
    };
    await (st ? this.serialized(st, run) : run());
  }
}
