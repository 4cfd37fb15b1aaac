import type { ApiContext } from '../apiserver/http/context.js';

/** The protobuf codec for built-in kinds, when available. */
export async function protobufCodec(): Promise<ApiContext['protobuf']> {
  return undefined;
}
