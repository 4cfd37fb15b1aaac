import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { WebSocket } from 'ws';
import { internalErrorStatus, outcomeStatus, successStatus } from './exec-status.js';
import { negotiate, sendsStatusJson, spdyRemoteCommandProtocols, supportsResize } from './protocols.js';
import { parseRemoteCommandOptions, RemoteCommandOptionsError } from './remote-command/options.js';
import { serveRemoteCommand } from './remote-command/serve.js';
import { servePortForward } from './port-forward/serve.js';
import { parsePorts } from './port-forward/ws-port-forward.js';
import { SpdyConnection } from './spdy/spdy-connection.js';
import type { SpdyStream } from './spdy/spdy-stream.js';
import { JsonObjectSplitter, parseTerminalSize } from './terminal-size.js';

describe('exec Status', () => {
  it('is Success for exit 0 and NonZeroExitCode with an ExitCode cause otherwise', () => {
    assert.deepEqual(outcomeStatus({ kind: 'exited', exitCode: 0 }, ['true']), successStatus());
    assert.equal(
      JSON.stringify(outcomeStatus({ kind: 'exited', exitCode: 3 }, ['sh', '-c', 'exit 3'])),
      '{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}',
    );
  });

  it('maps a command that never ran to InternalError', () => {
    assert.deepEqual(internalErrorStatus('boom'), { metadata: {}, status: 'Failure', message: 'Internal error occurred: boom', reason: 'InternalError', details: { causes: [{ message: 'boom' }] }, code: 500 });
  });
});

describe('protocol negotiation', () => {
  it("takes the client's first supported version; SPDY stops at v4 as the kubelet does", () => {
    assert.equal(negotiate(['v5.channel.k8s.io', 'v4.channel.k8s.io', 'channel.k8s.io'], spdyRemoteCommandProtocols), 'v4.channel.k8s.io');
    assert.equal(negotiate(['v2.channel.k8s.io', 'v4.channel.k8s.io'], spdyRemoteCommandProtocols), 'v2.channel.k8s.io');
    assert.equal(negotiate(['v9.channel.k8s.io'], spdyRemoteCommandProtocols), undefined);
  });

  it('knows which versions resize and which carry a JSON Status', () => {
    assert.deepEqual(['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v4.base64.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'].map(supportsResize), [true, true, true, true, false, false]);
    assert.deepEqual(['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'channel.k8s.io'].map(sendsStatusJson), [true, true, false, false]);
  });
});

describe('remote command options', () => {
  it('accepts true and 1, drops stderr with a TTY, needs a stream and a command', () => {
    assert.deepEqual(parseRemoteCommandOptions(new URLSearchParams('command=ls&command=-l&stdin=1&stdout=true&stderr=true&tty=true'), true), {
      stdin: true,
      stdout: true,
      stderr: false,
      tty: true,
      command: ['ls', '-l'],
    });
    assert.throws(() => parseRemoteCommandOptions(new URLSearchParams('command=ls'), true), new RemoteCommandOptionsError('you must specify at least 1 of stdin, stdout, stderr'));
    assert.throws(() => parseRemoteCommandOptions(new URLSearchParams('stdout=true'), true), /at least one command/);
    assert.equal(parseRemoteCommandOptions(new URLSearchParams('stdout=true'), false).command.length, 0);
  });

  it('parses port lists like the kubelet', () => {
    assert.deepEqual(parsePorts(new URLSearchParams('ports=80,443&ports=8080')), [80, 443, 8080]);
    assert.throws(() => parsePorts(new URLSearchParams('')), /"ports" is required/);
    assert.throws(() => parsePorts(new URLSearchParams('ports=0')), /must be > 0/);
    assert.throws(() => parsePorts(new URLSearchParams('ports=http')), /unable to parse "http" as a port/);
  });
});

describe('terminal sizes', () => {
  it('splits concatenated JSON objects across chunk boundaries', () => {
    const split = new JsonObjectSplitter();
    assert.deepEqual(split.push('{"Width":80,"Height":24}\n{"Width":1'), ['{"Width":80,"Height":24}']);
    assert.deepEqual(split.push('20,"Height":40}\n'), ['{"Width":120,"Height":40}']);
    assert.deepEqual(split.push('{"a":"}{"}'), ['{"a":"}{"}']);
  });

  it('reads sizes and rejects junk', () => {
    assert.deepEqual(parseTerminalSize('{"Width":120,"Height":40}'), { width: 120, height: 40 });
    assert.equal(parseTerminalSize('{"Width":-1,"Height":40}'), undefined);
    assert.equal(parseTerminalSize('nope'), undefined);
  });
});

/** A plain HTTP server whose upgrades go to `onUpgrade`. */
async function upgradeServer(onUpgrade: (req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => void): Promise<{ port: number; close(): void }> {
  const srv = http.createServer((_req, res) => res.end());
  srv.on('upgrade', onUpgrade);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as net.AddressInfo).port, close: () => (srv.closeAllConnections(), srv.close()) };
}

function wsMessages(ws: WebSocket): Promise<{ frames: Buffer[]; code: number }> {
  const frames: Buffer[] = [];
  ws.on('message', (d: Buffer) => frames.push(Buffer.from(d)));
  return new Promise((resolve) => ws.on('close', (code) => resolve({ frames, code })));
}

describe('WebSocket exec (v5, v4 base64)', () => {
  it('opens with an empty stdout frame, never writes stderr unless asked, ends with the Status and a normal close', async () => {
    const srv = await upgradeServer((req, socket, head) => {
      const url = new URL(req.url!, 'http://x');
      void serveRemoteCommand(req, socket, head, url.searchParams, true, async (s) => {
        let input = '';
        s.stdin!.setEncoding('utf8').on('data', (d: string) => (input += d));
        await new Promise((r) => s.stdin!.once('end', r));
        s.stdout!.write(`got ${input}`);
        return outcomeStatus({ kind: 'exited', exitCode: 2 }, ['cat']);
      });
    });
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/?command=cat&stdin=true&stdout=true`, ['v5.channel.k8s.io']);
    const done = wsMessages(ws);
    await new Promise((r) => ws.once('open', r));
    assert.equal(ws.protocol, 'v5.channel.k8s.io');
    ws.send(Buffer.from([0, ...Buffer.from('abc')]));
    ws.send(Buffer.from([255, 0]));
    const { frames, code } = await done;
    assert.deepEqual(frames[0], Buffer.from([1]));
    assert.deepEqual(frames[1], Buffer.from([1, ...Buffer.from('got abc')]));
    assert.equal(frames[2]![0], 3);
    assert.equal(JSON.parse(frames[2]!.subarray(1).toString()).reason, 'NonZeroExitCode');
    assert.equal(frames.length, 3);
    assert.equal(code, 1000);
    srv.close();
  });

  it('speaks base64 text frames on v4.base64.channel.k8s.io', async () => {
    const srv = await upgradeServer((req, socket, head) => {
      void serveRemoteCommand(req, socket, head, new URL(req.url!, 'http://x').searchParams, true, async (s) => {
        s.stdout!.write('hi');
        return successStatus();
      });
    });
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/?command=x&stdout=true`, ['v4.base64.channel.k8s.io']);
    const texts: string[] = [];
    ws.on('message', (d: Buffer, isBinary: boolean) => {
      assert.equal(isBinary, false);
      texts.push(d.toString());
    });
    await new Promise((r) => ws.once('close', r));
    assert.deepEqual(texts.slice(0, 2), ['1', `1${Buffer.from('hi').toString('base64')}`]);
    assert.equal(JSON.parse(Buffer.from(texts[2]!.slice(1), 'base64').toString()).status, 'Success');
    srv.close();
  });

  it('survives a client that vanishes mid-output', async () => {
    let finished!: () => void;
    const served = new Promise<void>((r) => (finished = r));
    const srv = await upgradeServer((req, socket, head) => {
      void serveRemoteCommand(req, socket, head, new URLSearchParams('command=yes&stdout=true'), true, async (s) => {
        for (let i = 0; i < 200 && !s.signal.aborted; i++) {
          s.stdout!.write(Buffer.alloc(16384, 121));
          await new Promise((r) => setImmediate(r));
        }
        for (let i = 0; i < 20; i++) s.stdout!.write('after the client left\n');
        return successStatus();
      }).then(finished);
    });
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/`, ['v5.channel.k8s.io']);
    await new Promise((r) => ws.once('message', r));
    ws.terminate();
    await served;
    srv.close();
  });

  it('refuses unknown subprotocols with 400', async () => {
    const srv = await upgradeServer((req, socket, head) => void serveRemoteCommand(req, socket, head, new URLSearchParams('command=x&stdout=true'), true, async () => successStatus()));
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/`, ['v9.channel.k8s.io']);
    const status = await new Promise<number>((r) => ws.once('unexpected-response', (_req, res) => r(res.statusCode!)));
    assert.equal(status, 400);
    srv.close();
  });
});

/** A SPDY client session against `port` after an upgrade to the given protocol. */
async function spdyClient(port: number, path: string, protocol: string): Promise<{ conn: SpdyConnection; head: string }> {
  const socket = net.connect(port, '127.0.0.1');
  socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\nContent-Length: 0\r\n\r\n`);
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause();
      const rest = buf.subarray(end + 4);
      if (rest.length) socket.unshift(rest);
      resolve({ conn: new SpdyConnection(socket, { server: false }), head: buf.subarray(0, end).toString() });
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

function readAll(s: SpdyStream): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    s.setEncoding('utf8').on('data', (d: string) => (text += d));
    s.once('end', () => resolve(text));
  });
}

describe('WebSocket port-forward (client libraries)', () => {
  it('sends the port first on both channels and keeps what arrives while dialing', async () => {
    const echo = net.createServer((sock) => sock.pipe(sock));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const echoPort = (echo.address() as net.AddressInfo).port;
    const srv = await upgradeServer((req, socket, head) =>
      void servePortForward(req, socket, head, new URL(req.url!, 'http://x').searchParams, { pod: 'web', uid: 'u1' }, async () => {
        await new Promise((r) => setTimeout(r, 100));
        return net.connect(echoPort, '127.0.0.1');
      }),
    );
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/?ports=8080`, ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
    const frames: Buffer[] = [];
    ws.on('message', (d: Buffer) => frames.push(Buffer.from(d)));
    await new Promise((r) => ws.once('open', r));
    assert.equal(ws.protocol, 'v4.channel.k8s.io');
    ws.send(Buffer.from([0, ...Buffer.from('early bytes')]));
    for (let i = 0; !Buffer.concat(frames.filter((f) => f[0] === 0).map((f) => f.subarray(1))).includes('early bytes'); i++) {
      if (i > 200) throw new Error('echo never came back');
      await new Promise((r) => setTimeout(r, 10));
    }
    const port = Buffer.alloc(2);
    port.writeUInt16LE(8080);
    assert.deepEqual(frames.slice(0, 2).map((f) => [...f]), [[0, ...port], [1, ...port]]);
    ws.close();
    srv.close();
    echo.close();
  });
});

describe('SPDY exec and port-forward', () => {
  it('v1 clients get the error message as text; success writes nothing', async () => {
    const srv = await upgradeServer((req, socket, head) => void serveRemoteCommand(req, socket, head, new URLSearchParams('command=x&stdout=true'), true, async () => outcomeStatus({ kind: 'exited', exitCode: 5 }, ['x'])));
    const { conn, head } = await spdyClient(srv.port, '/', 'channel.k8s.io');
    assert.match(head, /^HTTP\/1\.1 101 Switching Protocols\r\n[\s\S]*X-Stream-Protocol-Version: channel\.k8s\.io/);
    const error = await conn.openStream({ streamtype: ['error'] }, { fin: true });
    const stdout = await conn.openStream({ streamtype: ['stdout'] }, { fin: true });
    assert.equal(await readAll(stdout), '');
    assert.equal(await readAll(error), 'command terminated with non-zero exit code: error executing command [x], exit code 5');
    srv.close();
  });

  it('pairs data and error streams by requestID and reports dial failures on the error stream', async () => {
    const echo = net.createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const echoPort = (echo.address() as net.AddressInfo).port;
    const srv = await upgradeServer((req, socket, head) =>
      void servePortForward(req, socket, head, new URLSearchParams(), { pod: 'web', uid: 'u1' }, async (port) => {
        if (port !== 80) throw new Error(`dial tcp4 127.0.0.1:${port}: connect: connection refused`);
        return net.connect(echoPort, '127.0.0.1');
      }),
    );
    const { conn } = await spdyClient(srv.port, '/', 'portforward.k8s.io');
    const err0 = await conn.openStream({ streamtype: ['error'], port: ['80'], requestid: ['0'] }, { fin: true });
    const data0 = await conn.openStream({ streamtype: ['data'], port: ['80'], requestid: ['0'] });
    data0.end('ping');
    assert.equal(await readAll(data0), 'ping');
    assert.equal(await readAll(err0), '');
    const err1 = await conn.openStream({ streamtype: ['error'], port: ['81'], requestid: ['1'] }, { fin: true });
    const data1 = await conn.openStream({ streamtype: ['data'], port: ['81'], requestid: ['1'] });
    data1.resume();
    assert.equal(await readAll(err1), 'error forwarding port 81 to pod web, uid u1: dial tcp4 127.0.0.1:81: connect: connection refused');
    await assert.rejects(conn.openStream({ streamtype: ['data'], port: ['0'], requestid: ['2'] }), /reset/);
    conn.destroy();
    srv.close();
    echo.close();
  });
});
