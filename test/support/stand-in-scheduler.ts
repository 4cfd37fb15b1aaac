// Until k8ts has its scheduler, e2e tests place pods themselves: every pod without a node is
// bound (POST pods/binding, the scheduler's own request) to one of the simulated nodes,
// which then run it. Binding a pod someone else bound already fails harmlessly. Like any
// scheduler it only takes pods of `default-scheduler`.
import type { KubeObject } from '../../src/api/types.js';
import { Informer } from '../../src/client/informer.js';
import { RestClient, restConfigFromKubeconfig, restListWatch } from '../../src/client/rest-client.js';

export interface StandInScheduler {
  client: RestClient;
  stop(): void;
}

/** Binds unscheduled pods round-robin to `nodes`, each after `delayMs` (how slow "scheduling" is). */
export async function startStandInScheduler(kubeconfig: string, nodes: string[], delayMs = 20): Promise<StandInScheduler> {
  const client = new RestClient(restConfigFromKubeconfig(kubeconfig));
  const pods = new Informer(restListWatch(client, '/api/v1/pods', { fieldSelector: 'spec.nodeName=' }));
  let next = 0;
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const bind = (pod: KubeObject) => {
    if (stopped || pod.metadata.deletionTimestamp || ((pod.spec as { schedulerName?: string }).schedulerName ?? 'default-scheduler') !== 'default-scheduler') return;
    const node = nodes[next++ % nodes.length]!;
    const t = setTimeout(() => {
      timers.delete(t);
      if (stopped) return;
      const { namespace, name, uid } = pod.metadata;
      void client
        .create(`/api/v1/namespaces/${namespace}/pods/${name}/binding`, {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name, namespace, uid },
          target: { apiVersion: 'v1', kind: 'Node', name: node },
        })
        .catch(() => undefined);
    }, delayMs);
    timers.add(t);
  };
  pods.on({ add: bind });
  await pods.start();
  return {
    client,
    stop: () => {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      pods.stop();
      client.close();
    },
  };
}
