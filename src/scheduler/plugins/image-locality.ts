import { type PluginFactory, maxNodeScore } from '../framework/interfaces.js';
import { Status } from '../framework/status.js';

export const imageLocalityName = 'ImageLocality';

const mb = 1024 * 1024;
const minThreshold = 23 * mb;
const maxContainerThreshold = 1000 * mb;

/**
 * Favors nodes that already have the pod's images, weighted by image size and by how widely
 * the image is spread (an image on every node says nothing about any one of them).
 */
export const imageLocality: PluginFactory = (_args, handle) => ({
  name: imageLocalityName,
  preScore(_state, pod) {
    // No node has any of the pod's images: every node would score 0.
    return pod.images.some((i) => handle.cache.imageNodes.has(i)) ? null : Status.skip();
  },
  score(_state, pod, node) {
    if (node.images.size === 0 || pod.images.length === 0) return 0;
    const total = handle.cache.nodeCount() || 1;
    let sum = 0;
    for (const image of pod.images) {
      const size = node.images.get(image);
      if (size === undefined) continue;
      sum += Math.trunc(size * ((handle.cache.imageNodes.get(image) ?? 0) / total));
    }
    const maxThreshold = maxContainerThreshold * pod.images.length;
    const clamped = Math.min(maxThreshold, Math.max(minThreshold, sum));
    return Math.trunc((maxNodeScore * (clamped - minThreshold)) / (maxThreshold - minThreshold));
  },
});
