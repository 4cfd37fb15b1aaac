import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../../api/types.js';
import { ContainerConfigError } from './env.js';
import { podDescription } from './pod-events.js';
import { effectiveSecurityContext, type ContainerSecurityContextSpec, type EffectiveSecurityContext, type PodSecurityContextSpec } from './security-context.js';

/** Reads `/etc/<file>` from the topmost image layer that has it. */
function readImageFile(layers: readonly string[], file: string): string | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    try {
      return readFileSync(join(layers[i]!, 'etc', file), 'utf8');
    } catch {
      // not in this layer
    }
  }
  return undefined;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

function passwdEntries(text: string | undefined): PasswdEntry[] {
  return (text ?? '')
    .split('\n')
    .map((l) => l.split(':'))
    .filter((p) => p.length >= 4)
    .map((p) => ({ name: p[0]!, uid: Number(p[2]), gid: Number(p[3]) }));
}

const numeric = (s: string) => /^\d+$/.test(s);

/** Groups of the image's /etc/group that list `user` as a member (containerd adds them). */
function memberGroups(text: string | undefined, user: string | undefined): number[] {
  if (!user) return [];
  const out: number[] = [];
  for (const line of (text ?? '').split('\n')) {
    const [name, , gid, members = ''] = line.split(':');
    if (name === undefined || gid === undefined || !numeric(gid) || name === user) continue;
    if (members.split(',').map((m) => m.trim()).includes(user)) out.push(Number(gid));
  }
  return out;
}

/**
 * The kubelet's runAsNonRoot check, made before the runtime resolves user names: an explicit
 * runAsUser 0, an image that runs as root (no USER, or uid 0), or an image USER given by name
 * (it cannot be verified) refuse to start with CreateContainerConfigError.
 */
function verifyRunAsNonRoot(sc: EffectiveSecurityContext, imageUser: string, pod: KubeObject, container: string): void {
  if (!sc.runAsNonRoot) return;
  const ref = JSON.stringify(podDescription(pod));
  if (sc.runAsUser !== undefined) {
    if (sc.runAsUser === 0) throw new ContainerConfigError(`container's runAsUser breaks non-root policy (pod: ${ref}, container: ${container})`);
    return;
  }
  const userPart = imageUser.split(':')[0] ?? '';
  if (userPart === '' || (numeric(userPart) && Number(userPart) === 0)) {
    throw new ContainerConfigError(`container has runAsNonRoot and image will run as root (pod: ${ref}, container: ${container})`);
  }
  if (!numeric(userPart)) {
    throw new ContainerConfigError(`container has runAsNonRoot and image has non-numeric user (${userPart}), cannot verify user is non-root (pod: ${ref}, container: ${container})`);
  }
}

/**
 * The uid/gid and groups a container runs as: the security context (container over pod) wins,
 * else the image's USER (a uid or a name looked up in the image's /etc/passwd; a `:group`
 * part is ignored, as on Kubernetes), else root; the gid is runAsGroup, else the user's
 * primary group in the image, else 0. Enforces `runAsNonRoot` with the kubelet's
 * messages. The groups are containerd's: the primary gid, the image's groups that list the
 * user (unless `supplementalGroupsPolicy: Strict`), then fsGroup and supplementalGroups.
 *
 * @example
 * containerUser(image.config.user, image.layers, pod, pod.spec.containers[0]);
 * // { uid: 1000, gid: 1000, additionalGids: [1000, 2000] }
 */
export function containerUser(
  imageUser: string | undefined,
  layers: readonly string[],
  pod: KubeObject,
  container: { name: string; securityContext?: ContainerSecurityContextSpec },
): { uid: number; gid: number; additionalGids: number[] } {
  const podSc = (pod.spec as { securityContext?: PodSecurityContextSpec } | undefined)?.securityContext;
  const sc = effectiveSecurityContext(podSc, container.securityContext);
  verifyRunAsNonRoot(sc, imageUser ?? '', pod, container.name);
  // Only the user part of the image's USER counts: the runtime reports the image's uid or
  // name without its group, and the kubelet passes just that on (`1000:50` runs with gid
  // from /etc/passwd, not 50).
  const userPart = (imageUser ?? '').split(':')[0] ?? '';
  let uid = sc.runAsUser;
  const entries = passwdEntries(readImageFile(layers, 'passwd'));
  let entry: PasswdEntry | undefined;
  if (uid === undefined && userPart) {
    entry = numeric(userPart) ? entries.find((e) => e.uid === Number(userPart)) : entries.find((e) => e.name === userPart);
    if (!numeric(userPart) && !entry) throw new ContainerConfigError(`unable to find user ${userPart}: no matching entries in passwd file`);
    uid = numeric(userPart) ? Number(userPart) : entry!.uid;
  }
  uid ??= 0;
  entry ??= entries.find((e) => e.uid === uid);
  // A uid the image knows takes its primary group, as the runtime's user lookup does; else 0.
  const gid = sc.runAsGroup ?? entry?.gid ?? 0;
  const imageGroups = podSc?.supplementalGroupsPolicy === 'Strict' ? [] : memberGroups(readImageFile(layers, 'group'), entry?.name);
  const additionalGids = [gid, ...imageGroups, ...(podSc?.fsGroup !== undefined ? [podSc.fsGroup] : []), ...(podSc?.supplementalGroups ?? [])];
  return { uid, gid, additionalGids: [...new Set(additionalGids)] };
}
