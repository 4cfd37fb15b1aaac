import type { KubeObject } from '../../api/types.js';
import type { ResourceDefinition } from '../../apiserver/registry/resource.js';
import type { ResourceCatalog } from '../../apiserver/registry/catalog.js';
import type { ServerComponent } from '../component.js';
import { KubeletClient } from '../node-proxy/kubelet-client.js';
import { METRICS_GROUP } from './metrics-objects.js';
import { MetricsScraper } from './metrics-scraper.js';

function definition(kind: string, plural: string, singular: string, namespaced: boolean, list: (ns: string | undefined) => Promise<KubeObject[]>): ResourceDefinition {
  return {
    group: METRICS_GROUP,
    version: 'v1beta1',
    kind,
    plural,
    singular,
    namespaced,
    verbs: ['get', 'list'],
    virtualList: list,
  };
}

/**
 * The resource metrics API (`metrics.k8s.io/v1beta1` NodeMetrics and PodMetrics) served by
 * the API server itself, so `kubectl top` works without installing metrics-server: reads
 * scrape the node agents' `/stats/summary` through the API server's kubelet client, with a
 * short cache. Reading needs RBAC on `nodes`/`pods` in `metrics.k8s.io`
 * (the `system:aggregated-metrics-reader` ClusterRole, aggregated into view/edit/admin).
 *
 * @example
 * components.push(metricsApiComponent());
 */
export function metricsApiComponent(opts: { cacheMs?: number } = {}): ServerComponent {
  const kubelet = new KubeletClient();
  let scraper: MetricsScraper | undefined;
  const snapshot = async () => {
    if (!scraper) return { nodes: [], pods: [] };
    return scraper.snapshot();
  };
  const listOf = async (catalog: ResourceCatalog, plural: string) => (await catalog.lookup('', 'v1', plural)!.list(undefined, {})).items;
  return {
    name: 'metrics-api',
    resources: [
      definition('NodeMetrics', 'nodes', 'nodemetrics', false, async () => (await snapshot()).nodes),
      definition('PodMetrics', 'pods', 'podmetrics', true, async (ns) => (await snapshot()).pods.filter((p) => ns === undefined || p.metadata.namespace === ns)),
    ],
    async start(ctx) {
      await kubelet.init(ctx.pki);
      scraper = new MetricsScraper(
        { nodes: () => listOf(ctx.catalog, 'nodes'), pods: () => listOf(ctx.catalog, 'pods'), get: (n, p) => kubelet.get(n, p), log: ctx.log },
        { cacheMs: opts.cacheMs },
      );
    },
    stop: () => kubelet.close(),
  };
}
