/**
 * `k8ts image`: the node's image store from the command line (like `crictl images` /
 * `ctr images` on a k3s node). The store is `<data-dir>/agent/images`, shared with the agent;
 * `registries.yaml` is read from `--private-registry` (default `<data-dir>/registries.yaml`).
 *
 *   k8ts image pull REF [--creds user:pass]   pull (progress on a terminal, plain lines otherwise)
 *   k8ts image import FILE.tar [--base-name]  load a `docker save` or OCI-layout tar
 *   k8ts image ls [-q]                        IMAGE / TAG / IMAGE ID / SIZE
 *   k8ts image rm REF|ID...                   remove names, then content nothing else uses
 *   k8ts image prune                          remove every image no container holds
 *
 * `prune` keeps images in use: leased by a container (the agent can write a lease per
 * container under `<data-dir>/agent/images/leases/`) or whose layer stack is mounted as an
 * overlayfs root filesystem right now (read from /proc/self/mountinfo). Everything else goes.
 */
import { Command, Option } from 'commander';
import { join } from 'node:path';
import type { RegistryAuth } from '../agent/images/image-service.js';
import { LocalImageService } from '../agent/images/local-image-service.js';
import { parsePlatform } from '../agent/images/platform.js';
import { formatImageTable } from './image-table.js';
import { PullProgressDisplay } from './pull-progress.js';

interface StoreOptions {
  dataDir: string;
  privateRegistry?: string;
  disableDefaultRegistryEndpoint?: boolean;
  platform?: string;
}

function storeOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--data-dir <dir>', 'k8ts data folder; images live in <data-dir>/agent/images').default('/var/lib/k8ts'))
    .addOption(new Option('--private-registry <file>', 'k3s-style registries.yaml (default: <data-dir>/registries.yaml)'))
    .addOption(new Option('--disable-default-registry-endpoint', 'with mirrors configured, never fall back to the registry itself').default(false))
    .addOption(new Option('--platform <os/arch>', 'platform to pick from multi-arch images (default: this machine)'));
}

async function openStore(o: StoreOptions): Promise<LocalImageService> {
  return LocalImageService.open({
    agentDataDir: join(o.dataDir, 'agent'),
    registriesFile: o.privateRegistry ?? join(o.dataDir, 'registries.yaml'),
    disableDefaultEndpoint: o.disableDefaultRegistryEndpoint,
    platform: o.platform ? parsePlatform(o.platform) : undefined,
  });
}

function parseCreds(value: string): RegistryAuth {
  const i = value.indexOf(':');
  if (i <= 0) throw new Error('--creds must be USERNAME:PASSWORD');
  return { username: value.slice(0, i), password: value.slice(i + 1) };
}

/** `k8ts image …` */
export function imageCommand(): Command {
  const image = new Command('image').description('Manage images in the node image store (pull, import, ls, rm, prune)').addHelpText(
    'after',
    `
The store is the one the node's agent uses (<data-dir>/agent/images), so pods with
imagePullPolicy IfNotPresent or Never run what is pulled or imported here. Mirrors and
credentials come from <data-dir>/registries.yaml, as for the agent.

Examples:
  k8ts image pull docker.io/library/busybox:1.36
  k8ts image pull --creds user:secret registry.example.com:5000/team/app:2
  k8ts image import images.tar        # from docker save, or an OCI layout tar
  k8ts image ls
  k8ts image rm busybox:1.36
  k8ts image prune                    # everything no container uses`,
  );

  image.addCommand(
    storeOptions(new Command('pull'))
      .description('Pull an image from a registry into the node image store')
      .argument('<ref>', 'image reference, e.g. busybox:1.36 or 127.0.0.1:5000/app@sha256:…')
      .addOption(new Option('--creds <user:pass>', 'registry credentials'))
      .action(async (ref: string, o: StoreOptions & { creds?: string }) => {
        const images = await openStore(o);
        const display = new PullProgressDisplay(process.stdout, process.stdout.isTTY === true);
        if (!process.stdout.isTTY) process.stdout.write(`Pulling ${ref}\n`);
        try {
          const info = await images.pull(ref, { auth: o.creds ? [parseCreds(o.creds)] : undefined, onProgress: (p) => display.update(p) });
          display.finish();
          process.stdout.write(`Image is up to date for ${info.configDigest}\n`);
        } finally {
          display.finish();
        }
      }),
  );

  image.addCommand(
    storeOptions(new Command('import'))
      .description('Load images from a `docker save` tar or an OCI image layout tar (optionally gzipped)')
      .argument('<file>', 'the archive')
      .addOption(new Option('--base-name <name>', 'name for images the archive does not name (OCI tags become <name>:<tag>)'))
      .action(async (file: string, o: StoreOptions & { baseName?: string }) => {
        const images = await openStore(o);
        for (const info of await images.importArchive(file, { baseName: o.baseName })) {
          process.stdout.write(`unpacking ${info.ref} (${info.configDigest})...done\n`);
        }
      }),
  );

  image.addCommand(
    storeOptions(new Command('ls'))
      .alias('list')
      .description('List images in the node image store')
      .option('-q, --quiet', 'only print image IDs', false)
      .action(async (o: StoreOptions & { quiet: boolean }) => {
        const images = await openStore(o);
        const rows = [];
        for (const rec of await images.records()) {
          const info = await images.store.imageInfo(rec);
          if (info) rows.push({ name: rec.name, tag: rec.tag, configDigest: rec.configDigest, size: info.size });
        }
        process.stdout.write(formatImageTable(rows, { quiet: o.quiet }));
      }),
  );

  image.addCommand(
    storeOptions(new Command('rm'))
      .alias('rmi')
      .description('Remove images by reference or image ID; content no other image uses is deleted')
      .argument('<refs...>', 'references or image IDs')
      .action(async (refs: string[], o: StoreOptions) => {
        const images = await openStore(o);
        const missing: string[] = [];
        for (const r of refs) {
          const removed = await images.untag(r);
          if (removed.length === 0) missing.push(r);
          for (const ref of removed) process.stdout.write(`Deleted: ${ref}\n`);
        }
        await images.store.collectGarbage();
        if (missing.length > 0) throw new Error(`no such image: ${missing.join(', ')}`);
      }),
  );

  image.addCommand(
    storeOptions(new Command('prune'))
      .description('Remove every image not held by a container (see the agent\'s leases), then unused content')
      .action(async (o: StoreOptions) => {
        const images = await openStore(o);
        const removed = await images.prune();
        for (const ref of removed) process.stdout.write(`Deleted: ${ref}\n`);
        if (removed.length === 0) process.stdout.write('Nothing to prune\n');
      }),
  );

  return image;
}

