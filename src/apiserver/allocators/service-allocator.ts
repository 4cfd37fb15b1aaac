import type { KubeObject } from '../../api/types.js';
import { KeyExistsError, KeyNotFoundError } from '../../storage/errors.js';
import type { Store } from '../../storage/store.js';
import { ApiError } from '../errors.js';
import type { StoreHooks } from '../registry/generic-store.js';
import { Ipv4Range } from './ipv4-range.js';

const ipKeyPrefix = '/registry/ranges/serviceips/';
const portKeyPrefix = '/registry/ranges/servicenodeports/';

interface ServicePort {
  port?: number;
  nodePort?: number;
  protocol?: string;
  name?: string;
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
}

function specOf(svc: KubeObject): ServiceSpec {
  return (svc.spec ??= {}) as ServiceSpec;
}

function wantsNodePorts(spec: ServiceSpec): boolean {
  return spec.type === 'NodePort' || spec.type === 'LoadBalancer';
}

/** Allocations are owned by the Service's uid, so a failed create of a same-named Service frees only its own. */
function owner(svc: KubeObject): string {
  return `${svc.metadata.namespace}/${svc.metadata.name}/${svc.metadata.uid}`;
}

/**
 * Allocates Service cluster IPs from --service-cidr and node ports from 30000–32767. Each
 * allocation is its own key, created with create-if-absent, so two servers sharing one etcd
 * can never hand out the same IP or port.
 */
export class ServiceAllocator {
  readonly range: Ipv4Range;

  constructor(
    private readonly store: Store,
    serviceCidr: string,
    readonly nodePortRange: { min: number; max: number } = { min: 30000, max: 32767 },
  ) {
    this.range = Ipv4Range.parse(serviceCidr);
  }

  /** The n-th address of the service range (1: the `kubernetes` service, 10: DNS). */
  nthIP(n: number): string {
    return this.range.nth(n);
  }

  private invalid(svc: KubeObject, field: string, value: unknown, detail: string): ApiError {
    return ApiError.invalid({ group: '', kind: 'Service' }, svc.metadata.name ?? '', [
      { type: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(value)}: ${detail}` },
    ]);
  }

  private async claim(key: string, who: string): Promise<boolean> {
    try {
      await this.store.create(key, who);
      return true;
    } catch (err) {
      if (err instanceof KeyExistsError) {
        const cur = await this.store.get(key);
        return cur?.value === who;
      }
      throw err;
    }
  }

  private async release(key: string, who: string): Promise<void> {
    const cur = await this.store.get(key);
    if (!cur || cur.value !== who) return;
    try {
      await this.store.delete(key, { modRevision: cur.modRevision });
    } catch (err) {
      if (!(err instanceof KeyNotFoundError)) throw err;
    }
  }

  private async allocateIP(svc: KubeObject, dryRun: boolean): Promise<void> {
    const spec = specOf(svc);
    if (spec.type === 'ExternalName') {
      delete spec.clusterIP;
      delete spec.clusterIPs;
      return;
    }
    if (spec.clusterIP === 'None') {
      spec.clusterIPs = ['None'];
      return;
    }
    const who = owner(svc);
    if (spec.clusterIP) {
      if (!this.range.contains(spec.clusterIP)) {
        throw this.invalid(svc, 'spec.clusterIPs', spec.clusterIP, `failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is ${this.range.cidr}`);
      }
      const free = dryRun ? !(await this.store.get(ipKeyPrefix + spec.clusterIP)) : await this.claim(ipKeyPrefix + spec.clusterIP, who);
      if (!free) throw this.invalid(svc, 'spec.clusterIPs', [spec.clusterIP], `failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`);
    } else {
      const size = this.range.size;
      const start = Math.floor(Math.random() * size);
      let chosen: string | undefined;
      for (let i = 0; i < size && !chosen; i++) {
        // Skip the network address and the first host address (reserved for `kubernetes`).
        const n = ((start + i) % (size - 2)) + 2;
        if (n >= size - 1) continue;
        const ip = this.range.nth(n);
        const free = dryRun ? !(await this.store.get(ipKeyPrefix + ip)) : await this.claim(ipKeyPrefix + ip, who);
        if (free) chosen = ip;
      }
      if (!chosen) throw new ApiError(500, 'InternalError', 'Internal error occurred: failed to allocate a serviceIP: range is full');
      spec.clusterIP = chosen;
    }
    spec.clusterIPs = [spec.clusterIP];
  }

  private async allocateNodePorts(svc: KubeObject, dryRun: boolean, keep: Set<number> = new Set()): Promise<void> {
    const spec = specOf(svc);
    if (!wantsNodePorts(spec)) {
      for (const p of spec.ports ?? []) delete p.nodePort;
      return;
    }
    const who = owner(svc);
    const { min, max } = this.nodePortRange;
    for (const [i, p] of (spec.ports ?? []).entries()) {
      if (p.nodePort) {
        if (p.nodePort < min || p.nodePort > max) {
          throw this.invalid(svc, `spec.ports[${i}].nodePort`, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${min}-${max}`);
        }
        if (keep.has(p.nodePort)) continue;
        const free = dryRun ? !(await this.store.get(portKeyPrefix + p.nodePort)) : await this.claim(portKeyPrefix + p.nodePort, who);
        if (!free) throw this.invalid(svc, `spec.ports[${i}].nodePort`, p.nodePort, 'provided port is already allocated');
        continue;
      }
      const span = max - min + 1;
      const start = Math.floor(Math.random() * span);
      for (let j = 0; j < span && !p.nodePort; j++) {
        const port = min + ((start + j) % span);
        const free = dryRun ? !(await this.store.get(portKeyPrefix + port)) : await this.claim(portKeyPrefix + port, who);
        if (free) p.nodePort = port;
      }
      if (!p.nodePort) throw new ApiError(500, 'InternalError', 'Internal error occurred: failed to allocate a nodePort: range is full');
    }
  }

  /** Releases what a Service held. */
  async releaseAll(svc: KubeObject): Promise<void> {
    const spec = specOf(svc);
    const who = owner(svc);
    for (const ip of spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])) {
      if (ip && ip !== 'None') await this.release(ipKeyPrefix + ip, who);
    }
    for (const p of spec.ports ?? []) if (p.nodePort) await this.release(portKeyPrefix + p.nodePort, who);
  }

  /** Drops allocations whose Service no longer exists (after a crash between allocate and create). */
  async repair(services: KubeObject[]): Promise<number> {
    const live = new Set(services.map(owner));
    let freed = 0;
    for (const prefix of [ipKeyPrefix, portKeyPrefix]) {
      const { items } = await this.store.list(prefix);
      for (const kv of items) {
        if (live.has(kv.value)) continue;
        try {
          await this.store.delete(kv.key, { modRevision: kv.modRevision });
          freed++;
        } catch {
          // Claimed again meanwhile: its new owner keeps it.
        }
      }
    }
    return freed;
  }

  /** The GenericStore hooks that make Services get and give back their IPs and ports. */
  hooks(): StoreHooks {
    return {
      beforeCreate: async (svc, opts) => {
        await this.allocateIP(svc, !!opts.dryRun);
        await this.allocateNodePorts(svc, !!opts.dryRun);
      },
      beforeUpdate: async (svc, old, opts) => {
        const spec = specOf(svc);
        const oldSpec = specOf(old);
        // The cluster IP is kept across updates unless the type moves to or from ExternalName.
        if (spec.type !== 'ExternalName' && oldSpec.type !== 'ExternalName') {
          if (!spec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
          if (!spec.clusterIPs) spec.clusterIPs = oldSpec.clusterIPs;
        } else if (spec.type !== 'ExternalName' && oldSpec.type === 'ExternalName') {
          await this.allocateIP(svc, !!opts.dryRun);
        }
        const oldPorts = new Set((oldSpec.ports ?? []).map((p) => p.nodePort).filter((p): p is number => !!p));
        if (wantsNodePorts(spec)) {
          // Ports that keep their number keep their node port.
          for (const p of spec.ports ?? []) {
            if (p.nodePort) continue;
            const prev = (oldSpec.ports ?? []).find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
            if (prev?.nodePort) p.nodePort = prev.nodePort;
          }
        }
        await this.allocateNodePorts(svc, !!opts.dryRun, oldPorts);
        if (!opts.dryRun) {
          const now = new Set((spec.ports ?? []).map((p) => p.nodePort));
          for (const p of oldPorts) if (!now.has(p)) await this.release(portKeyPrefix + p, owner(old));
          if (spec.type === 'ExternalName' && oldSpec.type !== 'ExternalName') {
            for (const ip of oldSpec.clusterIPs ?? []) if (ip !== 'None') await this.release(ipKeyPrefix + ip, owner(old));
          }
        }
      },
      afterDelete: (svc) => this.releaseAll(svc),
    };
  }
}
