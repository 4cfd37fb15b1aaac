// Image pull from a local registry: k8ts (library and `k8ts image pull`) against
// `skopeo copy docker://… oci:…`, for a 5-layer image built offline (the busybox rootfs plus
// four layers of random, incompressible files) and pushed to Debian's docker-registry on
// loopback. k8ts verifies and unpacks every layer (ready to run); skopeo verifies and stores
// the blobs only. Runs alternate between the tools; every run starts from an empty store.
//
// Usage: npm run build && node dist/bench/image-pull-bench.js [--runs 7] [--layers 5] [--layer-mb 16]
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { BlobStore } from '../src/agent/images/blob-store.js';
import { LocalImageService } from '../src/agent/images/local-image-service.js';
import { parseRegistriesConfig, resolveEndpoints } from '../src/agent/images/registries-config.js';
import { RegistryClient } from '../src/agent/images/registry-client.js';
import { startRegistry } from '../test/support/registry.js';
import { buildBenchImage, pushImage } from '../test/support/test-images.js';

const run = promisify(execFile);
const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, layers: { type: 'string', default: '5' }, 'layer-mb': { type: 'string', default: '16' } } });
const runs = Number(values.runs);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'k8ts-bench-pull-'));
  const registry = await startRegistry();
  try {
    const image = await buildBenchImage(Number(values.layers), Number(values['layer-mb']) * 1024 * 1024);
    await pushImage(registry.url, 'k8ts/bench', '1', image);
    const ref = `${registry.host}/k8ts/bench:1`;
    const bytes = image.layers.reduce((n, l) => n + l.blob.length, 0);
    const results: Record<string, number[]> = { library: [], cli: [], repull: [], skopeo: [], blobs: [] };
    const [endpoint] = await resolveEndpoints(parseRegistriesConfig(''), registry.host);
    // What skopeo does, done by k8ts's own client and content store: every layer blob
    // downloaded (three at a time), hashed and stored; nothing unpacked.
    const blobsOnly = async (root: string) => {
      const blobs = new BlobStore(root);
      await blobs.init();
      const client = new RegistryClient(endpoint!, 'k8ts/bench');
      await client.getManifest('1');
      let next = 0;
      const worker = async () => {
        while (next < image.layers.length) {
          const l = image.layers[next++]!;
          const { body } = await client.getBlob(l.digest);
          const w = await blobs.writer(l.digest, l.blob.length);
          for await (const chunk of body) await w.write(chunk as Buffer);
          await w.commit();
        }
      };
      await Promise.all([worker(), worker(), worker()]);
    };
    let n = 0;
    for (let i = 0; i < runs; i++) {
      const root = join(work, `lib-${n++}`);
      results.library!.push(await timed(async () => (await LocalImageService.open({ root })).pull(ref)));
      results.repull!.push(await timed(async () => (await LocalImageService.open({ root })).pull(ref)));
      const dataDir = join(work, `cli-${n++}`);
      results.cli!.push(await timed(() => run(resolve('bin/k8ts'), ['image', 'pull', ref, '--data-dir', dataDir])));
      const blobRoot = join(work, `blobs-${n++}`);
      results.blobs!.push(await timed(() => blobsOnly(blobRoot)));
      rmSync(blobRoot, { recursive: true, force: true });
      const oci = join(work, `skopeo-${n++}`);
      results.skopeo!.push(await timed(() => run('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${ref}`, `oci:${oci}:1`])));
      rmSync(root, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(oci, { recursive: true, force: true });
    }
    const mb = bytes / 1e6;
    const row = (name: string, xs: number[], what: string) =>
      `| ${name} | ${what} | ${median(xs).toFixed(0)} ms | ${Math.min(...xs).toFixed(0)} ms | ${(mb / (median(xs) / 1000)).toFixed(0)} MB/s |`;
    console.log(`image: ${image.layers.length} layers, ${mb.toFixed(1)} MB compressed; ${runs} runs each`);
    console.log('| tool | does | median | best | throughput (compressed bytes / median) |');
    console.log('|---|---|---|---|---|');
    console.log(row('k8ts (library, in-process)', results.library!, 'download, verify, unpack'));
    console.log(row('`k8ts image pull` (CLI)', results.cli!, 'same, plus Node start-up'));
    console.log(row('`skopeo copy docker://… oci:…`', results.skopeo!, 'download, verify, store blobs'));
    console.log(row('k8ts blobs only (client + content store)', results.blobs!, 'download, verify, store blobs'));
    console.log(`| k8ts re-pull, layers present | resolve manifest, skip layers | ${median(results.repull!).toFixed(1)} ms | ${Math.min(...results.repull!).toFixed(1)} ms | — |`);
  } finally {
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
