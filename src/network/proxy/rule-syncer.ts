import type { HostCommands } from '../host/host-commands.js';
import { applyNft } from '../host/nft.js';
import { type ElementChange, ElementTable } from './element-table.js';
import { type BaseTableOptions, baseTableScript } from './nft-base.js';
import { type PortRules, type RenderContext, renderPort } from './proxy-rules.js';
import { type ServicePortModel, usableEndpoints } from './service-model.js';
import { staleUdpFlows, type StaleFlow } from './stale-flows.js';

/** What one sync did. */
export interface SyncResult {
  full: boolean;
  /** Service ports whose rules were (re)written or removed. */
  changedPorts: number;
  /** Lines of nft script applied (an element command carries up to 1,000 elements). */
  lines: number;
  /** Size of the nft script applied, in bytes (UTF-8; the script is ASCII). */
  bytes: number;
  durationMs: number;
  /** Of which rendering the script (the rest is `nft` loading it). */
  renderMs: number;
  staleFlows: StaleFlow[];
}

interface AppliedPort {
  model: ServicePortModel;
  rules: PortRules;
}

function sameRules(a: string[] | undefined, b: string[] | undefined): boolean {
  return !!a && !!b && a.length === b.length && a.every((r, i) => r === b[i]);
}

function elementText(e: ElementChange): string {
  return e.value === undefined || e.op === 'delete' ? e.key : `${e.key} : ${e.value}`;
}

/**
 * Keeps the proxy's nft table equal to the desired service ports. The first sync (and any
 * sync after a failure) rewrites the whole table in one transaction; later syncs write only
 * the ports whose rendering changed: their chains are flushed and refilled, their map
 * elements deleted and added, so the cost follows the change, not the table size.
 *
 * @example
 * const syncer = new ProxyRuleSyncer(host, { table: 'k8ts-proxy', serviceCIDR: '10.43.0.0/16', masqueradeBit: 14, localhostNodePorts: true }, { nodeName: 'n1' });
 * syncer.setService('default/web', servicePorts(svc, slices));
 * await syncer.sync();
 */
export class ProxyRuleSyncer {
  private readonly applied = new Map<string, AppliedPort>();
  private readonly byService = new Map<string, Set<string>>();
  private readonly pending = new Map<string, ServicePortModel[]>();
  private readonly elements = new ElementTable();
  private needFull = true;

  constructor(
    private readonly host: HostCommands,
    private readonly base: BaseTableOptions,
    private readonly ctx: RenderContext,
  ) {}

  get table(): string {
    return this.base.table;
  }

  /** Sets the ports of a Service (an empty list removes it); applied by the next sync. */
  setService(serviceKey: string, ports: ServicePortModel[]): void {
    this.pending.set(serviceKey, ports);
  }

  /** Forces the next sync to rewrite the whole table. */
  invalidate(): void {
    this.needFull = true;
  }

  hasPending(): boolean {
    return this.pending.size > 0 || this.needFull;
  }

  /** Applies pending changes; on failure the next sync is a full rewrite. */
  async sync(): Promise<SyncResult> {
    const started = performance.now();
    const full = this.needFull;
    const changes = this.collect();
    const script = full ? this.fullScript(changes) : this.partialScript(changes);
    const renderMs = performance.now() - started;
    const text = script.length > 0 ? script.join('\n') + '\n' : '';
    let failure: unknown;
    try {
      if (text) await applyNft(this.host, text);
    } catch (err) {
      failure = err;
    }
    const staleFlows: StaleFlow[] = [];
    for (const [key, next] of changes) {
      const prev = this.applied.get(key);
      if (prev?.model.protocol === 'udp' || next?.model.protocol === 'udp') staleFlows.push(...staleUdpFlows(prev?.model, next?.model, (m) => usableEndpoints(m.endpoints)));
      // `applied` is what the table should hold; after a failure the next full rewrite makes it so.
      if (next) this.applied.set(key, next);
      else this.applied.delete(key);
    }
    if (failure) {
      this.needFull = true;
      throw failure;
    }
    this.elements.commit(full);
    this.needFull = false;
    return { full, changedPorts: changes.size, lines: script.length, bytes: text.length, durationMs: performance.now() - started, renderMs, staleFlows };
  }

  /** Renders pending Services; returns the ports that changed (undefined: removed). */
  private collect(): Map<string, AppliedPort | undefined> {
    const changes = new Map<string, AppliedPort | undefined>();
    for (const [svcKey, models] of this.pending) {
      const before = this.byService.get(svcKey) ?? new Set<string>();
      const now = new Set<string>();
      for (const model of models) {
        now.add(model.key);
        const rules = renderPort(model, this.ctx);
        changes.set(model.key, { model, rules });
        const hairpin = rules.hairpinIPs.map((ip) => ({ map: 'hairpin' as const, key: `${ip} . ${ip}` }));
        this.elements.set(model.key, hairpin.length ? [...rules.elements, ...hairpin] : rules.elements);
      }
      for (const key of before) {
        if (now.has(key)) continue;
        changes.set(key, undefined);
        this.elements.set(key, []);
      }
      if (now.size) this.byService.set(svcKey, now);
      else this.byService.delete(svcKey);
    }
    this.pending.clear();
    return changes;
  }

  private fullScript(changes: Map<string, AppliedPort | undefined>): string[] {
    const t = `ip ${this.base.table}`;
    // Creating then deleting makes the delete valid whether or not the table exists.
    const lines = [`add table ${t}`, `delete table ${t}`, ...baseTableScript(this.base)];
    const ports = new Map<string, PortRules>();
    for (const [k, p] of this.applied) if (!changes.has(k)) ports.set(k, p.rules);
    for (const [k, p] of changes) if (p) ports.set(k, p.rules);
    const out = [...lines, ...this.portsBlock(ports)];
    for (const [map, items] of this.elements.allText()) this.pushElements(out, `add element ${t} ${map}`, items);
    return out;
  }

  /** One `add|delete element` command per 1,000 elements (nft parses batches faster than single elements). */
  private pushElements(out: string[], command: string, items: string[]): void {
    for (let i = 0; i < items.length; i += 1000) out.push(`${command} { ${items.slice(i, i + 1000).join(', ')} }`);
  }

  /** All ports' sets and chains in nft's block syntax, which parses faster than one command per rule. */
  private portsBlock(ports: Map<string, PortRules>): string[] {
    const out = [`table ip ${this.base.table} {`];
    for (const r of ports.values()) {
      for (const [set, timeout] of r.sets) out.push(`set ${set} { type ipv4_addr ; flags dynamic,timeout ; timeout ${timeout}s ; }`);
    }
    for (const r of ports.values()) {
      for (const [chain, body] of r.chains) out.push(`chain ${chain} {`, ...body, '}');
    }
    out.push('}');
    return out;
  }

  private elementLines(changes: ElementChange[]): string[] {
    const t = `ip ${this.base.table}`;
    const groups = new Map<string, string[]>();
    for (const e of changes) {
      const g = `${e.op} element ${t} ${e.map}`;
      let list = groups.get(g);
      if (!list) groups.set(g, (list = []));
      list.push(elementText(e));
    }
    const out: string[] = [];
    for (const [g, items] of groups) this.pushElements(out, g, items);
    return out;
  }

  private partialScript(changes: Map<string, AppliedPort | undefined>): string[] {
    const t = `ip ${this.base.table}`;
    const declare: string[] = [];
    const flush: string[] = [];
    const fill: string[] = [];
    const remove: string[] = [];
    for (const [key, next] of changes) {
      const prev = this.applied.get(key)?.rules;
      const nextRules = next?.rules;
      for (const [chain, body] of nextRules?.chains ?? []) {
        const old = prev?.chains.get(chain);
        if (sameRules(old, body)) continue;
        if (old) flush.push(`flush chain ${t} ${chain}`);
        else declare.push(`add chain ${t} ${chain}`);
        for (const rule of body) fill.push(`add rule ${t} ${chain} ${rule}`);
      }
      for (const [set, timeout] of nextRules?.sets ?? []) {
        if (!prev?.sets.has(set)) declare.unshift(`add set ${t} ${set} { type ipv4_addr ; flags dynamic,timeout ; timeout ${timeout}s ; }`);
      }
      for (const chain of prev?.chains.keys() ?? []) {
        if (nextRules?.chains.has(chain)) continue;
        // Emptied first: removed chains may jump to each other (svc → sep).
        flush.push(`flush chain ${t} ${chain}`);
        remove.push(`delete chain ${t} ${chain}`);
      }
      for (const set of prev?.sets.keys() ?? []) if (!nextRules?.sets.has(set)) remove.push(`delete set ${t} ${set}`);
    }
    const elements = this.elements.pending();
    const dels = elements.filter((e) => e.op === 'delete');
    const adds = elements.filter((e) => e.op === 'add');
    return [...declare, ...this.elementLines(dels), ...flush, ...fill, ...this.elementLines(adds), ...remove];
  }
}
