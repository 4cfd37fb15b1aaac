import type { ResourceCatalog } from '../../apiserver/registry/catalog.js';
import type { ServerComponent } from '../component.js';
import { KubeletClient } from './kubelet-client.js';
import { podLogSubresource } from './pod-log.js';

/**
 * The API server's side of node streaming: `pods/log` proxied to the pod's node agent
 * (exec, attach and port-forward join later).
 */
export function nodeProxyComponent(): ServerComponent {
  const kubelet = new KubeletClient();
  let catalog: ResourceCatalog | undefined;
  return {
    name: 'node-proxy',
    subresources: [podLogSubresource(kubelet, () => catalog)],
    async start(ctx) {
      await kubelet.init(ctx.pki);
      catalog = ctx.catalog;
    },
    stop: () => kubelet.close(),
  };
}
