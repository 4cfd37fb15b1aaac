/**
 * Image references, normalised the way Docker and containerd do (distribution's reference
 * grammar): `busybox` is `docker.io/library/busybox:latest`, `host:5000/x@sha256:…` keeps
 * its host and digest. Parse failures carry distribution's wording, which is what the kubelet
 * puts in an `InvalidImageName` message.
 */
import { validateDigest } from './digest.js';

export const defaultDomain = 'docker.io';
/** Where `docker.io` images really live (the API endpoint). */
export const dockerHubEndpointHost = 'registry-1.docker.io';

const alnum = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])`;
const domainAndPort = `${host}(?::[0-9]+)?`;
const tagPattern = '[\\w][\\w.-]{0,127}';
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const referenceRegexp = new RegExp(
  `^((?:${domainAndPort}/)?${pathComponent}(?:/${pathComponent})*)(?::(${tagPattern}))?(?:@(${digestPattern}))?$`,
);
const identifierRegexp = /^[a-f0-9]{64}$/;

/** Why a reference did not parse; `message` is distribution's text. */
export class InvalidReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidReferenceError';
  }
}

/** A parsed, normalised image reference. */
export interface ImageRef {
  /** Registry host as named (`docker.io`, `127.0.0.1:5000`). */
  domain: string;
  /** Repository path within the registry (`library/busybox`). */
  path: string;
  /** `domain/path`. */
  name: string;
  tag?: string;
  digest?: string;
  /** The canonical string: `name[:tag][@digest]`, with `:latest` added when neither was given. */
  ref: string;
}

/**
 * Parses and normalises an image reference.
 *
 * @example
 * parseImageRef('busybox').ref            // 'docker.io/library/busybox:latest'
 * parseImageRef('localhost:5000/app@sha256:…').digest
 * parseImageRef('Busybox')               // throws InvalidReferenceError
 */
export function parseImageRef(input: string): ImageRef {
  if (identifierRegexp.test(input)) {
    throw new InvalidReferenceError(`invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`);
  }
  const [domain, remainder] = splitDockerDomain(input);
  const tagSep = remainder.indexOf(':');
  const remoteName = tagSep > -1 ? remainder.slice(0, tagSep) : remainder;
  if (remoteName.toLowerCase() !== remoteName) {
    throw new InvalidReferenceError(`invalid reference format: repository name (${remoteName}) must be lowercase`);
  }
  const full = `${domain}/${remainder}`;
  const m = referenceRegexp.exec(full);
  if (!m) {
    if (input === '') throw new InvalidReferenceError('repository name must have at least one component');
    if (referenceRegexp.test(full.toLowerCase())) throw new InvalidReferenceError('repository name must be lowercase');
    throw new InvalidReferenceError('invalid reference format');
  }
  const name = m[1]!;
  if (name.length > 255) throw new InvalidReferenceError('repository name must not be more than 255 characters');
  const tag = m[2];
  const digest = m[3];
  if (digest !== undefined) {
    const problem = validateDigest(digest);
    if (problem) throw new InvalidReferenceError(problem);
  }
  const path = name.slice(domain.length + 1);
  const effectiveTag = tag ?? (digest === undefined ? 'latest' : undefined);
  const ref = name + (effectiveTag !== undefined ? `:${effectiveTag}` : '') + (digest !== undefined ? `@${digest}` : '');
  return { domain, path, name, tag: effectiveTag, digest, ref };
}

/** Splits off the registry host the way Docker does: a first part is a host if it has `.` or `:`, is `localhost`, or has capitals. */
function splitDockerDomain(input: string): [string, string] {
  const i = input.indexOf('/');
  let domain: string;
  let remainder: string;
  const first = input.slice(0, i);
  if (i === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = defaultDomain;
    remainder = input;
  } else {
    domain = first;
    remainder = input.slice(i + 1);
  }
  if (domain === 'index.docker.io') domain = defaultDomain;
  if (domain === defaultDomain && !remainder.includes('/')) remainder = `library/${remainder}`;
  return [domain, remainder];
}

/**
 * The message the kubelet gives an `InvalidImageName` container, or undefined when the
 * reference is fine.
 *
 * @example
 * invalidImageNameMessage('UPPER') // 'Failed to apply default image tag "UPPER": couldn't parse image name "UPPER": invalid reference format: repository name (library/UPPER) must be lowercase'
 */
export function invalidImageNameMessage(image: string): string | undefined {
  try {
    parseImageRef(image);
    return undefined;
  } catch (err) {
    if (!(err instanceof InvalidReferenceError)) throw err;
    return `Failed to apply default image tag ${goQuote(image)}: couldn't parse image name ${goQuote(image)}: ${err.message}`;
  }
}

/** `"…"` as Go's %q renders a plain string (escapes quotes and backslashes). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** The `repo@digest` form the kubelet shows as a container's imageID. */
export function repoDigest(ref: ImageRef, digest: string): string {
  return `${ref.name}@${digest}`;
}

/** `docker.io/library/busybox` → `busybox`, as `docker`/`crictl` print short names (not used for storage). */
export function familiarName(name: string): string {
  if (name.startsWith('docker.io/library/')) return name.slice('docker.io/library/'.length);
  if (name.startsWith('docker.io/')) return name.slice('docker.io/'.length);
  return name;
}
