/**
 * Which unpacked layers are in use right now, read from the kernel rather than from anyone's
 * bookkeeping: every overlayfs mount lists its lower dirs in `/proc/self/mountinfo`. A
 * container's root filesystem is such a mount, so garbage collection never deletes a layer
 * under a running container, and prune keeps an image whose exact layer stack is mounted —
 * even when the process that mounted it (the agent) wrote no lease.
 */
import { readFile } from 'node:fs/promises';

/**
 * The lower-dir stacks of all overlay mounts, each lowest layer first (the order of
 * ImageInfo.layers; `lowerdir=` lists the top one first).
 *
 * @example
 * const stacks = await overlayLowerStacks();
 * const inUse = stacks.some((s) => s.join(':') === image.layers.join(':'));
 */
export async function overlayLowerStacks(mountinfo = '/proc/self/mountinfo'): Promise<string[][]> {
  let text: string;
  try {
    text = await readFile(mountinfo, 'utf8');
  } catch {
    return [];
  }
  return parseOverlayLowerStacks(text);
}

export function parseOverlayLowerStacks(mountinfo: string): string[][] {
  const stacks: string[][] = [];
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const [fstype, , superOptions = ''] = line.slice(sep + 3).split(' ');
    if (fstype !== 'overlay') continue;
    const lowers: string[] = [];
    for (const opt of splitOptions(superOptions)) {
      // `lowerdir=A:B` (top first); newer kernels may also show `lowerdir+=A` per layer.
      const m = /^lowerdir\+?=(.*)$/.exec(opt);
      if (!m) continue;
      lowers.push(...splitColons(unescape(m[1]!)));
    }
    if (lowers.length > 0) stacks.push(lowers.reverse());
  }
  return stacks;
}

/** Options are comma-separated; a comma inside a value is escaped with a backslash. */
function splitOptions(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      cur += s[i]! + s[i + 1]!;
      i++;
    } else if (s[i] === ',') {
      out.push(cur);
      cur = '';
    } else cur += s[i];
  }
  out.push(cur);
  return out;
}

/** Lower dirs are colon-separated (`::` marks data-only layers); `\:` is a literal colon. */
function splitColons(s: string): string[] {
  return s
    .split(/(?<!\\):/)
    .filter((p) => p !== '')
    .map((p) => p.replace(/\\:/g, ':'));
}

/** mountinfo's octal escapes (`\040` for a space) and escaped commas. */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))).replace(/\\,/g, ',');
}
