import type { ApiContext } from '../apiserver/http/context.js';
import { decodeObject, encodeObject, hasProtobufSchema } from '../apiserver/protobuf/codec.js';

/** The protobuf codec for built-in kinds (kubectl 1.32+ sends it; typed clients prefer it). */
export function protobufCodec(): NonNullable<ApiContext['protobuf']> {
  return {
    decode: decodeObject,
    canEncode: hasProtobufSchema,
    // Kinds without a schema (Table, discovery documents) fall back to JSON.
    encode: (obj) => (hasProtobufSchema(String(obj.apiVersion ?? ''), String(obj.kind ?? '')) ? encodeObject(obj) : undefined),
  };
}
