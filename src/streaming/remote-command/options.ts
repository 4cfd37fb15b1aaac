/** Which streams an exec or attach asked for, from its query (`stdin=true` or the kubelet's `stdin=1`). */
export interface RemoteCommandOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  /** exec only: the command and its arguments (`command=sh&command=-c&command=…`). */
  command: string[];
}

/** A request that cannot become a session; the message is what the client is told. */
export class RemoteCommandOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemoteCommandOptionsError';
  }
}

function flag(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v === '1' || v === 'true';
}

/**
 * Parses exec/attach options as the kubelet does: a TTY has no separate stderr, and at
 * least one stream is required.
 *
 * @example
 * parseRemoteCommandOptions(new URLSearchParams('command=ls&stdout=true'), true);
 */
export function parseRemoteCommandOptions(query: URLSearchParams, requireCommand: boolean): RemoteCommandOptions {
  const tty = flag(query, 'tty');
  const opts: RemoteCommandOptions = {
    stdin: flag(query, 'stdin'),
    stdout: flag(query, 'stdout'),
    stderr: flag(query, 'stderr') && !tty,
    tty,
    command: query.getAll('command'),
  };
  if (!opts.stdin && !opts.stdout && !opts.stderr) throw new RemoteCommandOptionsError('you must specify at least 1 of stdin, stdout, stderr');
  if (requireCommand && opts.command.length === 0) throw new RemoteCommandOptionsError('you must specify at least one command for the container');
  return opts;
}
