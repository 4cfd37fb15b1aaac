import { checkHostPath } from './host-path.js';
import { VolumeSetUpError, type HostPathType, type MountedVolume, type VolumeContext, type VolumePlugin } from './volume-types.js';

interface ClaimView {
  metadata: { uid?: string };
  spec?: { volumeName?: string };
  status?: { phase?: string };
}
interface PVView {
  spec?: { claimRef?: { uid?: string; name?: string; namespace?: string }; hostPath?: { path: string; type?: HostPathType }; local?: { path: string } };
}

/**
 * persistentVolumeClaim volumes backed by a hostPath or local PersistentVolume. The claim
 * must already be Bound (binding is the PV controller's job); until then the pod waits with
 * the kubelet's message. The PV's path is bind-mounted; `readOnly` on the claim source
 * makes every mount read-only.
 *
 * @example
 * await pvcPlugin.setUp(ctx); // ctx.volume = { name: 'data', persistentVolumeClaim: { claimName: 'data' } }
 */
export const pvcPlugin: VolumePlugin = {
  name: 'kubernetes.io~pvc',
  supports: (v) => v.persistentVolumeClaim !== undefined,
  watches: (pod, v) => [`persistentvolumeclaims/${pod.metadata.namespace}/${v.persistentVolumeClaim!.claimName}`],
  async setUp(ctx: VolumeContext): Promise<MountedVolume> {
    const { claimName, readOnly } = ctx.volume.persistentVolumeClaim!;
    const ns = ctx.pod.metadata.namespace!;
    const fail = (msg: string) => new VolumeSetUpError(ctx.volume.name, `error processing PVC ${ns}/${claimName}: ${msg}`, 'unbound');
    const claim = (await ctx.sources.persistentVolumeClaim(ns, claimName)) as ClaimView | undefined;
    if (!claim) throw fail(`failed to fetch PVC from API server: persistentvolumeclaims "${claimName}" not found`);
    if (claim.status?.phase !== 'Bound' || !claim.spec?.volumeName) throw fail('PVC is not bound');
    const pvName = claim.spec.volumeName;
    const pv = (await ctx.sources.persistentVolume(pvName)) as PVView | undefined;
    if (!pv) throw fail(`failed to fetch PV ${pvName} from API server: persistentvolumes "${pvName}" not found`);
    const ref = pv.spec?.claimRef;
    if (!ref || (ref.uid && ref.uid !== claim.metadata.uid)) {
      throw fail(`the claim UID in the PV (${ref?.uid ?? ''}) does not match the UID of the PVC (${claim.metadata.uid ?? ''})`);
    }
    const source = pv.spec?.hostPath ?? pv.spec?.local;
    if (!source) throw new VolumeSetUpError(ctx.volume.name, `persistent volume ${pvName} is neither hostPath nor local: this node mounts only those`);
    try {
      if (pv.spec?.hostPath) await checkHostPath(source.path, pv.spec.hostPath.type);
      else await checkHostPath(source.path, 'Directory');
    } catch (err) {
      throw new VolumeSetUpError(ctx.volume.name, (err as Error).message);
    }
    return { name: ctx.volume.name, plugin: this.name, hostPath: source.path, readOnly: readOnly === true };
  },
};
