/**
 * Lets a pod's termination cut short the postStart hooks its sync is waiting for, as the
 * kubelet cancels a pod's sync when the pod is deleted: without this, a hook that never ends
 * (`sleep 3600`) would keep the pod from stopping.
 *
 * @example
 * const aborts = new HookAborts();
 * await runPostStart(deps, pod, c, info, false, aborts.signal(uid));
 * aborts.abort(uid); // from the pod worker, when the pod starts terminating
 */
export class HookAborts {
  private readonly controllers = new Map<string, AbortController>();

  /** The signal hooks of this pod run under (a fresh one after an abort). */
  signal(uid: string): AbortSignal {
    let c = this.controllers.get(uid);
    if (!c) {
      c = new AbortController();
      this.controllers.set(uid, c);
    }
    return c.signal;
  }

  abort(uid: string): void {
    this.controllers.get(uid)?.abort();
    this.controllers.delete(uid);
  }

  forget(uid: string): void {
    this.controllers.delete(uid);
  }
}
