import type { ResourceCatalog } from '../../apiserver/registry/catalog.js';
import type { Logger } from '../../util/log.js';
import { NamespaceContentController } from '../namespace-content-controller.js';

/** The serviceaccount controller: a `default` ServiceAccount in every namespace. */
export function defaultServiceAccountController(catalog: ResourceCatalog, log: Logger): NamespaceContentController {
  return new NamespaceContentController(
    'serviceaccount controller',
    catalog.lookup('', 'v1', 'namespaces')!,
    catalog.lookup('', 'v1', 'serviceaccounts')!,
    (namespace) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } }),
    () => true,
    log,
  );
}

/** The root CA publisher: a `kube-root-ca.crt` ConfigMap with the cluster CA in every namespace. */
export function rootCaPublisher(catalog: ResourceCatalog, caCertPem: string, log: Logger): NamespaceContentController {
  return new NamespaceContentController(
    'root-ca-cert-publisher',
    catalog.lookup('', 'v1', 'namespaces')!,
    catalog.lookup('', 'v1', 'configmaps')!,
    (namespace) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-root-ca.crt', namespace, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
      data: { 'ca.crt': caCertPem },
    }),
    (existing, want) => JSON.stringify(existing.data) === JSON.stringify(want.data),
    log,
  );
}
