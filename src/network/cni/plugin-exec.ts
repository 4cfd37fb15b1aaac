import type { HostCommands } from '../host/host-commands.js';
import type { NetworkConfList, PluginConf } from './conflist.js';

/** A CNI 1.0 success result (what ADD prints). */
export interface CniResult {
  cniVersion: string;
  interfaces?: { name: string; mac?: string; sandbox?: string }[];
  ips?: { interface?: number; address: string; gateway?: string }[];
  routes?: { dst: string; gw?: string }[];
  dns?: Record<string, unknown>;
}

/** A plugin failed; `code` and `msg` come from its CNI error JSON when it printed one. */
export class CniError extends Error {
  override readonly name = 'CniError';
  constructor(
    readonly plugin: string,
    readonly code: number,
    readonly msg: string,
    readonly details?: string,
  ) {
    super(`CNI plugin ${plugin} failed (code ${code}): ${msg}${details ? `: ${details}` : ''}`);
  }
}

export type CniCommand = 'ADD' | 'DEL' | 'CHECK';

export interface PluginCall {
  command: CniCommand;
  containerId: string;
  /** Empty for a DEL after the namespace is gone (plugins must tolerate that). */
  netns: string;
  ifName: string;
  /** `K8S_POD_NAMESPACE=…;K8S_POD_NAME=…`, as kubelet passes them. */
  args?: string;
  /** Values for the plugins' declared capabilities (`portMappings`). */
  runtimeConfig?: Record<string, unknown>;
  prevResult?: CniResult;
}

/**
 * Runs CNI plugin binaries from `pluginDir` with the CNI environment protocol.
 *
 * @example
 * const runner = new PluginRunner(new HostCommands());
 * const result = await runner.add(k8tsConflist({ podCIDR: '10.42.0.0/24', ipamDataDir: dir }), { containerId: uid, netns: '/var/run/netns/p', ifName: 'eth0' });
 */
export class PluginRunner {
  constructor(
    private readonly host: HostCommands,
    readonly pluginDir = '/usr/lib/cni',
  ) {}

  /** The stdin config of one plugin in a list: name, version, runtime config and prevResult injected. */
  static pluginConfig(list: NetworkConfList, plugin: PluginConf, call: PluginCall): Record<string, unknown> {
    const conf: Record<string, unknown> = { ...plugin, cniVersion: list.cniVersion, name: list.name };
    const rc: Record<string, unknown> = {};
    for (const [cap, on] of Object.entries(plugin.capabilities ?? {})) {
      if (on && call.runtimeConfig?.[cap] !== undefined) rc[cap] = call.runtimeConfig[cap];
    }
    if (Object.keys(rc).length) conf.runtimeConfig = rc;
    if (call.prevResult) conf.prevResult = call.prevResult;
    return conf;
  }

  /** Runs one plugin; resolves its result (ADD) or undefined (DEL/CHECK). */
  async exec(list: NetworkConfList, plugin: PluginConf, call: PluginCall): Promise<CniResult | undefined> {
    const conf = PluginRunner.pluginConfig(list, plugin, call);
    const r = await this.host.run(`${this.pluginDir}/${plugin.type}`, [], {
      input: JSON.stringify(conf),
      allowFailure: true,
      env: {
        CNI_COMMAND: call.command,
        CNI_CONTAINERID: call.containerId,
        CNI_NETNS: call.netns,
        CNI_IFNAME: call.ifName,
        CNI_PATH: this.pluginDir,
        ...(call.args ? { CNI_ARGS: call.args } : {}),
      },
    });
    if (r.code !== 0) {
      try {
        const e = JSON.parse(r.stdout) as { code?: number; msg?: string; details?: string };
        throw new CniError(plugin.type, e.code ?? r.code, e.msg ?? r.stderr.trim(), e.details);
      } catch (err) {
        if (err instanceof CniError) throw err;
        throw new CniError(plugin.type, r.code, (r.stderr || r.stdout).trim() || `exit ${r.code}`);
      }
    }
    if (call.command !== 'ADD') return undefined;
    return JSON.parse(r.stdout) as CniResult;
  }

  /** ADD through the whole list, each plugin getting the previous one's result. */
  async add(list: NetworkConfList, call: Omit<PluginCall, 'command' | 'prevResult'>): Promise<CniResult> {
    let prev: CniResult | undefined;
    for (const plugin of list.plugins) prev = await this.exec(list, plugin, { ...call, command: 'ADD', prevResult: prev });
    return prev!;
  }

  /** DEL through the list in reverse order; every plugin runs even if one fails, the first error is thrown. */
  async del(list: NetworkConfList, call: Omit<PluginCall, 'command'>): Promise<void> {
    let first: unknown;
    for (const plugin of [...list.plugins].reverse()) {
      await this.exec(list, plugin, { ...call, command: 'DEL' }).catch((err) => (first ??= err));
    }
    if (first) throw first;
  }
}
