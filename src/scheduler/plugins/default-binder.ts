import type { PluginFactory } from '../framework/interfaces.js';
import { Status } from '../framework/status.js';

export const defaultBinderName = 'DefaultBinder';

/** Binds through the pods/binding subresource. */
export const defaultBinder: PluginFactory = (_args, handle) => ({
  name: defaultBinderName,
  async bind(_state, pod, nodeName) {
    try {
      await handle.api.bind(pod.pod, nodeName);
      return null;
    } catch (err) {
      return Status.error(err instanceof Error ? err.message : String(err));
    }
  },
});
