import type { Writable } from 'node:stream';

/**
 * The runtime contract of the agent (a small CRI): pod sandboxes and containers. The pod
 * workers speak only this interface, so a simulated node can stand in for runc.
 */

/** A bind mount from the host into a container. */
export interface BindMount {
  hostPath: string;
  containerPath: string;
  readOnly?: boolean;
}

/** What a pod sandbox needs (one network namespace plus the files every container shares). */
export interface SandboxConfig {
  podUid: string;
  podName: string;
  namespace: string;
  hostname: string;
  /** Text of /etc/hosts (the kubelet's managed hosts file). */
  hostsFile: string;
  /** Text of /etc/resolv.conf. */
  resolvConf: string;
  /** Where the pod's containers go: `<cgroupRoot>/kubepods/<qos>/pod<uid>`. */
  cgroupParent: string;
  /** Limits of the pod's cgroup itself (summed container limits, pids limit), written before containers start. */
  podResources?: import('./pod-cgroup.js').PodCgroupResources;
  /** Share the node's network namespace (no netns, no network plugin). */
  hostNetwork?: boolean;
  /** hostPort mappings of the pod's containers, for the network plugin. */
  portMappings?: { hostPort: number; containerPort: number; protocol: 'tcp' | 'udp'; hostIP?: string }[];
}

export interface SandboxStatus {
  id: string;
  podUid: string;
  /** `/var/run/netns/k8ts-…`: where exec / port-forward reach the pod's network; empty on the host network. */
  netnsPath: string;
  /** Pod IPs once a network plugin gives some; empty with loopback only. */
  ips: string[];
  createdAt: number;
  state: 'ready' | 'notready';
}

/** Resource settings of one container, in the units the kernel takes. */
export interface ContainerResources {
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  memoryLimitBytes?: number;
  oomScoreAdj?: number;
}

export interface ContainerSecurity {
  privileged?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  readOnlyRootFilesystem?: boolean;
  noNewPrivileges?: boolean;
}

/** The pod spec's `stdin`, `stdinOnce` and `tty` of a container. */
export interface ContainerStdioConfig {
  /** Keep stdin open for attach (`kubectl run -i`). */
  stdin: boolean;
  /** Close stdin once the first attach ends. */
  stdinOnce: boolean;
  /** Run the main process on a terminal. */
  tty: boolean;
}

/**
 * The live stdio of a running container's main process, for `kubectl attach`.
 *
 * @example
 * const live = runtime.attachStdio?.(id);
 * const stop = live?.subscribe((stream, chunk) => process.stdout.write(chunk));
 */
export interface LiveStdio {
  readonly stdin: boolean;
  readonly stdinOnce: boolean;
  readonly tty: boolean;
  /** Receives the process's output from now on; returns the unsubscribe function. */
  subscribe(listener: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): () => void;
  /** A writer into the process's stdin (closing it does not close stdin); undefined without stdin or once closed. */
  openStdin(): Writable | undefined;
  /** Closes the process's stdin for good: it reads end-of-file (stdinOnce). */
  closeStdin(): void;
  /** Sets the size of the container's terminal (tty only). */
  resize(size: { width: number; height: number }): void;
}

/** A container to create: the process, its root filesystem (image layers) and where its logs go. */
export interface ContainerConfig {
  name: string;
  /** Image layers, lowest first (ImageInfo.layers). */
  layers: string[];
  args: string[];
  env: string[];
  workingDir: string;
  user: { uid: number; gid: number; additionalGids?: number[] };
  mounts: BindMount[];
  resources: ContainerResources;
  security: ContainerSecurity;
  /** CRI log file the runtime writes (`<ts> stdout F line`). */
  logPath: string;
  /** Opaque key/values kept with the container and returned by state()/list() (pod uid, attempt …). */
  labels: Record<string, string>;
  /** stdin / tty of the main process; absent: stdin on /dev/null, no terminal. */
  stdio?: ContainerStdioConfig;
}

/** Exit information of a finished container. */
export interface ContainerExit {
  exitCode: number;
  finishedAt: number;
  /** `OOMKilled` when the kernel killed it, `StartError` when the process never ran. */
  reason?: 'OOMKilled' | 'StartError';
  message?: string;
}

/** Where a container is: the union that pod status is built from. */
export type ContainerState =
  | { phase: 'created' }
  | { phase: 'running'; pid: number; startedAt: number }
  | { phase: 'exited'; startedAt?: number; exit: ContainerExit };

export interface ContainerInfo {
  id: string;
  sandboxId: string;
  name: string;
  labels: Record<string, string>;
  createdAt: number;
  logPath: string;
  state: ContainerState;
}

export interface ContainerRuntime {
  /** `runc`, `crun` … (the scheme of containerID URLs: `runc://<id>`). */
  readonly name: string;
  /** `runc://1.1.5` as Node nodeInfo.containerRuntimeVersion shows it. */
  version(): Promise<string>;

  runSandbox(config: SandboxConfig): Promise<SandboxStatus>;
  sandboxStatus(id: string): Promise<SandboxStatus | undefined>;
  /** Tears down the sandbox's network (the pod finished); its exited containers stay readable. */
  stopSandbox(id: string): Promise<void>;
  /** Removes the sandbox's network namespace, files and pod cgroup; its containers must be gone. */
  removeSandbox(id: string): Promise<void>;
  listSandboxes(): Promise<SandboxStatus[]>;

  create(sandboxId: string, config: ContainerConfig): Promise<ContainerInfo>;
  /** Starts a created container; resolves once its process runs (or throws when it cannot start). */
  start(id: string): Promise<ContainerInfo>;
  /** Sends a signal to the container's main process. */
  kill(id: string, signal: 'SIGTERM' | 'SIGKILL' | 'SIGINT' | 'SIGHUP' | 'SIGQUIT' | 'SIGUSR1' | 'SIGUSR2'): Promise<void>;
  /** SIGTERM (or the image's stop signal), then SIGKILL after `graceSeconds`; resolves when it exited. */
  stop(id: string, graceSeconds: number, signal?: 'SIGTERM' | 'SIGINT' | 'SIGQUIT'): Promise<void>;
  /** Removes an exited container: its rootfs mount, bundle and runtime state (its log file stays). */
  delete(id: string): Promise<void>;
  state(id: string): Promise<ContainerInfo | undefined>;
  list(): Promise<ContainerInfo[]>;
  /** The live stdio of a running container, when the runtime keeps it (attach with input). */
  attachStdio?(id: string): { live: LiveStdio; exited: Promise<void> } | undefined;
  /** Called once per container exit (also for exits noticed after an agent restart). */
  onExit(handler: (info: ContainerInfo) => void): void;
  /** Stops watching containers (they keep running). */
  close(): Promise<void>;
}
