import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KubeObject } from '../../api/types.js';
import { podHostname } from '../../network/dns/hosts-file.js';
import type { ImageInfo } from '../images/image-service.js';
import type { ContainerConfig } from '../runtime/container-runtime.js';
import { containerArgv } from './command.js';
import { containerResources } from './container-resources.js';
import { labels } from './container-labels.js';
import { containerUser } from './container-user.js';
import { ContainerConfigError, containerEnv, mergeEnv, type EnvContext, type EnvSources } from './env.js';
import type { PodPaths } from './pod-paths.js';
import { containerSecurity } from './security-context.js';
import { containerVolumeMounts, type VolumeMountSpec } from '../volumes/container-mounts.js';
import type { MountedVolume } from '../volumes/volume-types.js';

/** The parts of a pod's container spec the agent reads. */
export interface ContainerSpec {
  name: string;
  image: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: never[];
  envFrom?: never[];
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
  restartPolicy?: string;
  volumeMounts?: VolumeMountSpec[];
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
}

/**
 * A short hash of a container's definition: when it changes (say, `kubectl set image` on a
 * pod), the running container is replaced, as the kubelet does.
 */
export function containerHash(c: ContainerSpec): string {
  return createHash('sha256').update(JSON.stringify({ ...c, resources: undefined })).digest('hex').slice(0, 8);
}

export interface ConfigContext extends EnvContext {
  sources: EnvSources;
  /** Service link variables for the pod (explicit env wins over them). */
  serviceEnv?: [string, string][];
  paths: PodPaths;
  memoryCapacity: number;
  /** The pod's volumes as the volume manager set them up, by name. */
  volumes?: Map<string, MountedVolume>;
}

/**
 * Everything the runtime needs to create one container of a pod: the merged command, env,
 * user, limits, security settings, termination-log mount, CRI log path and the labels that
 * let the agent rebuild the pod from the runtime after a restart.
 */
export async function containerConfig(pod: KubeObject, c: ContainerSpec, image: ImageInfo, attempt: number, init: boolean, ctx: ConfigContext): Promise<ContainerConfig> {
  const status = (pod.status ?? {}) as { qosClass?: 'Guaranteed' | 'Burstable' | 'BestEffort' };
  const podEnv = await containerEnv(pod, c as never, ctx.sources, ctx);
  const envMap = Object.fromEntries([...(ctx.serviceEnv ?? []), ...podEnv]);
  const args = containerArgv(c, image.config, envMap);
  if (args.length === 0) throw new ContainerConfigError('no command specified');
  const hostname = podHostname(pod);
  const user = containerUser(image.config.user, image.layers, pod, c as never);
  const uid = pod.metadata.uid!;
  const mounts: ContainerConfig['mounts'] = containerVolumeMounts(c.name, c.volumeMounts, ctx.volumes, envMap);
  let terminationFile: string | undefined;
  if (c.terminationMessagePath) {
    terminationFile = ctx.paths.terminationLog(uid, c.name, attempt);
    mkdirSync(dirname(terminationFile), { recursive: true });
    writeFileSync(terminationFile, '');
    chmodSync(terminationFile, 0o666);
    mounts.push({ hostPath: terminationFile, containerPath: c.terminationMessagePath });
  }
  return {
    name: c.name,
    layers: image.layers,
    args,
    env: mergeEnv(image.config.env, hostname, [...(ctx.serviceEnv ?? []), ...podEnv]),
    workingDir: c.workingDir || image.config.workingDir || '/',
    user,
    mounts,
    resources: containerResources(c.resources, status.qosClass ?? 'BestEffort', ctx.memoryCapacity),
    // Localhost seccomp profiles live in `<agent data dir>/seccomp` (the kubelet's `<root-dir>/seccomp`).
    security: containerSecurity(pod, c as never, join(dirname(ctx.paths.podsDir), 'seccomp')),
    logPath: ctx.paths.containerLog(pod, c.name, attempt),
    ...(c.stdin || c.tty ? { stdio: { stdin: !!c.stdin, stdinOnce: !!c.stdinOnce, tty: !!c.tty } } : {}),
    labels: {
      [labels.podUid]: uid,
      [labels.podName]: pod.metadata.name ?? '',
      [labels.podNamespace]: pod.metadata.namespace ?? '',
      [labels.containerName]: c.name,
      [labels.attempt]: String(attempt),
      [labels.hash]: containerHash(c),
      [labels.image]: image.ref,
      [labels.imageID]: image.imageID,
      ...(init ? { [labels.init]: 'true' } : {}),
      ...(terminationFile ? { [labels.terminationLog]: terminationFile } : {}),
      [labels.terminationPolicy]: c.terminationMessagePolicy ?? 'File',
    },
  };
}
