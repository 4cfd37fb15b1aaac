import type { DescriptionTable } from './types.js';

const core = (name: string): string => `io.k8s.api.core.v1.${name}`;
const MODE = 'Permission bits of the created files, as an octal number such as 0644. Defaults to 0644.';

/** Volumes and the sources most pods use. */
export const VOLUME_DESCRIPTIONS: DescriptionTable = {
  [core('Volume')]: {
    '': 'A named volume that the pod\'s containers can mount. Exactly one source field is set.',
    configMap: 'Files made from the keys of a ConfigMap.',
    csi: 'A volume from a CSI driver, living as long as the pod.',
    downwardAPI: 'Files holding fields of the pod, such as its labels.',
    emptyDir: 'An empty directory created with the pod and removed with it.',
    ephemeral: 'A volume provisioned for the pod by a storage class and deleted with it.',
    hostPath: 'A file or directory of the node. Gives access to the node: use with care.',
    image: 'The contents of an OCI image, read-only.',
    name: 'The volume\'s name, which volumeMounts refer to (a DNS label).',
    nfs: 'An NFS export.',
    persistentVolumeClaim: 'The volume bound to a PersistentVolumeClaim in the pod\'s namespace.',
    projected: 'Several sources (ConfigMaps, Secrets, downward API, service account tokens) in one directory.',
    secret: 'Files made from the keys of a Secret.',
  },
  [core('ConfigMapVolumeSource')]: {
    '': 'Files made from a ConfigMap: one file per key, or only the listed items.',
    defaultMode: MODE,
    items: 'Only these keys, at these paths. Default: every key, named after the key.',
    name: 'The ConfigMap\'s name.',
    optional: 'Allow the ConfigMap or listed keys to be missing.',
  },
  [core('SecretVolumeSource')]: {
    '': 'Files made from a Secret: one file per key, or only the listed items.',
    defaultMode: MODE,
    items: 'Only these keys, at these paths.',
    optional: 'Allow the Secret or listed keys to be missing.',
    secretName: 'The Secret\'s name.',
  },
  [core('KeyToPath')]: {
    '': 'One key written to one file.',
    key: 'The key.',
    mode: 'Permission bits of this file, overriding defaultMode.',
    path: 'The relative path of the file. Must not contain "..".',
  },
  [core('EmptyDirVolumeSource')]: {
    '': 'A scratch directory for the pod.',
    medium: '"" (the node\'s disk, the default) or "Memory" (a tmpfs).',
    sizeLimit: 'The most the directory may hold; the pod is evicted beyond it.',
  },
  [core('HostPathVolumeSource')]: {
    '': 'A path on the node.',
    path: 'The path on the node.',
    type: 'What must be there: "" (no check), "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice" or "BlockDevice".',
  },
  [core('PersistentVolumeClaimVolumeSource')]: {
    '': 'A reference to a PersistentVolumeClaim.',
    claimName: 'The claim\'s name, in the pod\'s namespace.',
    readOnly: 'Mount read-only.',
  },
  [core('ProjectedVolumeSource')]: { '': 'Several sources in one directory.', defaultMode: MODE, sources: 'The sources.' },
  [core('DownwardAPIVolumeSource')]: { '': 'Files holding fields of the pod.', defaultMode: MODE, items: 'The files and the field each holds.' },
  [core('PersistentVolumeClaimSpec')]: {
    '': 'What storage a claim asks for.',
    accessModes: 'How the volume may be mounted: "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany" or "ReadWriteOncePod".',
    dataSource: 'An existing snapshot or claim to fill the new volume from.',
    dataSourceRef: 'Like dataSource, also allowing other kinds of populators.',
    resources: 'The storage size requested, as requests.storage.',
    selector: 'Label query over the volumes that may bind.',
    storageClassName: 'The StorageClass to provision from. Empty string asks for a volume with no class.',
    volumeAttributesClassName: 'The VolumeAttributesClass for the volume.',
    volumeMode: '"Filesystem" (the default) or "Block".',
    volumeName: 'Bind to this PersistentVolume.',
  },
};
