// Runs inside a pod's network namespace (started through `nsenter --net=…`): connects to
// loopback ports on request and hands each connected socket back to the agent over the IPC
// channel, so the agent owns a real TCP socket in the pod's namespace without copying bytes.
import net from 'node:net';

interface ConnectRequest {
  id: number;
  port: number;
  /** A specific address in the namespace (a probe's pod IP); loopback when absent. */
  host?: string;
}

function connect(host: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.pause();
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

process.on('message', (msg: ConnectRequest) => {
  void (async () => {
    if (msg.host) {
      try {
        const socket = await connect(msg.host, msg.port);
        process.send!({ id: msg.id, ok: true }, socket, () => socket.destroy());
      } catch (err) {
        process.send!({ id: msg.id, ok: false, error: (err as Error).message, code: (err as NodeJS.ErrnoException).code });
      }
      return;
    }
    const errors: string[] = [];
    // IPv4 first, then IPv6, as containerd does for port-forward.
    for (const [family, host] of [['IPv4', '127.0.0.1'], ['IPv6', '::1']] as const) {
      try {
        const socket = await connect(host, msg.port);
        process.send!({ id: msg.id, ok: true }, socket, () => socket.destroy());
        return;
      } catch (err) {
        errors.push(`${family}: ${(err as Error).message}`);
      }
    }
    process.send!({ id: msg.id, ok: false, error: errors.join(' ') });
  })();
});
process.on('disconnect', () => process.exit(0));
