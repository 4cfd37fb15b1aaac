import type { KubeObject, OwnerReference } from '../../api/types.js';
import { isDNS1123Subdomain } from '../../api/validation/names.js';

/** A pod template as controllers read it. */
export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] };
  spec?: Record<string, unknown>;
}

/**
 * getPodsPrefix: pods of `owner` are named `<owner>-<5 random chars>`; a prefix that would not
 * make a valid name falls back to the owner's name.
 */
export function podNamePrefix(ownerName: string): string {
  const prefix = `${ownerName}-`;
  return isDNS1123Subdomain(`${prefix}abcde`).length ? ownerName : prefix;
}

/** GetPodFromTemplate: a new pod of `owner` (labels, annotations, finalizers and spec from the template). */
export function podFromTemplate(template: PodTemplate, namespace: string, ownerName: string, controllerRef: OwnerReference): KubeObject {
  const meta = template.metadata ?? {};
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName: podNamePrefix(ownerName), namespace, ownerReferences: [controllerRef] },
    spec: structuredClone(template.spec ?? {}),
  };
  if (meta.labels && Object.keys(meta.labels).length) pod.metadata.labels = { ...meta.labels };
  if (meta.annotations && Object.keys(meta.annotations).length) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers?.length) pod.metadata.finalizers = [...meta.finalizers];
  return pod;
}
