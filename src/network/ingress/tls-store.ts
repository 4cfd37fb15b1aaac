import tls from 'node:tls';
import type { KubeObject } from '../../api/types.js';
import type { Logger } from '../../util/log.js';
import { wildcardOf } from './host-match.js';
import type { RouteTable } from './route-table.js';

interface Loaded {
  version: string;
  context?: tls.SecureContext;
}

/**
 * Certificates by host name for the HTTPS listener: each TLS host's `kubernetes.io/tls`
 * Secret becomes a SecureContext (rebuilt only when the Secret changes); SNI picks the exact
 * host, then a `*.domain` entry, then the default (fake) certificate, as ingress-nginx does.
 */
export class TlsStore {
  private readonly cache = new Map<string, Loaded>();
  private byHost = new Map<string, tls.SecureContext>();
  readonly defaultContext: tls.SecureContext;

  constructor(
    /** Served when SNI names no host with a certificate (or the client sends no SNI). */
    readonly defaultCert: { certPem: string; keyPem: string },
    private readonly log?: Logger,
  ) {
    this.defaultContext = tls.createSecureContext({ cert: defaultCert.certPem, key: defaultCert.keyPem });
  }

  /** Rebuilds the host map from a route table and the Secrets it names. */
  update(table: RouteTable, secret: (key: string) => KubeObject | undefined): void {
    const byHost = new Map<string, tls.SecureContext>();
    const used = new Set<string>();
    for (const vh of [...table.hosts.values(), ...table.wildcards.values()]) {
      if (!vh.tlsSecret) continue;
      used.add(vh.tlsSecret);
      const ctx = this.load(vh.tlsSecret, secret(vh.tlsSecret));
      if (ctx) byHost.set(vh.host, ctx);
    }
    for (const key of this.cache.keys()) if (!used.has(key)) this.cache.delete(key);
    this.byHost = byHost;
  }

  /** True when `host` has its own certificate (HTTP requests to it redirect to HTTPS). */
  hasCertificate(host: string): boolean {
    return this.contextFor(host) !== undefined;
  }

  contextFor(host: string): tls.SecureContext | undefined {
    const exact = this.byHost.get(host);
    if (exact) return exact;
    const w = wildcardOf(host);
    return w ? this.byHost.get(w) : undefined;
  }

  /** For `https.createServer({ SNICallback })`. */
  readonly sniCallback = (servername: string, cb: (err: Error | null, ctx?: tls.SecureContext) => void): void => {
    cb(null, this.contextFor(servername.toLowerCase()) ?? this.defaultContext);
  };

  private load(key: string, obj: KubeObject | undefined): tls.SecureContext | undefined {
    if (!obj) return undefined;
    const version = `${obj.metadata.uid}/${obj.metadata.resourceVersion}`;
    const cached = this.cache.get(key);
    if (cached?.version === version) return cached.context;
    const data = (obj.data ?? {}) as Record<string, string>;
    let context: tls.SecureContext | undefined;
    try {
      const cert = Buffer.from(data['tls.crt'] ?? '', 'base64');
      const privateKey = Buffer.from(data['tls.key'] ?? '', 'base64');
      if (cert.length && privateKey.length) context = tls.createSecureContext({ cert, key: privateKey });
    } catch (err) {
      this.log?.warn({ err, secret: key }, 'ingress TLS secret is not a usable certificate and key; serving the default certificate');
    }
    this.cache.set(key, { version, context });
    return context;
  }
}
