import type { KubeObject } from '../../api/types.js';

/** The IngressClass k8ts creates and serves. */
export const ingressClassName = 'k8ts';
/** `spec.controller` of classes this controller serves. */
export const ingressControllerName = 'k8ts.io/ingress-controller';
export const defaultClassAnnotation = 'ingressclass.kubernetes.io/is-default-class';
const legacyClassAnnotation = 'kubernetes.io/ingress.class';

/** The `k8ts` IngressClass, marked as the cluster default. */
export function k8tsIngressClass(): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name: ingressClassName, annotations: { [defaultClassAnnotation]: 'true' } },
    spec: { controller: ingressControllerName },
  };
}

/**
 * Decides whether an Ingress is this controller's: its class (spec.ingressClassName, else
 * the legacy annotation) names an IngressClass with our controller; or it names none and one
 * of our classes is the default. `nginx` is also served while no IngressClass of that name
 * exists, so manifests written for ingress-nginx work unchanged.
 */
export function isOwnIngress(ing: KubeObject, classes: (name: string) => KubeObject | undefined, allClasses: KubeObject[]): boolean {
  const spec = (ing.spec ?? {}) as { ingressClassName?: string | null };
  const className = spec.ingressClassName ?? ing.metadata.annotations?.[legacyClassAnnotation];
  if (className) {
    const cls = classes(className);
    if (cls) return (cls.spec as { controller?: string } | undefined)?.controller === ingressControllerName;
    return className === 'nginx';
  }
  const defaults = allClasses.filter((c) => c.metadata.annotations?.[defaultClassAnnotation] === 'true');
  return defaults.some((c) => (c.spec as { controller?: string } | undefined)?.controller === ingressControllerName);
}
