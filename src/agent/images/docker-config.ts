/**
 * `imagePullSecrets`: Secrets of type `kubernetes.io/dockerconfigjson` (`.dockerconfigjson`,
 * `{"auths": {"host": {"username", "password", "auth"}}}`) or the older
 * `kubernetes.io/dockercfg` (`.dockercfg`, the `auths` map alone), matched to an image the
 * way the kubelet's keyring does: host globs per label, an optional path prefix, most
 * specific key first, and `index.docker.io` credentials for Docker Hub images.
 */
import type { RegistryAuth } from './image-service.js';

/** The parts of a core/v1 Secret read here. */
export interface PullSecret {
  type?: string;
  data?: Record<string, string>;
}

interface DockerConfigEntry {
  username?: string;
  password?: string;
  auth?: string;
  identitytoken?: string;
  registrytoken?: string;
}

/** Keyring entries: a schemeless key (`host[:port][/path]`) and its credentials. */
export type Keyring = { key: string; auth: RegistryAuth }[];

/**
 * Builds the keyring from pull secrets; secrets that are not docker configs or do not parse
 * are skipped, as the kubelet skips them.
 *
 * @example
 * const auths = lookupKeyring(keyringFromSecrets(pod.imagePullSecrets.map(getSecret)), 'docker.io/library/busybox');
 */
export function keyringFromSecrets(secrets: PullSecret[]): Keyring {
  const ring: Keyring = [];
  for (const s of secrets) {
    let auths: Record<string, DockerConfigEntry> | undefined;
    try {
      if (s.type === 'kubernetes.io/dockerconfigjson' && s.data?.['.dockerconfigjson']) {
        auths = (JSON.parse(Buffer.from(s.data['.dockerconfigjson'], 'base64').toString('utf8')) as { auths?: Record<string, DockerConfigEntry> }).auths;
      } else if (s.type === 'kubernetes.io/dockercfg' && s.data?.['.dockercfg']) {
        auths = JSON.parse(Buffer.from(s.data['.dockercfg'], 'base64').toString('utf8')) as Record<string, DockerConfigEntry>;
      }
    } catch {
      continue;
    }
    for (const [location, entry] of Object.entries(auths ?? {})) {
      const auth = entryAuth(entry);
      if (auth) ring.push({ key: keyFor(location), auth });
    }
  }
  // Reverse lexical order puts longer, more specific keys for the same host first.
  return ring.sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
}

/** Decodes one `auths` entry; `auth` is base64 `user:pass` and fills in what is missing. */
export function entryAuth(e: DockerConfigEntry): RegistryAuth | undefined {
  let { username, password } = e;
  if (e.auth) {
    const decoded = Buffer.from(e.auth, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i >= 0) {
      username ??= decoded.slice(0, i);
      password ??= decoded.slice(i + 1);
    }
  }
  if (username === undefined && !e.identitytoken && !e.registrytoken) return undefined;
  return { username, password, identityToken: e.identitytoken || undefined, token: e.registrytoken || undefined };
}

/** `https://index.docker.io/v1/` → `index.docker.io`; `/v1/` and `/v2/` paths mean the host. */
function keyFor(location: string): string {
  const url = new URL(/^https?:\/\//.test(location) ? location : `https://${location}`);
  let path = url.pathname;
  if (path.startsWith('/v2/') || path.startsWith('/v1/')) path = path.slice(3);
  return path.length > 0 && path !== '/' ? url.host + path : url.host;
}

/**
 * Credentials for an image (`docker.io/library/busybox`, no tag), most specific first;
 * empty when nothing matches (the pull is then anonymous).
 */
export function lookupKeyring(ring: Keyring, image: string): RegistryAuth[] {
  const found = ring.filter((e) => urlsMatch(e.key, image)).map((e) => e.auth);
  if (found.length > 0) return found;
  if (isDefaultRegistry(image)) return ring.filter((e) => e.key === 'index.docker.io').map((e) => e.auth);
  return [];
}

function isDefaultRegistry(image: string): boolean {
  const [first, rest] = [image.split('/')[0]!, image.includes('/')];
  if (first === '') return false;
  if (!rest || first === 'docker.io') return true;
  return !/[.:]/.test(first);
}

function urlsMatch(globKey: string, target: string): boolean {
  const g = split(globKey);
  const t = split(target);
  if (g.port !== t.port || g.labels.length !== t.labels.length) return false;
  if (!g.labels.every((label, i) => globMatch(label, t.labels[i]!))) return false;
  return t.path.startsWith(g.path);
}

function split(s: string): { labels: string[]; port: string; path: string } {
  const slash = s.indexOf('/');
  const hostPort = slash < 0 ? s : s.slice(0, slash);
  const path = slash < 0 ? '' : s.slice(slash);
  const m = /^(.*?)(?::(\d+))?$/.exec(hostPort)!;
  return { labels: m[1]!.split('.'), port: m[2] ?? '', path };
}

/** filepath.Match for one host label: `*` and `?` never cross a dot (labels are split already). */
function globMatch(pattern: string, s: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(s);
}
