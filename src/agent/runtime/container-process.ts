import { spawn } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, statSync, watch } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { CriLogWriter, type LogRotation } from '../logs/cri-log-writer.js';
import type { LogStream } from '../logs/cri-format.js';
import { runCommand } from './command.js';
import type { OciCli } from './oci-cli.js';

/** The files of one running container inside its bundle directory. */
export interface ProcessFiles {
  bundle: string;
  pidFile: string;
  exitFile: string;
  runtimeLog: string;
  fifos: Record<LogStream, string>;
}

export function processFiles(bundle: string): ProcessFiles {
  return {
    bundle,
    pidFile: join(bundle, 'pid'),
    exitFile: join(bundle, 'exit'),
    runtimeLog: join(bundle, 'runtime.log'),
    fifos: { stdout: join(bundle, 'stdout.fifo'), stderr: join(bundle, 'stderr.fifo') },
  };
}

/**
 * The shim: a detached `sh` that runs `<runtime> run` in the foreground and, when it returns,
 * records the exit status in a file. It outlives the agent, so a restarted agent still learns
 * how its containers ended (a detached `runc create` would lose the status to PID 1).
 */
const shimScript = '"$@"; echo $? > "$K8TS_EXIT_FILE.tmp" && mv "$K8TS_EXIT_FILE.tmp" "$K8TS_EXIT_FILE"';

/**
 * Copies a container's stdout/stderr FIFOs into its CRI log file. The FIFOs are opened
 * non-blocking so hundreds of them cost no threads; the container holds its ends read-write,
 * so it never gets SIGPIPE while no agent reads (it blocks once the pipe buffer is full).
 */
export class LogPump {
  private readonly writer: CriLogWriter;
  private readonly sockets: net.Socket[] = [];
  /** Resolves when both streams reached EOF (every writer closed) or the pump was closed. */
  readonly done: Promise<void>;

  constructor(files: ProcessFiles, logPath: string, rotation: LogRotation) {
    this.writer = new CriLogWriter(logPath, rotation);
    const ends: Promise<void>[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const fd = openSync(files.fifos[stream], constants.O_RDONLY | constants.O_NONBLOCK);
      const socket = new net.Socket({ fd, readable: true, writable: false });
      this.sockets.push(socket);
      socket.on('data', (chunk: Buffer) => this.writer.write(stream, chunk));
      ends.push(
        new Promise<void>((resolve) => {
          socket.once('close', () => {
            this.writer.end(stream);
            resolve();
          });
          socket.on('error', () => socket.destroy());
        }),
      );
    }
    this.done = Promise.all(ends).then(() => this.writer.close());
  }

  /** Waits for the streams to drain after the process ended, at most `ms` (a stray child may hold them). */
  async drain(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.done, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
    clearTimeout(timer);
    this.close();
  }

  /** Stops reading (agent shutdown); the container keeps its ends and keeps running. */
  close(): void {
    for (const s of this.sockets) s.destroy();
  }
}

export type LaunchResult =
  | { kind: 'running'; pid: number; startedAt: number }
  | { kind: 'failed'; exitCode: number; message: string; finishedAt: number };

async function makeFifos(files: ProcessFiles): Promise<void> {
  for (const f of Object.values(files.fifos)) await unlink(f).catch(() => undefined);
  await runCommand('mkfifo', ['-m', '600', files.fifos.stdout, files.fifos.stderr]);
}

/** The last error the runtime logged (JSON log lines), e.g. `exec: "foo": executable file not found in $PATH`. */
export async function runtimeError(files: ProcessFiles): Promise<string | undefined> {
  const text = await readFile(files.runtimeLog, 'utf8').catch(() => '');
  let msg: string | undefined;
  for (const line of text.split('\n')) {
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string };
      if (entry.level === 'error' || entry.level === 'fatal') msg = entry.msg;
    } catch {
      // not JSON
    }
  }
  return msg;
}

/** The recorded exit of a container, if its shim wrote one: code and the time it was written. */
export async function readExitFile(files: ProcessFiles): Promise<{ code: number; finishedAt: number } | undefined> {
  try {
    const text = await readFile(files.exitFile, 'utf8');
    const code = Number.parseInt(text.trim(), 10);
    return { code: Number.isNaN(code) ? 255 : code, finishedAt: statSync(files.exitFile).mtimeMs };
  } catch {
    return undefined;
  }
}

/**
 * Starts a created bundle through the shim and resolves once the container's process exists
 * (the runtime wrote its pid file), or with the failure when the runtime gave up first.
 * `onExit` fires when the shim ends (the exit file is written by then).
 */
export async function launchContainer(
  cli: OciCli,
  id: string,
  files: ProcessFiles,
  startLogPump: () => void,
  onExit: () => void,
): Promise<LaunchResult> {
  await makeFifos(files);
  await Promise.all([unlink(files.pidFile), unlink(files.exitFile), unlink(files.runtimeLog)].map((p) => p.catch(() => undefined)));
  startLogPump();
  const out = openSync(files.fifos.stdout, constants.O_RDWR);
  const err = openSync(files.fifos.stderr, constants.O_RDWR);
  const argv = cli.argv(cli.runArgs({ log: files.runtimeLog, pidFile: files.pidFile, bundle: files.bundle, id }));
  const child = spawn('/bin/sh', ['-c', shimScript, 'k8ts-shim', ...argv], {
    detached: true,
    stdio: ['ignore', out, err],
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', K8TS_EXIT_FILE: files.exitFile },
  });
  closeSync(out);
  closeSync(err);
  child.unref();
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
      onExit();
    });
    child.once('error', () => {
      exited = true;
      resolve();
    });
  });
  // runc renames the pid file into place once the process exists: watch for it (polling backs it up).
  let nudge: (() => void) | undefined;
  const watcher = watch(files.bundle, (_event, name) => {
    if (name === 'pid') nudge?.();
  });
  watcher.on('error', () => undefined);
  try {
    return await waitForPid(files, exitedPromise, () => exited, (n) => (nudge = n), cli.name);
  } finally {
    watcher.close();
  }
}

async function waitForPid(
  files: ProcessFiles,
  exitedPromise: Promise<void>,
  exited: () => boolean,
  onNudge: (n: () => void) => void,
  runtimeName: string,
): Promise<LaunchResult> {
  for (let delay = 2; ; delay = Math.min(delay * 2, 20)) {
    if (existsSync(files.pidFile)) {
      const pid = Number.parseInt(await readFile(files.pidFile, 'utf8'), 10);
      // The pid file is written the moment the process exists: a better start time than now.
      return { kind: 'running', pid, startedAt: Math.floor(statSync(files.pidFile).mtimeMs) };
    }
    if (exited()) break;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      exitedPromise,
      new Promise<void>((r) => {
        timer = setTimeout(r, delay);
        onNudge(r);
      }),
    ]);
    clearTimeout(timer);
  }
  const exit = await readExitFile(files);
  const message = (await runtimeError(files)) ?? `${runtimeName} exited with ${exit?.code ?? 'unknown status'}`;
  return { kind: 'failed', exitCode: exit?.code ?? 255, message, finishedAt: exit?.finishedAt ?? Date.now() };
}
