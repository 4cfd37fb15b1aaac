/**
 * OCI image-spec and Docker v2 documents: media types, the JSON shapes k8ts reads, and a
 * parser that says which kind of manifest a body is.
 */
export const mediaTypes = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociLayerNondistributable: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  ociLayerNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestV1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerManifestV1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayerForeignGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

/** What `Accept` says on manifest requests: every manifest and index type k8ts understands. */
export const manifestAccept = [mediaTypes.ociIndex, mediaTypes.dockerList, mediaTypes.ociManifest, mediaTypes.dockerManifest].join(', ');

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  urls?: string[];
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

/** The image config blob (only the fields k8ts reads or writes). */
export interface OciImageConfig {
  architecture?: string;
  os?: string;
  created?: string;
  config?: {
    User?: string;
    Env?: string[] | null;
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    ExposedPorts?: Record<string, object> | null;
    Labels?: Record<string, string> | null;
    StopSignal?: string;
  };
  rootfs: { type: string; diff_ids: string[] };
  history?: { created?: string; created_by?: string; empty_layer?: boolean; comment?: string }[];
}

/** A manifest body, classified. */
export type ParsedManifest =
  | { kind: 'index'; mediaType: string; index: ImageIndex }
  | { kind: 'manifest'; mediaType: string; manifest: ImageManifest };

const indexTypes = new Set<string>([mediaTypes.ociIndex, mediaTypes.dockerList]);
const manifestTypes = new Set<string>([mediaTypes.ociManifest, mediaTypes.dockerManifest]);

/**
 * Classifies a manifest by its media type (the `Content-Type` the registry sent, else the
 * body's own `mediaType`, else its shape) and checks the fields k8ts relies on.
 *
 * @example
 * const m = parseManifest(body, res.headers['content-type']);
 * if (m.kind === 'index') …
 */
export function parseManifest(body: Buffer, contentType?: string): ParsedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new Error(`manifest is not JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null) throw new Error('manifest is not a JSON object');
  const d = doc as Record<string, unknown>;
  const headerType = contentType?.split(';')[0]!.trim();
  const declared = typeof d.mediaType === 'string' ? d.mediaType : undefined;
  let mediaType = [headerType, declared].find((t) => t !== undefined && (indexTypes.has(t) || manifestTypes.has(t)));
  if (mediaType === undefined) {
    const oldType = [headerType, declared].find((t) => t === mediaTypes.dockerManifestV1 || t === mediaTypes.dockerManifestV1Signed);
    if (oldType !== undefined || d.schemaVersion === 1) throw new Error('Docker Image Format v1 and Docker Image manifest version 2, schema 1 are not supported');
    if (Array.isArray(d.manifests)) mediaType = mediaTypes.ociIndex;
    else if (typeof d.config === 'object' && Array.isArray(d.layers)) mediaType = mediaTypes.ociManifest;
    else throw new Error(`unsupported manifest media type ${JSON.stringify(headerType ?? declared ?? '')}`);
  }
  if (indexTypes.has(mediaType)) {
    if (!Array.isArray(d.manifests)) throw new Error('image index has no manifests');
    for (const m of d.manifests) checkDescriptor(m, 'manifests[]');
    return { kind: 'index', mediaType, index: doc as ImageIndex };
  }
  checkDescriptor(d.config, 'config');
  if (!Array.isArray(d.layers)) throw new Error('image manifest has no layers');
  for (const l of d.layers) checkDescriptor(l, 'layers[]');
  return { kind: 'manifest', mediaType, manifest: doc as ImageManifest };
}

function checkDescriptor(value: unknown, where: string): void {
  const v = value as Partial<Descriptor> | null;
  if (typeof v !== 'object' || v === null || typeof v.digest !== 'string' || typeof v.mediaType !== 'string' || typeof v.size !== 'number') {
    throw new Error(`manifest ${where} is not a valid descriptor`);
  }
}

/** How a layer blob is compressed, from its media type. */
export function layerCompression(mediaType: string): 'gzip' | 'none' | 'zstd' | 'unknown' {
  if (mediaType.endsWith('+gzip') || mediaType.endsWith('.tar.gzip')) return 'gzip';
  if (mediaType.endsWith('+zstd')) return 'zstd';
  if (mediaType.endsWith('.tar')) return 'none';
  return 'unknown';
}
