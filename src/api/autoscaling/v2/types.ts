/** autoscaling/v2 HorizontalPodAutoscaler shapes (the storage version of every HPA). */
import type { LabelSelector } from '../../types.js';

export interface CrossVersionObjectReference {
  kind?: string;
  name?: string;
  apiVersion?: string;
}

export interface MetricTarget {
  type?: string;
  value?: string;
  averageValue?: string;
  averageUtilization?: number;
}

export interface MetricValueStatus {
  value?: string;
  averageValue?: string;
  averageUtilization?: number;
}

export interface MetricIdentifier {
  name?: string;
  selector?: LabelSelector | null;
}

export interface MetricSpec {
  type?: string;
  object?: { describedObject?: CrossVersionObjectReference; target?: MetricTarget; metric?: MetricIdentifier } | null;
  pods?: { metric?: MetricIdentifier; target?: MetricTarget } | null;
  resource?: { name?: string; target?: MetricTarget } | null;
  containerResource?: { name?: string; target?: MetricTarget; container?: string } | null;
  external?: { metric?: MetricIdentifier; target?: MetricTarget } | null;
}

export interface MetricStatus {
  type?: string;
  object?: { describedObject?: CrossVersionObjectReference; current?: MetricValueStatus; metric?: MetricIdentifier } | null;
  pods?: { metric?: MetricIdentifier; current?: MetricValueStatus } | null;
  resource?: { name?: string; current?: MetricValueStatus } | null;
  containerResource?: { name?: string; current?: MetricValueStatus; container?: string } | null;
  external?: { metric?: MetricIdentifier; current?: MetricValueStatus } | null;
}

export interface HPAScalingPolicy {
  type?: string;
  value?: number;
  periodSeconds?: number;
}

export interface HPAScalingRules {
  stabilizationWindowSeconds?: number | null;
  selectPolicy?: string | null;
  policies?: HPAScalingPolicy[] | null;
  tolerance?: string | null;
}

export interface HPABehavior {
  scaleUp?: HPAScalingRules | null;
  scaleDown?: HPAScalingRules | null;
}

export interface HPASpecV2 {
  scaleTargetRef?: CrossVersionObjectReference;
  minReplicas?: number | null;
  maxReplicas?: number;
  metrics?: MetricSpec[] | null;
  behavior?: HPABehavior | null;
}

export interface HPACondition {
  type?: string;
  status?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface HPAStatusV2 {
  observedGeneration?: number;
  lastScaleTime?: string;
  currentReplicas?: number;
  desiredReplicas?: number;
  currentMetrics?: MetricStatus[] | null;
  conditions?: HPACondition[] | null;
}
