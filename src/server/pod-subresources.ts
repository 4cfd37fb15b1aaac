import { bindingsResource } from '../apiserver/pods/bindings-resource.js';
import { podBindingSubresource, podEvictionSubresource } from '../apiserver/pods/subresources.js';
import type { ComponentContext, ServerComponent } from './component.js';

/**
 * `pods/binding` (and the legacy `bindings` resource) and `pods/eviction`; binding writes
 * through the server's raw storage, which the component gets when it starts.
 */
export function podSubresourcesComponent(): ServerComponent {
  let ctx: ComponentContext | undefined;
  return {
    name: 'pod-subresources',
    resources: [bindingsResource(() => ctx && { storage: ctx.store, catalog: ctx.catalog, clock: ctx.clock })],
    subresources: [podBindingSubresource(() => ctx?.store), podEvictionSubresource()],
    async start(c) {
      ctx = c;
    },
  };
}
