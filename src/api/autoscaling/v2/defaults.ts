/** SetDefaults_HorizontalPodAutoscaler (autoscaling/v2). */
import type { KubeObject } from '../../types.js';
import type { HPABehavior, HPAScalingRules, HPASpecV2 } from './types.js';

/** The CPU utilization target an HPA without metrics gets. */
export const defaultCPUUtilization = 80;

function scaleUpDefaults(): HPAScalingRules {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  };
}

function scaleDownDefaults(): HPAScalingRules {
  // No stabilization window: the controller's --horizontal-pod-autoscaler-downscale-stabilization applies.
  return { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };
}

/** Fills the unset parts of one direction's rules from the defaults (copyHPAScalingRules). */
function withDefaults(rules: HPAScalingRules | null | undefined, defaults: HPAScalingRules): HPAScalingRules {
  if (!rules) return defaults;
  const out = { ...defaults };
  if (rules.selectPolicy !== undefined && rules.selectPolicy !== null) out.selectPolicy = rules.selectPolicy;
  if (rules.stabilizationWindowSeconds !== undefined && rules.stabilizationWindowSeconds !== null) {
    out.stabilizationWindowSeconds = rules.stabilizationWindowSeconds;
  }
  if (rules.policies !== undefined && rules.policies !== null) out.policies = rules.policies;
  if (rules.tolerance !== undefined && rules.tolerance !== null) out.tolerance = rules.tolerance;
  return out;
}

export function defaultBehavior(behavior: HPABehavior): HPABehavior {
  return { scaleUp: withDefaults(behavior.scaleUp, scaleUpDefaults()), scaleDown: withDefaults(behavior.scaleDown, scaleDownDefaults()) };
}

export function defaultHPA(obj: KubeObject): void {
  if (obj.spec === null || typeof obj.spec !== 'object') obj.spec = {};
  const spec = obj.spec as HPASpecV2;
  spec.minReplicas ??= 1;
  if (!spec.metrics?.length) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: defaultCPUUtilization } } }];
  }
  // Only a behavior the user gave gets its gaps filled; none stays none.
  if (spec.behavior) spec.behavior = defaultBehavior(spec.behavior);
}
