// The OpenAPI module's public surface: the served documents and server-side field validation.
export { openApiPaths, V2_PROTOBUF_STUB } from './openapi-paths.js';
export { OpenApiService, type OpenApiCatalog, type RenderedDocument } from './openapi-service.js';
export {
  defaultSchemaRegistry,
  fieldValidationErrors,
  handleFieldValidation,
  parseFieldValidation,
  pruneUnknownFields,
  warningHeaderValue,
  type FieldValidationDirective,
  type StrictErrorContext,
  type WriteOperation,
} from './field-validation.js';
export { SchemaRegistry } from './schema-registry.js';
export type { GroupVersionKind, Schema, SchemaMap } from './schema-types.js';
