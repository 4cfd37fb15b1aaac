/** Table columns most kinds share, with the descriptions Kubernetes' printers give them. */
import type { ColumnDefinition } from '../../apiserver/registry/resource.js';

export const nameDescription =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';

export const ageDescription =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

export const nameColumn: ColumnDefinition = { name: 'Name', type: 'string', format: 'name', description: nameDescription };
export const ageColumn: ColumnDefinition = { name: 'Age', type: 'string', description: ageDescription };

/** The wide CONTAINERS and IMAGES columns of every workload printer. */
export const containersColumn: ColumnDefinition = {
  name: 'Containers',
  type: 'string',
  priority: 1,
  description: 'Names of each container in the template.',
};
export const imagesColumn: ColumnDefinition = {
  name: 'Images',
  type: 'string',
  priority: 1,
  description: 'Images referenced by each container in the template.',
};

export function selectorColumn(description: string): ColumnDefinition {
  return { name: 'Selector', type: 'string', priority: 1, description };
}

interface ContainerLike {
  name?: string;
  image?: string;
}

/** The CONTAINERS and IMAGES cells: names and images joined by commas, in template order. */
export function containerCells(podSpec: { containers?: ContainerLike[] } | undefined): [string, string] {
  const containers = podSpec?.containers ?? [];
  return [containers.map((c) => c.name ?? '').join(','), containers.map((c) => c.image ?? '').join(',')];
}
