import { Command, Option } from 'commander';

/** `k8ts reset`: remove every container, mount, netns, cgroup and file a k8ts node made here. */
export function resetCommand(): Command {
  return new Command('reset')
    .description('Remove every container, mount, network namespace and cgroup k8ts created on this machine (stop k8ts first)')
    .addOption(new Option('--data-dir <dir>', 'the data dir k8ts server/agent ran with').default('/var/lib/k8ts'))
    .addOption(new Option('--remove-data', 'also delete the data dir (datastore, certificates, images)').default(false))
    .addHelpText(
      'after',
      `
It removes only what the node recorded in its data dir: the containers in its runtime root,
the overlay mounts, the pods' network namespaces and kubepods cgroups, the pod network
(bridge, routes, nftables tables) and the pod and log folders.

Examples:
  # After stopping k8ts server (or k8ts agent) on this machine
  k8ts reset

  # Also delete the datastore, certificates and images: a clean machine
  k8ts reset --data-dir /var/lib/k8ts --remove-data`,
    )
    .action(async (opts: { dataDir: string; removeData: boolean }) => {
      const { resetNode, looksLikeDataDir } = await import('../agent/reset/reset.js');
      if (opts.removeData && !looksLikeDataDir(opts.dataDir)) throw new Error(`${opts.dataDir} does not look like a k8ts data dir; not removing it`);
      const r = await resetNode({ dataDir: opts.dataDir, removeData: opts.removeData });
      process.stdout.write(
        `removed ${r.containers} container(s), ${r.mounts} mount(s), ${r.netns} network namespace(s), ${r.cgroups} pod cgroup(s)${r.network ? ', the pod network' : ''}${r.removedData ? `, and ${opts.dataDir}` : ''}\n`,
      );
    });
}
