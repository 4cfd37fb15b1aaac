import type { SubresourceHandler } from '../apiserver/http/context.js';
import type { SubresourceInfo } from '../apiserver/discovery.js';

/** A subresource served by its own handler, with what discovery says of it. */
export interface Subresource {
  group: string;
  plural: string;
  info: SubresourceInfo;
  handler: SubresourceHandler;
}
