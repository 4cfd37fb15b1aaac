import type { Host } from '../runtime/command.js';
import type { RestClient } from '../../client/rest-client.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import { ApiVolumeSources } from './api-volume-sources.js';
import type { OwnershipHook } from './volume-types.js';
import { VolumeManager } from './volume-manager.js';

export interface AgentVolumesOptions {
  client: RestClient;
  /** `<agent data dir>/pods`. */
  podsDir: string;
  allocatable: () => Record<string, string>;
  /** fsGroup ownership, if the security context brings its own. */
  ownership?: OwnershipHook;
  /** Where mount commands run (the runtime's command helper). */
  host?: Host;
  clock: Clock;
  log: Logger;
}

/**
 * The agent's volume manager wired to the API: watched ConfigMaps and Secrets, claims,
 * volumes and TokenRequests with the node's credentials; started and stopped with the agent.
 *
 * @example
 * const volumes = startAgentVolumes({ client, podsDir: dirs.pods, allocatable: () => facts.allocatable, clock, log });
 * new PodSyncer({ ..., volumes: volumes.manager });
 * volumes.manager.onPodReady((uid) => pods.wake(uid));
 * volumes.stop();
 */
export function startAgentVolumes(opts: AgentVolumesOptions): { manager: VolumeManager; stop(): void } {
  const sources = new ApiVolumeSources(opts.client, opts.log);
  const manager = new VolumeManager({ podsDir: opts.podsDir, sources, allocatable: opts.allocatable, ownership: opts.ownership, host: opts.host, clock: opts.clock, log: opts.log });
  manager.start();
  return {
    manager,
    stop: () => {
      manager.stop();
      sources.stop();
    },
  };
}
