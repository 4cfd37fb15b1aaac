import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { KubeObject } from '../../api/types.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/log.js';
import type { ResourceCatalog } from '../registry/catalog.js';
import type { GenericStore } from '../registry/generic-store.js';
import type { ExtraSubresources } from '../discovery.js';
import type { UserInfo } from '../auth/user.js';
import type { ProtobufDecoder } from './body.js';
import type { ResponseFormat } from './negotiate.js';
import type { ResourceRequestInfo } from './request-info.js';
import type { ProtobufEncoder } from './respond.js';

/** Turns an object and a patch document into the patched object. */
export type Patcher = (original: KubeObject, patch: unknown, gvk: { group: string; version: string; kind: string }) => KubeObject;

/** Everything the resource handlers share for the server's lifetime. */
export interface ApiContext {
  catalog: ResourceCatalog;
  clock: Clock;
  log: Logger;
  protobuf?: { decode: ProtobufDecoder; encode: ProtobufEncoder; canEncode(apiVersion: string, kind: string): boolean };
  /** Patch implementations by Content-Type. */
  patchers: Record<string, Patcher>;
  /** Handlers for subresources beyond status and scale, keyed `group/plural/subresource`. */
  subresources: Map<string, SubresourceHandler>;
  /** What those handlers contribute to discovery. */
  discoverySubresources: ExtraSubresources;
}

/** One resource request on its way through the handlers. */
export interface ResourceRequest {
  req: IncomingMessage;
  res: ServerResponse;
  info: ResourceRequestInfo;
  query: URLSearchParams;
  user: UserInfo;
  store: GenericStore;
  format: ResponseFormat;
  ctx: ApiContext;
  /**
   * Set when the request asked for a protocol upgrade (WebSocket, SPDY): the raw socket and
   * the bytes read past the head. A handler that takes the connection over detaches `res`
   * from the socket first; one that does not answers through `res` as usual.
   */
  upgrade?: { socket: Duplex; head: Buffer };
}

export type SubresourceHandler = (r: ResourceRequest) => Promise<void>;

/** A subresource served by its own handler, with what discovery says of it. */
export interface SubresourceRegistration {
  group: string;
  plural: string;
  info: import('../discovery.js').SubresourceInfo;
  handler: SubresourceHandler;
}
