import type { ResourceDefinition } from '../registry/resource.js';
import type { ResourceCatalog } from '../registry/catalog.js';
import type { Store } from '../../storage/store.js';
import type { Clock } from '../../util/clock.js';
import { ApiError } from '../errors.js';
import { bindPod, type Binding } from './binding.js';

/**
 * The legacy create-only `bindings` resource (POST /api/v1/namespaces/NS/bindings): the same
 * assignment as pods/NAME/binding, with the pod named by the Binding's metadata.name. This is
 * what `kubectl create -f binding.yaml` reaches.
 */
export function bindingsResource(deps: () => { storage: Store; catalog: ResourceCatalog; clock: Clock } | undefined): ResourceDefinition {
  return {
    group: '',
    version: 'v1',
    kind: 'Binding',
    plural: 'bindings',
    singular: 'binding',
    namespaced: true,
    verbs: ['create'],
    protobufMessage: 'k8s.io.api.core.v1.Binding',
    async virtualCreate(obj) {
      const d = deps();
      if (!d) throw new ApiError(503, 'ServiceUnavailable', 'the binding subresource is starting');
      const name = obj.metadata.name;
      if (!name) throw ApiError.invalid({ group: '', kind: 'Binding' }, '', [{ type: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
      await bindPod({ storage: d.storage, pods: d.catalog.lookup('', 'v1', 'pods')!, clock: d.clock }, obj.metadata.namespace!, name, obj as Binding);
      return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } as never;
    },
  };
}
