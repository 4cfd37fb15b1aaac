import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { builtinResources } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { ServiceAllocator } from '../apiserver/allocators/service-allocator.js';
import { Ipv4Range } from '../apiserver/allocators/ipv4-range.js';
import { ApiServer } from '../apiserver/server.js';
import { ApiMetrics } from '../apiserver/metrics.js';
import type { ApiContext, Patcher } from '../apiserver/http/context.js';
import { ResourceCatalog } from '../apiserver/registry/catalog.js';
import { composeHookTables } from '../apiserver/registry/compose-hooks.js';
import { mergePatch } from '../apiserver/patch/merge-patch.js';
import { jsonPatch } from '../apiserver/patch/json-patch.js';
import { strategicMergePatch } from '../apiserver/patch/strategic-merge.js';
import { builtinComponents } from './components.js';
import type { ComponentContext } from './component.js';
import { ensureClusterPki } from '../pki/cluster-pki.js';
import { writeKubeconfig } from '../pki/kubeconfig.js';
import { startAutoCompaction } from '../storage/auto-compaction.js';
import { systemClock, type Clock } from '../util/clock.js';
import { createLogger, type Logger } from '../util/log.js';
import { bootstrapCluster } from './bootstrap.js';
import type { ServerConfig } from './config.js';
import { openStorage } from './open-storage.js';
import { setUpAuth } from '../apiserver/auth/auth-setup.js';
import { openApiPaths } from '../apiserver/openapi/index.js';
import { protobufCodec } from './protobuf-wiring.js';
import { namespaceFinalizeSubresource } from './namespace-finalize.js';
import { attachFieldManagement } from '../apiserver/apply/tracking.js';

export interface RunningServer {
  /** `https://127.0.0.1:PORT` */
  url: string;
  port: number;
  kubeconfigPath: string;
  catalog: ResourceCatalog;
  close(): Promise<void>;
}

/** The first non-internal IPv4 address of the host (what the `kubernetes` Endpoints advertise). */
function hostAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

/**
 * Starts the control plane: certificates, storage, the API server, bootstrap objects and the
 * built-in controllers; writes the admin kubeconfig. Resolves once `/readyz` would say ok.
 */
export async function startServer(config: ServerConfig, deps: { clock?: Clock; log?: Logger } = {}): Promise<RunningServer> {
  const started = performance.now();
  const clock = deps.clock ?? systemClock;
  const log = deps.log ?? createLogger('k8ts-server');
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });

  const kubernetesServiceIP = Ipv4Range.parse(config.serviceCidr).nth(1);
  const sans = config.tlsSan;
  const pki = await ensureClusterPki({
    dataDir: config.dataDir,
    serverHostnames: sans.filter((s) => !/^[\d.:]+$/.test(s)),
    serverIPs: sans.filter((s) => /^[\d.:]+$/.test(s)),
    serviceCIDRs: [config.serviceCidr],
  });

  const storage = await openStorage(config.dataDir, config.datastoreEndpoint);
  const store = storage.store;
  const allocator = new ServiceAllocator(store, config.serviceCidr);
  const auth = await setUpAuth(pki.tlsDir, { clock, log });
  const components = builtinComponents(config).filter((c) => !config.disable.includes(c.name));
  const catalog = new ResourceCatalog(
    [...builtinResources, ...auth.resources, ...components.flatMap((c) => c.resources ?? [])],
    store,
    clock,
    composeHookTables([{ '/services': allocator.hooks() }, ...components.map((c) => c.hooks ?? {})]),
  );
  auth.attach(catalog);
  attachFieldManagement(catalog, clock);

  const patchers: Record<string, Patcher> = {
    'application/json-patch+json': (o, p) => jsonPatch(o, p) as KubeObject,
    'application/merge-patch+json': (o, p) => mergePatch(o, p) as KubeObject,
    'application/strategic-merge-patch+json': (o, p, gvk) => strategicMergePatch(o, p as Record<string, unknown>, gvk) as KubeObject,
  };
  const ctx: ApiContext = {
    catalog,
    clock,
    log,
    protobuf: protobufCodec(),
    patchers,
    subresources: new Map(),
    discoverySubresources: {},
  };
  for (const sub of [namespaceFinalizeSubresource(), ...auth.subresources, ...components.flatMap((c) => c.subresources ?? [])]) {
    ctx.subresources.set(`${sub.group}/${sub.plural}/${sub.info.name}`, sub.handler);
    (ctx.discoverySubresources[`${sub.group}/${sub.plural}`] ??= []).push(sub.info);
  }

  let ready = false;
  const metrics = new ApiMetrics();
  const server = new ApiServer({
    ctx,
    tls: { certPem: pki.servingCertPem, keyPem: pki.servingKeyPem, clientCaPem: pki.caCertPem },
    host: config.bindAddress,
    port: config.httpsListenPort,
    authorizer: auth.authorizer,
    tokenAuthenticators: auth.tokenAuthenticators,
    metrics,
    readyChecks: { 'etcd': () => ready, 'poststarthook/bootstrap-controller': () => ready },
    paths: Object.assign({ ...auth.paths, ...openApiPaths(catalog) }, ...components.map((c) => c.paths ?? {})),
    publicPaths: components.flatMap((c) => c.publicPaths ?? []),
  });
  const address = await server.listen();
  const port = address.port;
  const url = `https://127.0.0.1:${port}`;

  await bootstrapCluster(catalog, { kubernetesServiceIP, advertiseAddress: hostAddress(), port });
  await auth.bootstrap(catalog);
  const services = await catalog.lookup('', 'v1', 'services')!.list(undefined);
  await allocator.repair(services.items);

  const componentContext: ComponentContext = { config, catalog, store, pki, clock, log, url, port };
  for (const c of components) {
    await c.start?.(componentContext);
    log.debug({ component: c.name }, 'component started');
  }
  const stopCompaction = startAutoCompaction(store);

  const kubeconfigPath = config.writeKubeconfig ?? join(config.dataDir, 'kubeconfig.yaml');
  await writeKubeconfig(kubeconfigPath, {
    server: url,
    caCertPem: pki.caCertPem,
    clientCertPem: pki.adminCertPem,
    clientKeyPem: pki.adminKeyPem,
  });
  ready = true;
  log.info(
    { url, datastore: storage.description, kubeconfig: kubeconfigPath, startupMs: Math.round(performance.now() - started) },
    'k8ts server ready',
  );

  return {
    url,
    port,
    kubeconfigPath,
    catalog,
    close: async () => {
      ready = false;
      for (const c of [...components].reverse()) await c.stop?.();
      auth.stop();
      stopCompaction();
      await server.close();
      for (const s of catalog.all()) s.stopWatchCache();
      await store.close();
    },
  };
}
