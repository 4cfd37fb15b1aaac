// Entry point of an ingress proxy worker process (forked by ProxyWorkers through Node's
// cluster module): serves the listeners it shares with the other workers and rebuilds its
// routing table from the snapshots the controller sends.
import { createLogger } from '../../util/log.js';
import { IngressProxy } from './ingress-proxy.js';
import type { ToWorker } from './proxy-workers.js';
import { buildRouteTable } from './route-table.js';
import { snapshotLookup } from './route-snapshot.js';
import { TlsStore } from './tls-store.js';

const log = createLogger('k8ts-ingress-worker');
let proxy: IngressProxy | undefined;
let tls: TlsStore | undefined;

process.on('message', (msg: ToWorker) => {
  if (msg.kind === 'init') {
    tls = new TlsStore(msg.defaultCert, log);
    proxy = new IngressProxy({ host: msg.host, httpPort: msg.httpPort, httpsPort: msg.httpsPort, tls, log });
    proxy.listen().then(
      (ports) => process.send?.({ kind: 'listening', ports }),
      (err: Error) => process.send?.({ kind: 'failed', message: err.message }),
    );
    return;
  }
  if (msg.kind === 'snapshot' && proxy && tls) {
    const { lookup, secret } = snapshotLookup(msg.snapshot);
    const table = buildRouteTable(msg.snapshot.ingresses, lookup);
    tls.update(table, secret);
    proxy.setTable(table);
  }
});
process.on('disconnect', () => process.exit(0));
// Messages sent before this module finished loading would be lost: ask for init now.
process.send?.({ kind: 'loaded' });
