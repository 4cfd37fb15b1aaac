import type { Duplex, Readable, Writable } from 'node:stream';

/** Opens a TCP connection to a port inside the pod; rejects with the reason the client is told. */
export type PortConnector = (port: number) => Promise<Duplex>;

/**
 * Copies both ways between a client stream and a pod connection, passing half-closes on
 * (the client's EOF ends our writes to the pod, the pod's EOF ends the client stream).
 * Resolves when both directions are done.
 */
export function pipeBoth(clientIn: Readable, clientOut: Writable, pod: Duplex): Promise<void> {
  return new Promise((resolve) => {
    let pending = 2;
    const done = (): void => {
      if (--pending === 0) resolve();
    };
    const fail = (): void => {
      pod.destroy();
      if (!clientOut.writableEnded) clientOut.end();
      resolve();
    };
    clientIn.on('data', (chunk: Buffer) => {
      if (!pod.write(chunk)) clientIn.pause();
    });
    pod.on('drain', () => clientIn.resume());
    clientIn.once('end', () => {
      pod.end();
      done();
    });
    pod.on('data', (chunk: Buffer) => {
      if (!clientOut.write(chunk)) pod.pause();
    });
    clientOut.on('drain', () => pod.resume());
    pod.once('end', () => {
      clientOut.end();
      done();
    });
    pod.once('error', fail);
    clientIn.once('error', fail);
    clientOut.once('error', fail);
    clientIn.once('close', () => {
      if (!clientIn.readableEnded) fail();
    });
  });
}
