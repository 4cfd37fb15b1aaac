/**
 * The two file operations Node has no API for — creating device nodes (`mknod`) and setting
 * extended attributes (`setfattr`) — batched into one child process per layer, so a layer
 * with a thousand whiteouts costs one spawn, not a thousand.
 */
import { spawn } from 'node:child_process';

/** A device node, FIFO or overlayfs whiteout (a char device 0/0) to create. */
export interface NodeSpec {
  path: string;
  type: 'c' | 'b' | 'p';
  major: number;
  minor: number;
  mode: number;
}

/** One extended attribute to set; values are raw bytes. */
export interface XattrSpec {
  path: string;
  name: string;
  value: Buffer;
}

const MKNOD_BATCH = 400;

/** Creates every node with Debian's `mknod` (coreutils), 400 per shell. */
export async function makeNodes(nodes: NodeSpec[]): Promise<void> {
  const script =
    'while [ $# -gt 0 ]; do if [ "$2" = p ]; then mknod -m "$5" "$1" p || exit 1; ' +
    'else mknod -m "$5" "$1" "$2" "$3" "$4" || exit 1; fi; shift 5; done';
  for (let i = 0; i < nodes.length; i += MKNOD_BATCH) {
    const args = nodes
      .slice(i, i + MKNOD_BATCH)
      .flatMap((n) => [n.path, n.type, String(n.major), String(n.minor), (n.mode & 0o7777).toString(8).padStart(4, '0')]);
    await run('/bin/sh', ['-c', script, 'sh', ...args], undefined, 'mknod');
  }
}

/**
 * Sets extended attributes with `setfattr --restore` (Debian's `attr` package): paths are
 * written relative to `cwd` with getfattr's octal escapes, values base64-encoded.
 */
export async function setXattrs(cwd: string, attrs: XattrSpec[]): Promise<void> {
  if (attrs.length === 0) return;
  const byPath = new Map<string, XattrSpec[]>();
  for (const a of attrs) byPath.set(a.path, [...(byPath.get(a.path) ?? []), a]);
  let dump = '';
  for (const [path, list] of byPath) {
    dump += `# file: ${escapePath(path)}\n`;
    for (const a of list) dump += `${a.name}=0s${a.value.toString('base64')}\n`;
    dump += '\n';
  }
  await run('/usr/bin/setfattr', ['-h', '--restore=-'], dump, 'setfattr', cwd);
}

/** getfattr's quoting: backslash, control characters, `=` and non-ASCII bytes become `\ooo`. */
function escapePath(path: string): string {
  let out = '';
  for (const byte of Buffer.from(path, 'utf8')) {
    out += byte < 0x21 || byte > 0x7e || byte === 0x5c || byte === 0x3d ? `\\${byte.toString(8).padStart(3, '0')}` : String.fromCharCode(byte);
  }
  return out;
}

function run(cmd: string, args: string[], stdin: string | undefined, what: string, cwd?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: [stdin === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (c: string) => (stderr = (stderr + c).slice(-2000)));
    child.once('error', (err) => reject(new Error(`${what}: ${err.message} (is ${cmd} installed?)`)));
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${what} failed (exit ${code}): ${stderr.trim()}`))));
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}
