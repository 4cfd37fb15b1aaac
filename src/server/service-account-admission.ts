import { serviceAccountAdmissionHooks } from '../apiserver/pods/service-account-admission.js';
import type { GenericStore } from '../apiserver/registry/generic-store.js';
import type { ServerComponent } from './component.js';

/**
 * The ServiceAccount admission plugin's token volume for new pods (see
 * serviceAccountAdmissionHooks); the pod's service account is read from storage. A pod whose
 * service account does not exist yet is admitted (the kubelet waits for its token).
 */
export function serviceAccountAdmissionComponent(): ServerComponent {
  let store: GenericStore | undefined;
  return {
    name: 'serviceaccount-admission',
    hooks: {
      '/pods': serviceAccountAdmissionHooks(async (ns, name) => store?.get(ns, name).catch(() => undefined)),
    },
    async start(ctx) {
      store = ctx.catalog.lookup('', 'v1', 'serviceaccounts');
    },
  };
}
