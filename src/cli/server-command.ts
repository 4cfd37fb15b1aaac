import { Command, Option } from 'commander';
import { defaultServerConfig, type ServerConfig } from '../server/config.js';
import { networkServiceOptions, networkServicesFrom } from './network-flags.js';
import { nodeServerConfig, nodeServerOptions } from './node-flags.js';
import { agentFlagsFrom, agentOptions } from './agent-flags.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`invalid port: ${value}`);
  return n;
}

/** `k8ts server`: the control plane (API server, storage, controllers) plus, later, an embedded agent. */
export function serverCommand(): Command {
  const d = defaultServerConfig;
  const cmd = new Command('server')
    .description('Run the k8ts control plane (API server, datastore, controllers) on this machine')
    .addOption(new Option('--data-dir <dir>', 'folder for state, certificates and the kubeconfig').default(d.dataDir))
    .addOption(new Option('--https-listen-port <port>', 'HTTPS port of the API server').default(d.httpsListenPort).argParser(port))
    .addOption(new Option('--bind-address <ip>', 'address the API server listens on').default(d.bindAddress))
    .addOption(new Option('--write-kubeconfig <file>', 'where to write the admin kubeconfig (default: <data-dir>/kubeconfig.yaml)'))
    .addOption(new Option('--datastore-endpoint <url>', 'empty: embedded SQLite; http://host:2379[,…]: etcd v3').default(d.datastoreEndpoint))
    .addOption(new Option('--service-cidr <cidr>', 'IPv4 range for Service cluster IPs').default(d.serviceCidr))
    .addOption(new Option('--cluster-cidr <cidr>', 'IPv4 range for pod IPs').default(d.clusterCidr))
    .addOption(new Option('--cluster-dns <ip>', 'cluster DNS service IP (default: 10th address of --service-cidr)'))
    .addOption(new Option('--tls-san <name>', 'extra host name or IP in the serving certificate (repeatable)').default([]).argParser(collect))
    .addOption(new Option('--node-name <name>', 'name of this node (default: the host name)'))
    .addOption(new Option('--disable-agent', 'run only the control plane, no embedded node agent').default(false))
    .addOption(new Option('--disable <component>', 'do not run a packaged component, e.g. ingress (repeatable)').default([]).argParser(collect));
  for (const o of nodeServerOptions()) cmd.addOption(o);
  for (const o of networkServiceOptions()) cmd.addOption(o);
  cmd.addOption(new Option('--token <token>', 'join token agents present (default: <data-dir>/token, created at first start)'));
  for (const o of agentOptions()) cmd.addOption(o);
  return cmd
    .action(async (opts: Record<string, unknown>) => {
      const config: ServerConfig = {
        dataDir: opts.dataDir as string,
        httpsListenPort: opts.httpsListenPort as number,
        bindAddress: opts.bindAddress as string,
        writeKubeconfig: opts.writeKubeconfig as string | undefined,
        datastoreEndpoint: opts.datastoreEndpoint as string,
        serviceCidr: opts.serviceCidr as string,
        clusterCidr: opts.clusterCidr as string,
        clusterDns: opts.clusterDns as string | undefined,
        tlsSan: opts.tlsSan as string[],
        nodeName: opts.nodeName as string | undefined,
        disableAgent: opts.disableAgent as boolean,
        disable: opts.disable as string[],
        ...nodeServerConfig(opts),
        networkServices: networkServicesFrom(opts),
        token: opts.token as string | undefined,
        agent: agentFlagsFrom(opts),
      };
      const { startServer } = await import('../server/start-server.js');
      const server = await startServer(config);
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`received ${signal}, shutting down\n`);
        await server.close();
        process.exit(0);
      };
      process.on('SIGTERM', () => void stop('SIGTERM'));
      process.on('SIGINT', () => void stop('SIGINT'));
    });
}
