import { readFileSync, writeFileSync } from 'node:fs';

let floor: number | undefined;

/**
 * The lowest oom_score_adj the agent's children may be given. Lowering a score needs
 * CAP_SYS_RESOURCE (or a floor set earlier by a privileged ancestor); in a container or VM
 * without it, runc would fail to start any container asking for less (the Guaranteed pods'
 * -997). Found once by trying on the agent's own process and restoring its value.
 *
 * @example
 * Math.max(-997, lowestOomScoreAdj()); // -997 with CAP_SYS_RESOURCE, else the agent's own score
 */
export function lowestOomScoreAdj(path = '/proc/self/oom_score_adj'): number {
  if (floor !== undefined) return floor;
  let own = 0;
  try {
    own = Number(readFileSync(path, 'utf8').trim()) || 0;
  } catch {
    return (floor = -1000);
  }
  try {
    writeFileSync(path, '-1000');
    writeFileSync(path, String(own));
    floor = -1000;
  } catch {
    floor = own;
  }
  return floor;
}
