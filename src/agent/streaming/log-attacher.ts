import type { Writable } from 'node:stream';
import { writeContainerLog } from '../logs/cri-log-reader.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import type { Attacher, ContainerTarget, StdioStreams } from './contracts.js';
import { attachLive } from './live-attach.js';

/**
 * `kubectl attach`. A runtime that keeps the main process's stdio (`attachStdio`, as the
 * runc runtime does) gives live output, stdin and terminal resizes ({@link attachLive}).
 * Otherwise attach is output-only, from the container's log: the runtime copies stdout and
 * stderr into its CRI log file, so following that file from its current end gives what the
 * process prints from now on, stream by stream, until the container exits or the client
 * detaches.
 */
export class LogAttacher implements Attacher {
  constructor(private readonly runtime: ContainerRuntime) {}

  async attach(target: ContainerTarget, stdio: StdioStreams): Promise<void> {
    const info = await this.runtime.state(target.containerId);
    if (!info || info.state.phase !== 'running') return;
    const handle = this.runtime.attachStdio?.(target.containerId);
    if (handle) return attachLive(handle.live, handle.exited, stdio);
    stdio.stdin?.resume();
    const hooks = {
      isRunning: async () => (await this.runtime.state(target.containerId))?.state.phase === 'running',
      signal: stdio.signal,
      pollMs: 100,
    };
    const follow = (out: Writable | undefined, stream?: 'stdout' | 'stderr'): Promise<void> =>
      out ? writeContainerLog(info.logPath, { follow: true, tailLines: 0, ...(stream ? { stream } : {}) }, out, hooks) : Promise.resolve();
    // With a TTY there is one stream; the log still tells stdout from stderr.
    await Promise.all(stdio.tty ? [follow(stdio.stdout)] : [follow(stdio.stdout, 'stdout'), follow(stdio.stderr, 'stderr')]);
  }
}

