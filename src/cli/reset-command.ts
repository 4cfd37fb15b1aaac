import { Command, Option } from 'commander';

/** `k8ts reset`: remove every container, mount, netns, cgroup and file a k8ts node made here. */
export function resetCommand(): Command {
  return new Command('reset')
    .description('Remove every container, mount, network namespace and cgroup k8ts created on this machine (stop k8ts first)')
    .addOption(new Option('--data-dir <dir>', 'the data dir k8ts server/agent ran with').default('/var/lib/k8ts'))
    .addOption(new Option('--remove-data', 'also delete the data dir (datastore, certificates, images)').default(false))
    .action(async (opts: { dataDir: string; removeData: boolean }) => {
      const { resetNode, looksLikeDataDir } = await import('../agent/reset/reset.js');
      if (opts.removeData && !looksLikeDataDir(opts.dataDir)) throw new Error(`${opts.dataDir} does not look like a k8ts data dir; not removing it`);
      const r = await resetNode({ dataDir: opts.dataDir, removeData: opts.removeData });
      process.stdout.write(
        `removed ${r.containers} container(s), ${r.mounts} mount(s), ${r.netns} network namespace(s), ${r.cgroups} pod cgroup(s)${r.network ? ', the pod network' : ''}${r.removedData ? `, and ${opts.dataDir}` : ''}\n`,
      );
    });
}
