import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Bytes used under `dir` (allocated blocks, as `du` counts), not following symlinks or
 * crossing into other filesystems; a missing dir is 0. For the container writable layers
 * and logs that ephemeral-storage limits count.
 *
 * @example
 * await diskUsage('/var/lib/k8ts/agent/pods/<uid>/containers/<id>/upper'); // 4096
 */
export async function diskUsage(dir: string): Promise<number> {
  let st;
  try {
    st = await lstat(dir);
  } catch {
    return 0;
  }
  let total = st.blocks * 512;
  if (!st.isDirectory()) return total;
  const dev = st.dev;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    let names: string[];
    try {
      names = await readdir(d);
    } catch {
      continue;
    }
    for (const n of names) {
      const p = join(d, n);
      try {
        const s = await lstat(p);
        if (s.dev !== dev) continue;
        total += s.blocks * 512;
        if (s.isDirectory()) stack.push(p);
      } catch {
        // removed meanwhile
      }
    }
  }
  return total;
}
