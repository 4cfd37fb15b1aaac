import { ApiError } from '../errors.js';
import { parseAccept } from './media-type.js';

export const JSON_TYPE = 'application/json';
export const YAML_TYPE = 'application/yaml';
export const PROTOBUF_TYPE = 'application/vnd.kubernetes.protobuf';

/** How to render a response body. */
export interface ResponseFormat {
  encoding: 'json' | 'yaml' | 'protobuf';
  /** Transform requested with `as=` (Table or metadata only). */
  as?: 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList';
  /** Version of the meta.k8s.io transform (`v1` or `v1beta1`). */
  asVersion?: string;
}

const accepted = [JSON_TYPE, YAML_TYPE, PROTOBUF_TYPE, `${JSON_TYPE};as=Table;v=v1;g=meta.k8s.io`];

/**
 * Picks the response format from Accept, in the client's order of preference. `protobuf` is
 * only chosen when the object can be encoded that way (`canProtobuf`).
 */
export function negotiate(acceptHeader: string | undefined, canProtobuf: boolean): ResponseFormat {
  for (const mt of parseAccept(acceptHeader)) {
    const as = mt.params.as;
    if (as) {
      if (mt.params.g !== 'meta.k8s.io' || !['v1', 'v1beta1'].includes(mt.params.v ?? '')) continue;
      if (as !== 'Table' && as !== 'PartialObjectMetadata' && as !== 'PartialObjectMetadataList') continue;
      if (mt.type !== JSON_TYPE && mt.type !== '*/*') continue;
      return { encoding: 'json', as, asVersion: mt.params.v };
    }
    switch (mt.type) {
      case JSON_TYPE:
      case 'application/*':
      case '*/*':
        return { encoding: 'json' };
      case YAML_TYPE:
        return { encoding: 'yaml' };
      case PROTOBUF_TYPE:
        if (canProtobuf) return { encoding: 'protobuf' };
        continue;
      default:
        continue;
    }
  }
  throw ApiError.notAcceptable(accepted);
}
