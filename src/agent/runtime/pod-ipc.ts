import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Host } from './command.js';
import { shellQuote } from './host-exec.js';
import { isMounted, unmount } from './overlay.js';

/**
 * The IPC a pod's containers share, as under a pause container: one IPC namespace (System V
 * shared memory, semaphores, message queues) kept alive by a bind mount of its nsfs file, no
 * process needed, and one `/dev/shm` tmpfs (POSIX shared memory), 64 MiB as containerd sizes
 * it. Both live in the pod's folder, so `k8ts reset` unmounts them with everything else.
 */
export interface PodIpc {
  /** The namespace file containers join (`linux.namespaces[type=ipc].path`). */
  ns: string;
  /** The tmpfs bound at every container's /dev/shm. */
  shm: string;
}

declare module './sandbox-store.js' {
  interface SandboxRecord {
    ipc?: PodIpc;
  }
}

declare module './container-runtime.js' {
  interface SandboxConfig {
    /** hostIPC: the containers keep the node's IPC namespace and /dev/shm. */
    hostIPC?: boolean;
  }
}

export function podIpcPaths(podDir: string): PodIpc {
  return { ns: join(podDir, 'ipc'), shm: join(podDir, 'shm') };
}

/**
 * Makes the pod's IPC namespace and /dev/shm (idempotent: what exists is kept), in one host
 * command.
 *
 * @example
 * const ipc = await ensurePodIpc(host, '/var/lib/k8ts/agent/pods/<uid>');
 * ociSpec({ …, ipcnsPath: ipc.ns, shmPath: ipc.shm });
 */
export async function ensurePodIpc(host: Host, podDir: string): Promise<PodIpc> {
  const ipc = podIpcPaths(podDir);
  const steps: string[] = [];
  // Files and folders from here; only what needs privileges forks (two execs for a new pod).
  if (!(await isMounted(ipc.ns))) {
    writeFileSync(ipc.ns, '');
    steps.push(`unshare --ipc=${shellQuote(ipc.ns)} true`);
  }
  if (!(await isMounted(ipc.shm))) {
    mkdirSync(ipc.shm, { recursive: true });
    steps.push(`mount -t tmpfs -o nosuid,nodev,noexec,mode=1777,size=65536k shm ${shellQuote(ipc.shm)}`);
  }
  if (steps.length) await host.shell(steps.join(' && '), { output: false });
  return ipc;
}

/** Unmounts the pod's IPC namespace and /dev/shm (their files go with the pod folder). */
export async function tearDownPodIpc(host: Host, ipc: PodIpc | undefined): Promise<void> {
  if (!ipc) return;
  await unmount(ipc.shm, host);
  await unmount(ipc.ns, host);
}
