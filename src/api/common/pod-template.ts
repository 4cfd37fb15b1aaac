/** The slice of PodTemplateSpec that workload strategies read (the rest is core/v1's business). */
export interface ContainerLike {
  name?: string;
  image?: string;
  [field: string]: unknown;
}

export interface PodSpecLike {
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  restartPolicy?: string;
  activeDeadlineSeconds?: number;
  nodeSelector?: Record<string, string>;
  [field: string]: unknown;
}

export interface PodTemplateLike {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [field: string]: unknown };
  spec?: PodSpecLike;
}
