import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../errors.js';
import { readBody, decodeObjectBody, parseJson } from './body.js';
import type { ResourceRequest } from './context.js';
import { parseMediaType } from './media-type.js';
import { writeObject } from './respond.js';
import { dryRunOf } from './resource-handler.js';
import { fieldManagerOf } from '../apply/manager-name.js';

/** The autoscaling/v1 Scale view of an object with a scale mapping. */
function scaleOf(r: ResourceRequest, obj: KubeObject): KubeObject {
  const m = r.store.def.scale!;
  const meta = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: meta.name, namespace: meta.namespace, uid: meta.uid, resourceVersion: meta.resourceVersion, creationTimestamp: meta.creationTimestamp },
    spec: { replicas: m.specReplicas(obj) },
    status: { replicas: m.statusReplicas(obj), selector: m.selector(obj) },
  };
}

function replicasFrom(scale: KubeObject): number {
  const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
    throw ApiError.invalid({ group: 'autoscaling', kind: 'Scale' }, scale.metadata?.name ?? '', [
      { type: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be an integer` },
    ]);
  }
  if (replicas < 0) {
    throw ApiError.invalid({ group: 'autoscaling', kind: 'Scale' }, scale.metadata?.name ?? '', [
      { type: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${replicas}: must be greater than or equal to 0` },
    ]);
  }
  return replicas;
}

/**
 * GET, PUT and PATCH of `<resource>/scale` (what `kubectl scale` uses). Writes go through the
 * parent object's update, so its validation and conflict checks apply.
 */
export async function handleScale(r: ResourceRequest): Promise<void> {
  const { info, store } = r;
  const ns = store.def.namespaced ? info.namespace : undefined;
  const name = info.name!;
  const m = store.def.scale!;
  if (info.verb === 'get') {
    writeObject(r.res, 200, scaleOf(r, await store.get(ns, name)));
    return;
  }
  if (info.verb !== 'update' && info.verb !== 'patch') throw ApiError.methodNotAllowed();
  const dryRun = dryRunOf(r.query);
  const fieldManager = fieldManagerOf(r.query, r.req, info.verb === 'update' ? 'Update' : 'Patch');
  const body = await readBody(r.req);
  let compute: (current: KubeObject) => KubeObject;
  if (info.verb === 'update') {
    // kubectl scale --current-replicas PUTs with no Content-Type: JSON is assumed.
    const scale = decodeObjectBody(body, r.req.headers['content-type'], r.ctx.protobuf?.decode) as KubeObject;
    const replicas = replicasFrom(scale);
    const rv = scale.metadata?.resourceVersion;
    compute = (current) => {
      if (rv && rv !== current.metadata.resourceVersion) throw ApiError.staleUpdate(store.gr, name);
      m.setSpecReplicas(current, replicas);
      return current;
    };
  } else {
    const type = parseMediaType(r.req.headers['content-type'] ?? '').type;
    const patcher = r.ctx.patchers[type];
    if (!patcher) throw ApiError.unsupportedMediaType(type, Object.keys(r.ctx.patchers));
    const patch = parseJson(body);
    compute = (current) => {
      const patched = patcher(scaleOf(r, current), patch, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
      const rv = patched.metadata?.resourceVersion;
      if (rv && rv !== current.metadata.resourceVersion) throw ApiError.staleUpdate(store.gr, name);
      m.setSpecReplicas(current, replicasFrom(patched));
      return current;
    };
  }
  const updated = await store.update(ns, name, compute, { dryRun, fieldManager, subresource: 'scale' });
  writeObject(r.res, 200, scaleOf(r, updated));
}
