import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { RestClient, restConfigFromKubeconfig, type RestConfig } from '../client/rest-client.js';
import { defaultSimulatedNodeOptions } from '../simulator/node-template.js';
import { simulatedNodeOptionsFrom } from './node-flags.js';
import { parseCount } from './flag-parsers.js';

const d = defaultSimulatedNodeOptions;

/** How the agent reaches the API server: a kubeconfig, or a URL with a bearer token and the cluster CA. */
function restConfig(opts: Record<string, unknown>): RestConfig {
  if (opts.kubeconfig) {
    const cfg = restConfigFromKubeconfig(String(opts.kubeconfig));
    return opts.server ? { ...cfg, server: String(opts.server) } : cfg;
  }
  if (!opts.server || !opts.token) throw new Error('k8ts agent: give --kubeconfig, or --server with --token and --certificate-authority');
  if (!opts.certificateAuthority) throw new Error('k8ts agent: --token needs --certificate-authority (the cluster CA, <data-dir>/tls/ca.crt on the server)');
  return { server: String(opts.server), token: String(opts.token), caPem: readFileSync(String(opts.certificateAuthority)) };
}

/**
 * `k8ts agent`: adds nodes to a cluster. Today it runs simulated nodes (`--simulate N`, like
 * kwok): they register, heartbeat and run pods without containers, over the REST API. The
 * real node agent (containers through runc, pod networking; flags --node-name, --node-ip,
 * --data-dir, --with-node-id, …) will share this command.
 */
export function agentCommand(): Command {
  return new Command('agent')
    .description('Add nodes to a k8ts cluster (today: simulated nodes with --simulate N; the real node agent is coming)')
    .addOption(new Option('--server <url>', 'API server URL, e.g. https://10.0.0.1:6443'))
    .addOption(new Option('--token <token>', 'bearer token to authenticate with (e.g. a service account token)'))
    .addOption(new Option('--certificate-authority <file>', "the cluster CA certificate (with --token)"))
    .addOption(new Option('--kubeconfig <file>', 'credentials and server from a kubeconfig (instead of --token)'))
    .addOption(new Option('--simulate <n>', 'run N simulated nodes instead of a real one').argParser(parseCount))
    .addOption(new Option('--node-name-prefix <prefix>', 'simulated node names are <prefix><index>').default(d.namePrefix))
    .addOption(new Option('--first-index <n>', 'index of the first simulated node (for several agents on one prefix)').default(0).argParser(parseCount))
    .addOption(new Option('--capacity <list>', 'capacity of each simulated node, e.g. cpu=32,memory=256Gi,pods=110'))
    .addOption(new Option('--labels <list>', 'extra node labels k=v,…; {index} and {index%N} expand per node'))
    .addOption(new Option('--taints <list>', 'node taints key[=value]:Effect,… (as --register-with-taints)'))
    .addOption(new Option('--heartbeat <duration>', 'Lease renewal interval').default('10s'))
    .addOption(new Option('--pod-cidr <cidr>', 'range carved into the simulated nodes’ podCIDRs').default(d.podCidr))
    .action(async (opts: Record<string, unknown>) => {
      if (opts.simulate === undefined) {
        throw new Error('k8ts agent: the real node agent is not available yet; run simulated nodes with --simulate N');
      }
      const config = restConfig(opts);
      const [{ SimulatedFleet }, { restFleetApi }, { createLogger }] = await Promise.all([
        import('../simulator/fleet.js'),
        import('../simulator/rest-fleet-api.js'),
        import('../util/log.js'),
      ]);
      const log = createLogger('k8ts-agent');
      const nodeOpts = {
        ...d,
        ...simulatedNodeOptionsFrom(opts, { prefix: 'nodeNamePrefix', capacity: 'capacity', labels: 'labels', taints: 'taints', heartbeat: 'heartbeat' }),
        podCidr: String(opts.podCidr),
        firstIndex: opts.firstIndex as number,
      };
      const fleet = new SimulatedFleet(restFleetApi(new RestClient(config)), opts.simulate as number, nodeOpts, log);
      await fleet.start();
      const stop = (signal: string) => {
        process.stderr.write(`received ${signal}, shutting down\n`);
        fleet.stop();
        process.exit(0);
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}
