// Test helpers for the Ingress controller: real HTTP backends that echo what they receive.
import { createHash } from 'node:crypto';
import http from 'node:http';
import { WebSocketServer } from 'ws';

/** What an echo backend saw. */
export interface Echo {
  backend: string;
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  bodyBytes: number;
  bodySha256: string;
}

export interface EchoBackend {
  name: string;
  port: number;
  close(): Promise<void>;
}

/**
 * An HTTP server on `host` answering every request with JSON describing it; `/download/N`
 * streams N bytes in chunks; WebSocket connections on any path echo messages prefixed with
 * the backend's name.
 */
export async function startEchoBackend(name: string, host: string): Promise<EchoBackend> {
  const server = http.createServer((req, res) => {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (d: Buffer) => {
      bytes += d.length;
      hash.update(d);
    });
    req.on('end', () => {
      const dl = /^\/download\/(\d+)$/.exec(req.url ?? '');
      if (dl) {
        let left = Number(dl[1]);
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 'k');
        const pump = () => {
          while (left > 0) {
            const n = Math.min(left, chunk.length);
            left -= n;
            if (!res.write(chunk.subarray(0, n))) return void res.once('drain', pump);
          }
          res.end();
        };
        return pump();
      }
      const echo: Echo = { backend: name, method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyBytes: bytes, bodySha256: hash.digest('hex') };
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Backend': name });
      res.end(JSON.stringify(echo));
    });
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws, req) => {
    ws.on('message', (data) => ws.send(`${name}:${req.headers['x-forwarded-for']}:${String(data)}`));
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const port = (server.address() as { port: number }).port;
  return {
    name,
    port,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
