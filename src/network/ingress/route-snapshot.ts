import type { KubeObject } from '../../api/types.js';
import type { ServiceLookup } from './backends.js';

/**
 * What a proxy needs to build its routing table: the owned Ingresses plus only the
 * Services, EndpointSlices and TLS Secrets they name. Plain objects, so it crosses to
 * proxy worker processes as is.
 */
export interface RouteSnapshot {
  ingresses: KubeObject[];
  services: KubeObject[];
  slices: KubeObject[];
  secrets: KubeObject[];
}

interface BackendRef {
  service?: { name?: string } | null;
}

function referencedServices(ing: KubeObject): string[] {
  const ns = ing.metadata.namespace ?? 'default';
  const spec = (ing.spec ?? {}) as { defaultBackend?: BackendRef | null; rules?: { http?: { paths?: { backend?: BackendRef }[] } | null }[] | null };
  const names = [spec.defaultBackend?.service?.name, ...(spec.rules ?? []).flatMap((r) => (r.http?.paths ?? []).map((p) => p.backend?.service?.name))];
  return names.filter((n): n is string => !!n).map((n) => `${ns}/${n}`);
}

function referencedSecrets(ing: KubeObject): string[] {
  const ns = ing.metadata.namespace ?? 'default';
  const tls = ((ing.spec ?? {}) as { tls?: { secretName?: string }[] }).tls ?? [];
  return tls.filter((t) => t.secretName).map((t) => `${ns}/${t.secretName}`);
}

/** Collects a snapshot for `ingresses` from the controller's caches. */
export function collectSnapshot(ingresses: KubeObject[], lookup: ServiceLookup, secret: (key: string) => KubeObject | undefined): RouteSnapshot {
  const services = new Map<string, KubeObject>();
  const slices: KubeObject[] = [];
  const secrets = new Map<string, KubeObject>();
  for (const ing of ingresses) {
    for (const key of referencedServices(ing)) {
      if (services.has(key)) continue;
      const [ns, name] = key.split('/') as [string, string];
      const svc = lookup.service(ns, name);
      if (!svc) continue;
      services.set(key, svc);
      slices.push(...lookup.slices(ns, name));
    }
    for (const key of referencedSecrets(ing)) {
      const s = secret(key);
      if (s) secrets.set(key, s);
    }
  }
  return { ingresses, services: [...services.values()], slices, secrets: [...secrets.values()] };
}

/** Lookups over a snapshot (in a proxy worker). */
export function snapshotLookup(s: RouteSnapshot): { lookup: ServiceLookup; secret: (key: string) => KubeObject | undefined } {
  const key = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
  const services = new Map(s.services.map((o) => [key(o), o]));
  const slices = new Map<string, KubeObject[]>();
  for (const sl of s.slices) {
    const svc = sl.metadata.labels?.['kubernetes.io/service-name'];
    if (!svc) continue;
    const k = `${sl.metadata.namespace}/${svc}`;
    slices.set(k, [...(slices.get(k) ?? []), sl]);
  }
  const secrets = new Map(s.secrets.map((o) => [key(o), o]));
  return {
    lookup: { service: (ns, name) => services.get(`${ns}/${name}`), slices: (ns, name) => slices.get(`${ns}/${name}`) ?? [] },
    secret: (k) => secrets.get(k),
  };
}
