// The real kubectl binaries, found the way this machine installs them, and a runner for them.
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

export type KubectlVersion = '1.27' | '1.28' | '1.29' | '1.30' | '1.31' | '1.32' | '1.33';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Path of `kubectl.<version>`: on PATH, or beside the real file the `kubectl` dispatcher on
 * PATH links to. Throws when missing: end-to-end tests need the real client.
 */
export function kubectlBinary(version: KubectlVersion): string {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const dir of dirs) {
    const candidate = join(dir, `kubectl.${version}`);
    if (isExecutable(candidate)) return candidate;
  }
  for (const dir of dirs) {
    const plain = join(dir, 'kubectl');
    if (!isExecutable(plain)) continue;
    const candidate = join(dirname(realpathSync(plain)), `kubectl.${version}`);
    if (isExecutable(candidate)) return candidate;
  }
  throw new Error(`kubectl.${version} not found on PATH or beside kubectl`);
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A kubectl bound to one cluster, one version and a private discovery cache. */
export class Kubectl {
  readonly binary: string;
  readonly cacheDir: string;

  constructor(
    readonly version: KubectlVersion,
    readonly kubeconfig: string,
  ) {
    this.binary = kubectlBinary(version);
    this.cacheDir = mkdtempSync(join(tmpdir(), `k8ts-kubectl-cache-${version}-`));
  }

  /** Runs kubectl; never rejects on a non-zero exit (tests assert on code/stderr). */
  run(args: string[], opts: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<KubectlResult> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        this.binary,
        ['--kubeconfig', this.kubeconfig, '--cache-dir', this.cacheDir, ...args],
        { encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...opts.env } },
        (err, stdout, stderr) => {
          if (err && typeof err.code !== 'number') return reject(err);
          resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
        },
      );
      if (opts.input !== undefined) child.stdin!.end(opts.input);
      else child.stdin?.end();
    });
  }

  /** Runs kubectl and fails with its stderr unless it exits 0; returns stdout. */
  async ok(args: string[], opts: { input?: string } = {}): Promise<string> {
    const r = await this.run(args, opts);
    if (r.code !== 0) throw new Error(`kubectl.${this.version} ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  }
}
