import type { PluginFactory } from '../framework/interfaces.js';
import type { Profile } from '../framework/framework.js';
import { balancedAllocation, balancedAllocationName } from './balanced-allocation.js';
import { defaultBinder, defaultBinderName } from './default-binder.js';
import { defaultPreemption, defaultPreemptionName } from './default-preemption.js';
import { imageLocality, imageLocalityName } from './image-locality.js';
import { interPodAffinity, interPodAffinityName } from './inter-pod-affinity.js';
import { nodeAffinity, nodeAffinityName } from './node-affinity.js';
import { nodeName, nodeNameName } from './node-name.js';
import { nodePorts, nodePortsName } from './node-ports.js';
import { nodeResourcesFit, nodeResourcesFitName } from './node-resources-fit.js';
import { nodeUnschedulable, nodeUnschedulableName } from './node-unschedulable.js';
import { podTopologySpread, podTopologySpreadName } from './pod-topology-spread.js';
import { taintToleration, taintTolerationName } from './taint-toleration.js';

/**
 * The in-tree plugins by name. Adding a plugin means adding one entry here (and, to enable it
 * by default, one line in the default profile).
 */
export function inTreeRegistry(): Map<string, PluginFactory> {
  return new Map<string, PluginFactory>([
    [nodeUnschedulableName, nodeUnschedulable],
    [nodeNameName, nodeName],
    [taintTolerationName, taintToleration],
    [nodeAffinityName, nodeAffinity],
    [nodePortsName, nodePorts],
    [nodeResourcesFitName, nodeResourcesFit],
    [podTopologySpreadName, podTopologySpread],
    [interPodAffinityName, interPodAffinity],
    [defaultPreemptionName, defaultPreemption],
    [balancedAllocationName, balancedAllocation],
    [imageLocalityName, imageLocality],
    [defaultBinderName, defaultBinder],
  ]);
}

/** The `default-scheduler` profile: Kubernetes' default plugins, order and score weights. */
export function defaultProfile(schedulerName = 'default-scheduler'): Profile {
  return {
    schedulerName,
    plugins: [
      { name: nodeUnschedulableName },
      { name: nodeNameName },
      { name: taintTolerationName, weight: 3 },
      { name: nodeAffinityName, weight: 2 },
      { name: nodePortsName },
      { name: nodeResourcesFitName, weight: 1 },
      { name: podTopologySpreadName, weight: 2 },
      { name: interPodAffinityName, weight: 2 },
      { name: defaultPreemptionName },
      { name: balancedAllocationName, weight: 1 },
      { name: imageLocalityName, weight: 1 },
      { name: defaultBinderName },
    ],
  };
}
