import type { KubeObject } from '../api/types.js';
import { podAdmissionHooks, type PriorityClassInfo } from '../apiserver/pods/pod-admission.js';
import type { GenericStore } from '../apiserver/registry/generic-store.js';
import { Informer } from '../client/informer.js';
import { storeListWatch } from '../client/list-watch.js';
import type { ServerComponent } from './component.js';
import type { ServerConfig } from './config.js';

function classInfo(o: KubeObject): PriorityClassInfo {
  return {
    name: o.metadata.name!,
    value: typeof o.value === 'number' ? o.value : 0,
    globalDefault: o.globalDefault === true,
    preemptionPolicy: typeof o.preemptionPolicy === 'string' ? o.preemptionPolicy : undefined,
  };
}

/**
 * Pod admission beyond the pod strategy: Priority (priorityClassName → priority) and the
 * server's default toleration seconds. PriorityClasses are read from an informer, falling
 * back to storage for one created a moment ago.
 */
export function podAdmissionComponent(config: Pick<ServerConfig, 'defaultNotReadyTolerationSeconds' | 'defaultUnreachableTolerationSeconds'>): ServerComponent {
  let classes: Informer | undefined;
  let store: GenericStore | undefined;
  return {
    name: 'pod-admission',
    hooks: {
      '/pods': podAdmissionHooks({
        priorityClass: async (name) => {
          const cached = classes?.get(name);
          if (cached) return classInfo(cached);
          const stored = await store?.get(undefined, name).catch(() => undefined);
          return stored ? classInfo(stored) : undefined;
        },
        priorityClasses: () => (classes?.list() ?? []).map(classInfo),
        notReadyTolerationSeconds: config.defaultNotReadyTolerationSeconds,
        unreachableTolerationSeconds: config.defaultUnreachableTolerationSeconds,
      }),
    },
    async start(ctx) {
      store = ctx.catalog.lookup('scheduling.k8s.io', 'v1', 'priorityclasses');
      if (!store) return;
      classes = new Informer(storeListWatch(store), ctx.log);
      await classes.start();
    },
    stop: () => classes?.stop(),
  };
}
