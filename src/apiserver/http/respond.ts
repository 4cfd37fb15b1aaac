import type { ServerResponse } from 'node:http';
import { stringify as toYaml } from 'yaml';
import { ApiError } from '../errors.js';
import type { ResponseFormat } from './negotiate.js';
import { PROTOBUF_TYPE } from './negotiate.js';

/** Encodes an object into protobuf, or returns undefined when its kind has no schema. */
export type ProtobufEncoder = (obj: Record<string, unknown>) => Uint8Array | undefined;

/** Writes a response body in the negotiated encoding. */
export function writeObject(res: ServerResponse, code: number, obj: unknown, format: ResponseFormat = { encoding: 'json' }, protobuf?: ProtobufEncoder): void {
  if (res.headersSent) return;
  if (format.encoding === 'protobuf' && protobuf) {
    const bytes = protobuf(obj as Record<string, unknown>);
    if (bytes) {
      res.writeHead(code, { 'Content-Type': PROTOBUF_TYPE, 'Content-Length': bytes.byteLength });
      res.end(bytes);
      return;
    }
  }
  if (format.encoding === 'yaml') {
    const body = toYaml(obj);
    res.writeHead(code, { 'Content-Type': 'application/yaml', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  writeJson(res, code, obj);
}

export function writeJson(res: ServerResponse, code: number, obj: unknown, contentType = 'application/json'): void {
  if (res.headersSent) return;
  const body = JSON.stringify(obj);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Writes an error as a metav1.Status (non-API errors become 500 InternalError). */
export function writeError(res: ServerResponse, err: unknown, format?: ResponseFormat, protobuf?: ProtobufEncoder): ApiError {
  const apiErr = err instanceof ApiError ? err : ApiError.internal(err);
  const fmt = format?.encoding === 'protobuf' ? format : { encoding: 'json' as const };
  if (!res.headersSent) writeObject(res, apiErr.code, apiErr.toStatus(), fmt, protobuf);
  else res.destroy();
  return apiErr;
}
