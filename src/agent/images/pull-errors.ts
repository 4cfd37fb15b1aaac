/**
 * Turns what went wrong in a pull into an ImagePullError worded the way containerd words it
 * (`failed to pull and unpack image "…": failed to resolve reference "…": …`), keeping the
 * registry's own reason (`manifest unknown: manifest unknown`), because that text is what
 * `kubectl describe pod` shows for `ErrImagePull`.
 */
import { ImagePullError } from './image-service.js';
import { HttpTransportError } from './http-client.js';
import { TokenError } from './registry-auth.js';
import { RegistryError } from './registry-error.js';

/** Where in the pull the failure happened. */
export type PullStage = { kind: 'resolve' } | { kind: 'fetch'; digest: string } | { kind: 'unpack'; diffID: string } | { kind: 'config' };

/**
 * @example
 * throw pullError('docker.io/library/nope:1', { kind: 'resolve' }, err)
 */
export function pullError(ref: string, stage: PullStage, err: unknown): ImagePullError {
  if (err instanceof ImagePullError) return err;
  const [reason, detail] = classify(ref, err);
  const where =
    stage.kind === 'resolve'
      ? `failed to resolve reference ${JSON.stringify(ref)}: `
      : stage.kind === 'fetch'
        ? `failed to copy ${stage.digest}: `
        : stage.kind === 'unpack'
          ? `failed to extract layer ${stage.diffID}: `
          : 'failed to read image config: ';
  return new ImagePullError(`failed to pull and unpack image ${JSON.stringify(ref)}: ${where}${detail}`, reason, { cause: err });
}

function classify(ref: string, err: unknown): [ImagePullError['reason'], string] {
  if (err instanceof RegistryError) {
    if (err.notFound) return ['NotFound', `${ref}: not found: ${err.message}`];
    if (err.unauthorized) return ['Unauthorized', `pull access denied, repository does not exist or may require authorization: server message: ${err.message}`];
    return ['Network', `unexpected status from GET request to ${err.url}: ${err.message}`];
  }
  if (err instanceof TokenError) return ['Unauthorized', `failed to authorize: ${err.message}`];
  if (err instanceof HttpTransportError) return ['Network', `failed to do request: ${err.message}`];
  return ['Content', err instanceof Error ? err.message : String(err)];
}
