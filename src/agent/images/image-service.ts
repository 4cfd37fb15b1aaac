/**
 * The contract between the agent's pod workers and the image store: make an image present
 * (pulling as the policy says) and describe it well enough to build a container from it.
 */
export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/** Registry credentials for one pull (from imagePullSecrets or registries.yaml). */
export interface RegistryAuth {
  username?: string;
  password?: string;
  /** A bearer or identity token, when the secret carries one. */
  token?: string;
  /**
   * An OAuth2 refresh token (Docker's `identitytoken`), exchanged at the registry's token
   * realm for a bearer token. Added by the image store; optional, so older callers are unaffected.
   */
  identityToken?: string;
}

/** The parts of an OCI image config a container needs. */
export interface ImageConfig {
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  workingDir?: string;
  user?: string;
  exposedPorts?: string[];
}

export interface ImageInfo {
  /** The reference as the pod named it, normalised (`docker.io/library/busybox:1.36`). */
  ref: string;
  /** `docker.io/library/busybox@sha256:…`: what `status.containerStatuses[].imageID` shows. */
  imageID: string;
  /** Digest of the image config (the image's own ID). */
  configDigest: string;
  config: ImageConfig;
  /** Unpacked layer directories, lowest first: the overlayfs lowerdirs (reverse for `lowerdir=`). */
  layers: string[];
  /** Size of the unpacked layers in bytes. */
  size: number;
}

/** Progress of a pull, for terminals and events. */
export interface PullProgress {
  layer: string;
  done: number;
  total: number;
}

/**
 * Why a pull failed, worded for `ErrImagePull` events (the registry's own reason when it gave one).
 * `Invalid`: the reference does not parse (the message is the kubelet's InvalidImageName text).
 * `Content` (added by the image store): what the registry sent is unusable — a digest
 * mismatch, an unsupported media type, a broken layer.
 */
export class ImagePullError extends Error {
  constructor(
    message: string,
    readonly reason: 'NotFound' | 'Unauthorized' | 'Network' | 'Invalid' | 'NeverPull' | 'Content',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ImagePullError';
  }
}

export interface ImageService {
  /**
   * Makes the image present according to the policy and returns it. Throws ImagePullError
   * (reason NeverPull with "Container image … is not present with pull policy of Never").
   */
  ensureImage(ref: string, policy: PullPolicy, opts?: { auth?: RegistryAuth[]; onProgress?: (p: PullProgress) => void }): Promise<ImageInfo>;
  /** The image if present locally. */
  getImage(ref: string): Promise<ImageInfo | undefined>;
  listImages(): Promise<ImageInfo[]>;
  removeImage(ref: string): Promise<void>;
}
