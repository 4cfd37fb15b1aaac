import type { Duplex } from 'node:stream';
import type { RemoteCommandStreams } from '../../streaming/remote-command/session.js';

/**
 * What the agent's streaming endpoints (exec, attach, port-forward) need from the node:
 * finding the container or pod a URL names, running commands in containers and reaching
 * ports inside pods. The runc implementations live beside this file; a simulated node can
 * supply its own.
 */

/** A running container the URL `/exec/<ns>/<pod>/<container>` names. */
export interface ContainerTarget {
  containerId: string;
  podUid: string;
  /** The pod sandbox's id (what the kubelet names in port-forward errors). */
  sandboxId: string;
}

/** A pod whose network `/portForward/<ns>/<pod>` reaches. */
export interface PodNetworkTarget {
  podUid: string;
  sandboxId: string;
  /** `/var/run/netns/k8ts-…` */
  netnsPath: string;
}

export interface StreamingTargets {
  /** The running container, or undefined (the client is told `container not found ("name")`). */
  container(namespace: string, pod: string, container: string): Promise<ContainerTarget | undefined>;
  /** The pod's network, or undefined when the pod has no ready sandbox here. */
  podNetwork(namespace: string, pod: string): Promise<PodNetworkTarget | undefined>;
}

/** The stdio of a command or an attach: the client's streams as the API server's session hands them over. */
export type StdioStreams = RemoteCommandStreams;

/** The command could not be started (not found, the runtime failed); the message reaches the user. */
export class ExecStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecStartError';
  }
}

/** Runs a command inside a running container (`kubectl exec`). */
export interface ExecRunner {
  /**
   * Runs `command` in the container with the given stdio; resolves with its exit code once
   * it exited and its output was delivered. Rejects with ExecStartError when it never ran.
   */
  exec(target: ContainerTarget, command: readonly string[], stdio: StdioStreams): Promise<number>;
}

/** Connects to a container's main process (`kubectl attach`). */
export interface Attacher {
  /** Resolves when the container exited or the client detached. */
  attach(target: ContainerTarget, stdio: StdioStreams): Promise<void>;
}

/** Opens TCP connections inside a pod's network namespace (`kubectl port-forward`). */
export interface PodPortDialer {
  /** Connects to `port` on the pod's loopback; rejects with the reason the client is told. */
  dial(target: PodNetworkTarget, port: number): Promise<Duplex>;
}
