import type { AgentFlags } from '../agent/config.js';

/** `k8ts agent` without --simulate: join with the token and run this machine as a node until signalled. */
export async function runAgentCommand(opts: Record<string, unknown>, flags: AgentFlags): Promise<void> {
  if (!opts.server || !opts.token) throw new Error('k8ts agent: --server and --token are required (the token is in <server data-dir>/token)');
  const [{ startStandaloneAgent }, { createLogger }] = await Promise.all([import('../agent/standalone-agent.js'), import('../util/log.js')]);
  const log = createLogger('k8ts-agent');
  const agent = await startStandaloneAgent({
    server: String(opts.server),
    token: String(opts.token),
    dataDir: String(opts.dataDir),
    nodeName: opts.nodeName as string | undefined,
    clusterDNS: opts.clusterDns as string | undefined,
    flags,
    log,
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`received ${signal}, shutting down (containers keep running)\n`);
    await agent.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
