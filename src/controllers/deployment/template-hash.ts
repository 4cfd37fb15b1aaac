import { isDeepStrictEqual } from 'node:util';
import type { PodTemplate } from '../common/pod-template.js';

/** The label that ties a ReplicaSet and its pods to one pod template of a Deployment. */
export const podTemplateHashLabel = 'pod-template-hash';

/** rand.SafeEncodeString's alphabet: no vowels (no words) and no look-alike characters. */
const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** rand.SafeEncodeString: each byte of the string becomes one letter of the safe alphabet. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) out += safeAlphabet[b % safeAlphabet.length];
  return out;
}

/** 32-bit FNV-1a over bytes, continuing from `hash`. */
function fnv1a(bytes: Uint8Array, hash = 0x811c9dc5): number {
  let h = hash;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** JSON with object keys sorted, so equal templates print the same bytes whatever their key order. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * controller.ComputeHash: FNV-32a of the pod template, then of the collision count as 8
 * little-endian bytes when there is one, printed in decimal and safe-encoded (so hashes look
 * like `5d4f8c7b9`). Kubernetes feeds the hasher a dump of its Go struct; k8ts feeds it the
 * template's canonical JSON, so values differ from Kubernetes' but follow the same rules:
 * stable for a template, different after a change, moved by `collisionCount`.
 */
export function computeTemplateHash(template: PodTemplate | undefined, collisionCount?: number): string {
  let h = fnv1a(Buffer.from(canonicalJson(template ?? {}), 'utf8'));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = Buffer.alloc(8);
    b.writeUInt32LE(collisionCount >>> 0, 0);
    h = fnv1a(b, h);
  }
  return safeEncodeString(String(h));
}

function withoutHash(t: PodTemplate | undefined): PodTemplate {
  const c = structuredClone(t ?? {});
  const labels = c.metadata?.labels;
  if (labels) {
    delete labels[podTemplateHashLabel];
    if (Object.keys(labels).length === 0) delete c.metadata!.labels;
  }
  if (c.metadata && Object.keys(c.metadata).length === 0) delete c.metadata;
  return c;
}

/** EqualIgnoreHash: two templates are the same apart from their pod-template-hash label. */
export function equalIgnoreHash(a: PodTemplate | undefined, b: PodTemplate | undefined): boolean {
  return isDeepStrictEqual(withoutHash(a), withoutHash(b));
}
