import type { Host } from '../runtime/command.js';
import type { KubeObject } from '../../api/types.js';

/** One entry of `pod.spec.volumes`, the sources the agent mounts. */
export interface VolumeSpec {
  name: string;
  emptyDir?: { medium?: string; sizeLimit?: string };
  hostPath?: { path: string; type?: HostPathType };
  configMap?: KeyedSource;
  secret?: KeyedSource & { secretName?: string };
  downwardAPI?: { items?: DownwardItem[]; defaultMode?: number };
  projected?: { sources?: ProjectedSource[]; defaultMode?: number };
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
}

export type HostPathType = '' | 'Directory' | 'DirectoryOrCreate' | 'File' | 'FileOrCreate' | 'Socket' | 'CharDevice' | 'BlockDevice';

/** A ConfigMap or Secret source: which keys go to which files, with which modes. */
export interface KeyedSource {
  name?: string;
  items?: { key: string; path: string; mode?: number }[];
  defaultMode?: number;
  optional?: boolean;
}

export interface DownwardItem {
  path: string;
  mode?: number;
  fieldRef?: { apiVersion?: string; fieldPath: string };
  resourceFieldRef?: { containerName?: string; resource: string; divisor?: string };
}

export interface ProjectedSource {
  configMap?: KeyedSource;
  secret?: KeyedSource;
  downwardAPI?: { items?: DownwardItem[] };
  serviceAccountToken?: { audience?: string; expirationSeconds?: number; path: string };
}

/** One file of a volume's payload: content and permission bits. */
export interface FileProjection {
  data: Buffer;
  mode: number;
}

/** A volume ready for containers: the host path they bind-mount, and how. */
export interface MountedVolume {
  name: string;
  /** The plugin that set it up (`kubernetes.io~configmap` …), as the kubelet names its dirs. */
  plugin: string;
  hostPath: string;
  /** The source forces read-only mounts (configMap, secret, downwardAPI, projected, a readOnly claim). */
  readOnly: boolean;
}

/** Why a volume cannot be set up; the message is what follows `MountVolume.SetUp failed for volume "x" : `. */
export class VolumeSetUpError extends Error {
  constructor(
    readonly volume: string,
    message: string,
    /** Not a mount failure but a precondition (an unbound claim): a different event text. */
    readonly kind: 'setup' | 'unbound' = 'setup',
  ) {
    super(message);
    this.name = 'VolumeSetUpError';
  }

  /** The FailedMount event text, as the kubelet words it. */
  get eventMessage(): string {
    if (this.kind === 'setup') return `MountVolume.SetUp failed for volume "${this.volume}" : ${this.message}`;
    return `Unable to attach or mount volumes: unmounted volumes=[${this.volume}], unattached volumes=[], failed to process volumes=[${this.volume}]: ${this.message}`;
  }
}

/** The API objects volume plugins read, with the node's credentials; undefined when not found. */
export interface VolumeSources {
  configMap(namespace: string, name: string): Promise<KubeObject | undefined>;
  secret(namespace: string, name: string): Promise<KubeObject | undefined>;
  persistentVolumeClaim(namespace: string, name: string): Promise<KubeObject | undefined>;
  persistentVolume(name: string): Promise<KubeObject | undefined>;
  /** A token from the TokenRequest API, bound to the pod. */
  serviceAccountToken(pod: KubeObject, audience: string | undefined, expirationSeconds: number): Promise<{ token: string; expiresAt: number }>;
}

/** What a plugin gets to set up one volume of one pod. */
export interface VolumeContext {
  pod: KubeObject;
  volume: VolumeSpec;
  /** `<pod dir>/volumes/<plugin>/<name>`: where the plugin keeps the volume, if it keeps it on this node. */
  dir: string;
  sources: VolumeSources;
  /** Facts for downwardAPI resource fields (node allocatable stands in for missing limits). */
  allocatable: Record<string, string>;
  /** Applies fsGroup ownership to what the plugin wrote (the security context owns the semantics). */
  ownership: OwnershipHook;
  /** Where mount commands run (the agent's command helper). */
  host: Host;
  now(): number;
}

/** Gives a volume's files to the pod's fsGroup; a no-op without one. */
export type OwnershipHook = (pod: KubeObject, path: string, readOnly: boolean) => Promise<void>;

/**
 * One kind of volume. `setUp` runs before the pod's containers start and again on every
 * sync (it must be idempotent and keep what exists, also after an agent restart); `update`
 * refreshes contents of a running pod (projected files); `tearDown` runs once the pod's
 * containers are gone.
 */
export interface VolumePlugin {
  /** The kubelet's plugin dir name, e.g. `kubernetes.io~empty-dir`. */
  readonly name: string;
  supports(volume: VolumeSpec): boolean;
  setUp(ctx: VolumeContext): Promise<MountedVolume>;
  /** The API objects whose changes should refresh this volume (`configmaps/ns/name`). */
  watches?(pod: KubeObject, volume: VolumeSpec): string[];
  /** When it next needs a refresh on its own (a token nearing expiry). */
  refreshAt?(pod: KubeObject, volume: VolumeSpec): number | undefined;
  tearDown?(dir: string, host: Host): Promise<void>;
}
