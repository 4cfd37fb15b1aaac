import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError } from '../errors.js';
import { parseMediaType } from './media-type.js';
import { jsonDuplicateFields, yamlWithDuplicateFields } from './duplicate-fields.js';

/** Kubernetes' limit on request bodies (3 MiB). */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

/** Reads the whole body, failing with 413 past the limit (the rest of the upload is discarded). */
export function readBody(req: IncomingMessage, limit = MAX_REQUEST_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return Promise.reject(ApiError.tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(ApiError.tooLarge(limit));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => failed || resolve(Buffer.concat(chunks)));
    req.on('error', (err) => failed || reject(err));
  });
}

export type ProtobufDecoder = (body: Uint8Array) => Record<string, unknown>;

/** The media types an object body may come in. */
export const OBJECT_BODY_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/**
 * Decodes an object body by Content-Type (JSON when absent, as Kubernetes assumes).
 * Malformed input is a 400 with the parser's reason; an unknown type a 415. Given `duplicates`,
 * JSON and YAML bodies also report repeated keys there (`duplicate field "spec.replicas"`),
 * for fieldValidation to act on.
 */
export function decodeObjectBody(
  body: Buffer,
  contentType: string | undefined,
  protobuf?: ProtobufDecoder,
  duplicates?: string[],
): Record<string, unknown> {
  const type = contentType ? parseMediaType(contentType).type : 'application/json';
  let value: unknown;
  switch (type) {
    case 'application/json':
    case '':
      value = parseJson(body, duplicates);
      break;
    case 'application/yaml':
      try {
        if (duplicates) {
          const parsed = yamlWithDuplicateFields(body.toString('utf8'));
          value = parsed.value;
          duplicates.push(...parsed.duplicates);
        } else value = parseYaml(body.toString('utf8'));
      } catch (err) {
        throw ApiError.badRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
      }
      break;
    case 'application/vnd.kubernetes.protobuf':
      if (!protobuf) throw ApiError.unsupportedMediaType(type, OBJECT_BODY_TYPES.slice(0, 2));
      try {
        value = protobuf(body);
      } catch (err) {
        throw ApiError.badRequest(`failed to decode protobuf body: ${(err as Error).message}`);
      }
      break;
    default:
      throw ApiError.unsupportedMediaType(type, OBJECT_BODY_TYPES);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw ApiError.badRequest("Object 'Kind' is missing in the request body: expected a JSON object");
  }
  return value as Record<string, unknown>;
}

/** Parses a JSON body; given `duplicates`, repeated keys are reported there too. */
export function parseJson(body: Buffer, duplicates?: string[]): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') throw ApiError.badRequest('the body of the request was empty');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw ApiError.badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
  if (duplicates) duplicates.push(...jsonDuplicateFields(text));
  return value;
}
