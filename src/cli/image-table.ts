/**
 * `k8ts image ls` output, shaped like `crictl images`: IMAGE, TAG, IMAGE ID (13 hex digits
 * of the config digest), SIZE in decimal units with three significant digits, laid out like
 * Go's tabwriter with crictl's settings (minimum width 20, padding 3).
 */
import { shortDigest } from '../agent/images/digest.js';

export interface ImageRow {
  name: string;
  tag?: string;
  configDigest: string;
  size: number;
}

/** Go's units.HumanSizeWithPrecision(size, 3): `4.26MB`, `999B`, `12kB`. */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < units.length - 1) {
    size /= 1000;
    i++;
  }
  return `${Number(size.toPrecision(3))}${units[i]}`;
}

/**
 * Renders the table; rows are sorted by name, then tag.
 *
 * @example
 * process.stdout.write(formatImageTable([{ name: 'docker.io/library/busybox', tag: 'latest', configDigest, size }]));
 */
export function formatImageTable(rows: ImageRow[], opts: { quiet?: boolean } = {}): string {
  const sorted = [...rows].sort((a, b) => a.name.localeCompare(b.name) || (a.tag ?? '').localeCompare(b.tag ?? ''));
  if (opts.quiet) return [...new Set(sorted.map((r) => r.configDigest))].map((d) => `${d}\n`).join('');
  const cells = [['IMAGE', 'TAG', 'IMAGE ID', 'SIZE'], ...sorted.map((r) => [r.name, r.tag ?? '<none>', shortDigest(r.configDigest, 13), humanSize(r.size)])];
  const widths = [0, 1, 2].map((c) => Math.max(20, ...cells.map((row) => row[c]!.length + 3)));
  return cells.map((row) => row.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]!) : cell)).join('') + '\n').join('');
}
