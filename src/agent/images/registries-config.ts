/**
 * k3s's `registries.yaml`: mirrors (endpoints tried in order before the registry itself,
 * with optional repository rewrites) and per-host configs (credentials, TLS).
 *
 * ```yaml
 * mirrors:
 *   docker.io:
 *     endpoint: ["http://127.0.0.1:5000"]
 *     rewrite: {"^library/(.*)": "mirrored/$1"}
 * configs:
 *   "127.0.0.1:5000":
 *     auth: {username: u, password: p}
 *     tls: {insecure_skip_verify: true}
 * ```
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { RegistryAuth } from './image-service.js';
import type { TlsSettings } from './http-client.js';
import { dockerHubEndpointHost, defaultDomain } from './image-ref.js';

export interface RegistryHostConfig {
  auth?: { username?: string; password?: string; auth?: string; identity_token?: string; token?: string };
  tls?: { cert_file?: string; key_file?: string; ca_file?: string; insecure_skip_verify?: boolean };
}

export interface RegistriesConfig {
  mirrors: Record<string, { endpoint?: string[]; rewrite?: Record<string, string> }>;
  configs: Record<string, RegistryHostConfig>;
}

/** One place to try for an image's registry. */
export interface RegistryEndpoint {
  /** `scheme://host[:port][/prefix]`, no trailing slash: requests go to `${base}/v2/…`. */
  base: string;
  /** `host[:port]`: what configs are keyed by and errors name. */
  host: string;
  tls?: TlsSettings;
  /** Retry with plain HTTP when TLS fails (registries marked insecure). */
  httpFallback: boolean;
  /** Credentials from `configs`, used when the pull brought none. */
  auth?: RegistryAuth;
  /** Repository rewrites (mirrors only). */
  rewrite: { pattern: RegExp; replacement: string }[];
  mirror: boolean;
}

export const emptyRegistriesConfig: RegistriesConfig = { mirrors: {}, configs: {} };

/** Reads `registries.yaml`; a missing file means no mirrors and no configs. */
export async function loadRegistriesConfig(path: string): Promise<RegistriesConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyRegistriesConfig;
    throw err;
  }
  return parseRegistriesConfig(text, path);
}

/** Parses and checks the YAML (unknown keys are ignored, as k3s does). */
export function parseRegistriesConfig(text: string, source = 'registries.yaml'): RegistriesConfig {
  const doc = (parse(text) ?? {}) as Partial<RegistriesConfig>;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${source}: expected a mapping with mirrors and configs`);
  const mirrors = doc.mirrors ?? {};
  for (const [name, m] of Object.entries(mirrors)) {
    if (m?.endpoint !== undefined && !Array.isArray(m.endpoint)) throw new Error(`${source}: mirrors.${name}.endpoint must be a list`);
    for (const pattern of Object.keys(m?.rewrite ?? {})) {
      try {
        new RegExp(pattern);
      } catch (err) {
        throw new Error(`${source}: mirrors.${name}.rewrite: ${(err as Error).message}`);
      }
    }
  }
  return { mirrors, configs: doc.configs ?? {} };
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * The endpoints for an image's registry, in the order to try them: its mirrors (or the `*`
 * mirror), then the registry itself unless `disableDefaultEndpoint` and a mirror exists.
 * Loopback registries are spoken to over plain HTTP, as containerd does.
 *
 * @example
 * await resolveEndpoints(cfg, 'docker.io') // [{ base: 'http://127.0.0.1:5000', mirror: true, … }, { base: 'https://registry-1.docker.io', … }]
 */
export async function resolveEndpoints(config: RegistriesConfig, domain: string, opts: { disableDefaultEndpoint?: boolean } = {}): Promise<RegistryEndpoint[]> {
  const mirror = config.mirrors[domain] ?? config.mirrors['*'];
  const out: RegistryEndpoint[] = [];
  for (const raw of mirror?.endpoint ?? []) {
    const url = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`);
    const prefix = url.pathname.replace(/\/+$/, '').replace(/\/v2$/, '');
    const hostConfig = config.configs[url.host];
    const rewrite = Object.entries(mirror?.rewrite ?? {}).map(([pattern, replacement]) => ({ pattern: new RegExp(pattern), replacement }));
    out.push(await endpoint(`${url.protocol}//${url.host}${prefix}`, url.host, hostConfig, rewrite, true));
  }
  if (out.length === 0 || !opts.disableDefaultEndpoint) {
    const host = domain === defaultDomain ? dockerHubEndpointHost : domain;
    const hostConfig = config.configs[domain] ?? config.configs[host];
    const scheme = isLoopbackHost(host) ? 'http' : 'https';
    out.push(await endpoint(`${scheme}://${host}`, host, hostConfig, [], false));
  }
  return out;
}

async function endpoint(base: string, host: string, cfg: RegistryHostConfig | undefined, rewrite: RegistryEndpoint['rewrite'], mirror: boolean): Promise<RegistryEndpoint> {
  const t = cfg?.tls;
  const tls: TlsSettings | undefined = t
    ? {
        insecureSkipVerify: t.insecure_skip_verify === true,
        ca: t.ca_file ? await readFile(t.ca_file) : undefined,
        cert: t.cert_file ? await readFile(t.cert_file) : undefined,
        key: t.key_file ? await readFile(t.key_file) : undefined,
      }
    : undefined;
  return { base, host, tls, httpFallback: base.startsWith('https:') && t?.insecure_skip_verify === true, auth: authFromConfig(cfg), rewrite, mirror };
}

function authFromConfig(cfg: RegistryHostConfig | undefined): RegistryAuth | undefined {
  const a = cfg?.auth;
  if (!a) return undefined;
  let { username, password } = a;
  if (username === undefined && a.auth) {
    const decoded = Buffer.from(a.auth, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i > 0) [username, password] = [decoded.slice(0, i), decoded.slice(i + 1)];
  }
  const identityToken = a.identity_token || undefined;
  const token = a.token || undefined;
  if (username === undefined && token === undefined && identityToken === undefined) return undefined;
  return { username, password, token, identityToken };
}

/** The repository path to ask an endpoint for, after its rewrites (the first matching rule wins). */
export function rewriteRepository(ep: RegistryEndpoint, path: string): string {
  for (const r of ep.rewrite) {
    if (r.pattern.test(path)) return path.replace(r.pattern, r.replacement);
  }
  return path;
}
