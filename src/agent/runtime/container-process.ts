import { closeSync, constants, existsSync, openSync, readFileSync, statSync, watch } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { CriLogWriter, type LogRotation } from '../logs/cri-log-writer.js';
import type { LogStream } from '../logs/cri-format.js';
import type { Host } from './command.js';
import { shellQuote } from './host-exec.js';
import { shimStdinLines, ttyWrappedArgv, type StdioFiles } from './container-stdio.js';
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
 * The shim: a detached `sh` that takes the FIFOs as its stdout/stderr (read-write, so it
 * never blocks on open), gives the process its stdin (see {@link shimStdinLines}), runs
 * `<runtime> run` in the foreground and, when it returns, records the exit status in a file.
 * It outlives the agent, so a restarted agent still learns how its containers ended (a
 * detached `runc create` would lose the status to PID 1).
 */
function shimScript(stdio: StdioFiles | undefined): string {
  return `exec 1<>"$K8TS_OUT" 2<>"$K8TS_ERR"; ${shimStdinLines(stdio)}; "$@"; code=$?; [ -z "$holder" ] || kill $holder 2>/dev/null; echo $code > "$K8TS_EXIT_FILE.tmp" && mv "$K8TS_EXIT_FILE.tmp" "$K8TS_EXIT_FILE"`;
}

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

  /** `tap` sees every chunk as it is read (live attach). */
  constructor(files: ProcessFiles, logPath: string, rotation: LogRotation, tap?: (stream: LogStream, chunk: Buffer) => void) {
    this.writer = new CriLogWriter(logPath, rotation);
    const ends: Promise<void>[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const fd = openSync(files.fifos[stream], constants.O_RDONLY | constants.O_NONBLOCK);
      const socket = new net.Socket({ fd, readable: true, writable: false });
      this.sockets.push(socket);
      socket.on('data', (chunk: Buffer) => {
        this.writer.write(stream, chunk);
        tap?.(stream, chunk);
      });
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

/** The shell command that creates a container's FIFOs (run with its rootfs mount, in one go). */
export function makeFifosCommand(files: ProcessFiles): string {
  const out = shellQuote(files.fifos.stdout);
  const err = shellQuote(files.fifos.stderr);
  return `rm -f ${out} ${err} && mkfifo -m 600 ${out} ${err}`;
}

/** The last error the runtime logged for a container (see {@link runtimeLogError}). */
export function runtimeError(files: ProcessFiles): Promise<string | undefined> {
  return runtimeLogError(files.runtimeLog);
}

/** The last error in a runtime's JSON log (`--log-format json`), e.g. `exec: "foo": executable file not found in $PATH`. */
export async function runtimeLogError(logFile: string): Promise<string | undefined> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
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
  // Checked often while a container starts: a cheap stat first, no failed open.
  if (!existsSync(files.exitFile)) return undefined;
  try {
    const text = readFileSync(files.exitFile, 'utf8');
    const code = Number.parseInt(text.trim(), 10);
    return { code: Number.isNaN(code) ? 255 : code, finishedAt: statSync(files.exitFile).mtimeMs };
  } catch {
    return undefined;
  }
}

/**
 * Starts a created bundle (FIFOs made) through the shim and resolves once the container's
 * process exists (the runtime wrote its pid file), or with the failure when the runtime gave
 * up first. The agent holds a write end of each FIFO until then, so its readers never see
 * end-of-file before the shim has them open.
 */
export async function launchContainer(
  cli: OciCli,
  id: string,
  files: ProcessFiles,
  host: Host,
  startLogPump: () => void,
  stdio?: { files: StdioFiles; tty: boolean },
): Promise<LaunchResult> {
  await Promise.all([unlink(files.pidFile), unlink(files.exitFile), unlink(files.runtimeLog)].map((p) => p.catch(() => undefined)));
  startLogPump();
  const holders = [openSync(files.fifos.stdout, constants.O_RDWR), openSync(files.fifos.stderr, constants.O_RDWR)];
  let nudge: (() => void) | undefined;
  // runc renames the pid file into place once the process exists: watch for it (polling backs it up).
  const watcher = watch(files.bundle, (_event, name) => {
    if (name === 'pid' || name === 'exit') nudge?.();
  });
  watcher.on('error', () => undefined);
  try {
    const runArgv = cli.argv(cli.runArgs({ log: files.runtimeLog, pidFile: files.pidFile, bundle: files.bundle, id }));
    const argv = stdio?.tty ? ttyWrappedArgv(runArgv, stdio.files) : runArgv;
    const env = `K8TS_EXIT_FILE=${shellQuote(files.exitFile)} K8TS_OUT=${shellQuote(files.fifos.stdout)} K8TS_ERR=${shellQuote(files.fifos.stderr)} SHELL=/bin/sh`;
    await host.shell(`${env} setsid -f /bin/sh -c ${shellQuote(shimScript(stdio?.files))} k8ts-shim ${argv.map(shellQuote).join(' ')}`, { output: false });
    const deadline = Date.now() + 60_000;
    for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
      if (existsSync(files.pidFile)) {
        const pid = Number.parseInt(await readFile(files.pidFile, 'utf8'), 10);
        // The pid file is written the moment the process exists: a better start time than now.
        return { kind: 'running', pid, startedAt: Math.floor(statSync(files.pidFile).mtimeMs) };
      }
      const exit = await readExitFile(files);
      if (exit) {
        const message = (await runtimeError(files)) ?? `${cli.name} exited with ${exit.code}`;
        return { kind: 'failed', exitCode: exit.code, message, finishedAt: exit.finishedAt };
      }
      if (Date.now() > deadline) return { kind: 'failed', exitCode: 128, message: `${cli.name} did not start the container within 60s`, finishedAt: Date.now() };
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((r) => {
        timer = setTimeout(r, delay);
        nudge = r;
      });
      clearTimeout(timer);
    }
  } finally {
    watcher.close();
    for (const fd of holders) closeSync(fd);
  }
}
