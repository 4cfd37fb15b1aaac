import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContainerConfigError } from './env.js';

interface SecurityContextLike {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  supplementalGroups?: number[];
  fsGroup?: number;
}

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

function groupId(text: string | undefined, name: string): number | undefined {
  const line = (text ?? '').split('\n').find((l) => l.split(':')[0] === name);
  return line ? Number(line.split(':')[2]) : undefined;
}

const numeric = (s: string) => /^\d+$/.test(s);

/**
 * The uid/gid a container runs as: the security context (container over pod) wins, else the
 * image's USER (`uid`, `uid:gid`, `name`, `name:group`, names looked up in the image's
 * /etc/passwd and /etc/group), else root. Enforces `runAsNonRoot` with the kubelet's messages.
 *
 * @example
 * containerUser(image.config.user, image.layers, pod.spec.securityContext, c.securityContext, 'web', 'web');
 */
export function containerUser(
  imageUser: string | undefined,
  layers: readonly string[],
  podSc: SecurityContextLike | undefined,
  sc: SecurityContextLike | undefined,
  podName: string,
  containerName: string,
): { uid: number; gid: number; additionalGids: number[] } {
  const [userPart = '', groupPart] = (imageUser ?? '').split(':');
  let uid = sc?.runAsUser ?? podSc?.runAsUser;
  let gid = sc?.runAsGroup ?? podSc?.runAsGroup;
  if (uid === undefined && userPart) {
    const nonRoot = sc?.runAsNonRoot ?? podSc?.runAsNonRoot;
    if (!numeric(userPart) && nonRoot) {
      throw new ContainerConfigError(`container has runAsNonRoot and image has non-numeric user (${userPart}), cannot verify user is non-root (pod: "${podName}", container: ${containerName})`);
    }
    const entries = passwdEntries(readImageFile(layers, 'passwd'));
    const entry = numeric(userPart) ? entries.find((e) => e.uid === Number(userPart)) : entries.find((e) => e.name === userPart);
    if (!numeric(userPart) && !entry) throw new ContainerConfigError(`unable to find user ${userPart}: no matching entries in passwd file`);
    uid = numeric(userPart) ? Number(userPart) : entry!.uid;
    if (gid === undefined && !groupPart) gid = entry?.gid;
  }
  if (gid === undefined && groupPart) {
    gid = numeric(groupPart) ? Number(groupPart) : groupId(readImageFile(layers, 'group'), groupPart);
    if (gid === undefined) throw new ContainerConfigError(`unable to find group ${groupPart}: no matching entries in group file`);
  }
  uid ??= 0;
  gid ??= 0;
  if ((sc?.runAsNonRoot ?? podSc?.runAsNonRoot) && uid === 0) {
    throw new ContainerConfigError(`container has runAsNonRoot and image will run as root (pod: "${podName}", container: ${containerName})`);
  }
  const additionalGids = [...(podSc?.supplementalGroups ?? []), ...(podSc?.fsGroup !== undefined ? [podSc.fsGroup] : [])];
  return { uid, gid, additionalGids: [...new Set(additionalGids)] };
}
