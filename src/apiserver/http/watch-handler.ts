import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../errors.js';
import type { WatchEventType } from '../registry/generic-store.js';
import { apiVersionOf } from '../registry/resource.js';
import { partialObjectMetadata, toTable, type IncludeObject } from '../table/table.js';
import type { ResourceRequest } from './context.js';
import { selectorsOf } from './resource-handler.js';

/** How often a watch that asked for bookmarks gets one (Kubernetes sends about one a minute). */
const bookmarkIntervalMs = 60_000;

/** Default watch length when the client gives no timeoutSeconds: 30 to 60 minutes, like Kubernetes. */
function defaultTimeoutMs(): number {
  return (1800 + Math.random() * 1800) * 1000;
}

/**
 * Streams watch events as newline-delimited JSON (`{"type":…,"object":…}`), rendering objects
 * as one-row Tables for `kubectl get -w`. The stream stays open until the timeout, the client
 * leaves, or the watch falls behind compaction (then an ERROR event with a 410 Status).
 */
export async function handleWatch(r: ResourceRequest, ns: string | undefined): Promise<void> {
  const { res, query, store, format } = r;
  const timeoutSeconds = query.get('timeoutSeconds');
  const timeoutMs = timeoutSeconds ? Math.max(0, Number(timeoutSeconds)) * 1000 : defaultTimeoutMs();
  const bookmarks = query.get('allowWatchBookmarks') === 'true';
  const include = (query.get('includeObject') ?? 'Metadata') as IncludeObject;
  const apiVersion = apiVersionOf(store.def);
  let lastRV = query.get('resourceVersion') || '0';
  let firstTableEvent = true;
  let closed = false;
  const pending: string[] = [];

  const render = (obj: KubeObject): unknown => {
    if (format.as === 'Table') {
      const t = toTable(store.def, [obj], { now: r.ctx.clock.now(), includeObject: include, asVersion: format.asVersion, withColumns: firstTableEvent, listMeta: { resourceVersion: obj.metadata.resourceVersion } });
      firstTableEvent = false;
      return t;
    }
    if (format.as) return partialObjectMetadata(obj, `meta.k8s.io/${format.asVersion}`);
    return obj;
  };
  const send = (type: WatchEventType, object: unknown) => {
    const line = JSON.stringify({ type, object }) + '\n';
    if (!res.headersSent) pending.push(line);
    else if (!closed) res.write(line);
  };

  const open = () => {
    if (res.headersSent) return;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    for (const line of pending.splice(0)) res.write(line);
  };
  let watcher: { stop(): void } | undefined;
  const close = () => {
    if (closed) return;
    closed = true;
    if (!res.destroyed) open();
    clearTimeout(timer);
    clearInterval(bookmarkTimer);
    watcher?.stop();
    if (!res.writableEnded) res.end();
  };
  const timer = setTimeout(close, timeoutMs);
  const bookmarkTimer = bookmarks
    ? setInterval(() => send('BOOKMARK', { kind: store.def.kind, apiVersion, metadata: { resourceVersion: lastRV } }), bookmarkIntervalMs)
    : undefined;
  res.on('close', close);

  try {
    watcher = await store.watch(ns, {
      ...selectorsOf(query),
      resourceVersion: query.get('resourceVersion') ?? '',
      onEvent: (type, obj) => {
        lastRV = obj.metadata.resourceVersion ?? lastRV;
        send(type, render(obj));
      },
      onError: (err: ApiError) => {
        send('ERROR', err.toStatus());
        close();
      },
    });
  } catch (err) {
    clearTimeout(timer);
    clearInterval(bookmarkTimer);
    throw err;
  }
  if (closed) {
    watcher.stop();
    return;
  }
  // Send the headers now so clients see the stream open even before the first event.
  open();
  res.flushHeaders();
}
