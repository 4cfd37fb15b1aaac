import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { RestClient, restConfigFromKubeconfig, type RestConfig } from '../client/rest-client.js';
import { defaultSimulatedNodeOptions } from '../simulator/node-template.js';
import { simulatedNodeOptionsFrom } from './node-flags.js';
import { parseCount } from './flag-parsers.js';
import { agentFlagsFrom, agentOptions } from './agent-flags.js';
import { agentClusterRangeOptions } from './node-network-flags.js';

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
 * `k8ts agent`: adds nodes to a cluster. With `--server URL --token TOKEN` it joins this
 * machine as a real node (pods as runc containers; see src/agent); with `--simulate N` it
 * runs simulated nodes instead (like kwok): they register, heartbeat and run pods without
 * containers, over the REST API.
 */
export function agentCommand(): Command {
  const cmd = new Command('agent')
    .description('Run a node (pods as runc containers) joined to a k8ts server, or simulated nodes with --simulate N')
    .addHelpText(
      'after',
      `
Examples:
  # Join this machine to a cluster (the token is in the server's <data-dir>/token)
  k8ts agent --server https://10.0.0.1:6443 --token "$(cat token)"

  # 100 simulated nodes named sim-node-0 … sim-node-99, with an admin kubeconfig
  k8ts agent --kubeconfig admin.kubeconfig --simulate 100`,
    )
    .addOption(new Option('--server <url>', 'API server URL, e.g. https://10.0.0.1:6443'))
    .addOption(new Option('--token <token>', 'join token (<server data-dir>/token); with --simulate, a bearer token'))
    .addOption(new Option('--data-dir <dir>', "folder for the node's state (<data-dir>/agent)").default('/var/lib/k8ts'))
    .addOption(new Option('--node-name <name>', 'name of this node (default: the host name)'))
    .addOption(new Option('--cluster-dns <ip>', "cluster DNS IP for pods (default: the kube-dns Service's)"))
    .addOption(new Option('--certificate-authority <file>', "the cluster CA certificate (with --token)"))
    .addOption(new Option('--kubeconfig <file>', 'credentials and server from a kubeconfig (instead of --token)'))
    .addOption(new Option('--simulate <n>', 'run N simulated nodes instead of a real one').argParser(parseCount))
    .addOption(new Option('--node-name-prefix <prefix>', 'simulated node names are <prefix><index>').default(d.namePrefix))
    .addOption(new Option('--first-index <n>', 'index of the first simulated node (for several agents on one prefix)').default(0).argParser(parseCount))
    .addOption(new Option('--capacity <list>', 'capacity of each simulated node, e.g. cpu=32,memory=256Gi,pods=110'))
    .addOption(new Option('--labels <list>', 'extra node labels k=v,…; {index} and {index%N} expand per node'))
    .addOption(new Option('--taints <list>', 'node taints key[=value]:Effect,… (as --register-with-taints)'))
    .addOption(new Option('--heartbeat <duration>', 'Lease renewal interval').default('10s'))
    .addOption(new Option('--pod-cidr <cidr>', 'range carved into the simulated nodes’ podCIDRs').default(d.podCidr));
  for (const o of [...agentOptions(), ...agentClusterRangeOptions()]) cmd.addOption(o);
  return cmd
    .action(async (opts: Record<string, unknown>) => {
      if (opts.simulate === undefined) {
        const { runAgentCommand } = await import('./agent-run.js');
        return runAgentCommand(opts, agentFlagsFrom(opts));
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
