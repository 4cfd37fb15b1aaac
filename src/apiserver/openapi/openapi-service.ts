import { createHash } from 'node:crypto';
import type { ResourceDefinition } from '../registry/resource.js';
import { buildV2Document } from './document-v2.js';
import { buildV3Document, groupVersionPath, sortedRecord } from './document-v3.js';
import { defaultSchemaRegistry } from './field-validation.js';
import type { SchemaRegistry } from './schema-registry.js';

/** What the documents need from the catalog (a ResourceCatalog is one). */
export interface OpenApiCatalog {
  all(): ReadonlyArray<{ readonly def: ResourceDefinition }>;
}

/** A serialized document and its hash (upper-case hex SHA-512 of the bytes, as Kubernetes computes it). */
export interface RenderedDocument {
  body: Buffer;
  hash: string;
}

function render(doc: unknown): RenderedDocument {
  const body = Buffer.from(JSON.stringify(doc));
  return { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() };
}

/** Everything that changes a document: the served resources and the registry's schemas. */
function signature(defs: readonly ResourceDefinition[], registry: SchemaRegistry): string {
  const parts = defs.map((d) => [d.group, d.version, d.plural, d.kind, d.namespaced, (d.verbs ?? []).join('+'), !!d.statusSubresource, !!d.scale].join(','));
  return `${registry.generation}|${parts.sort().join(';')}`;
}

/**
 * The served OpenAPI documents, built on first use and kept until the catalog's resources or
 * the registry's schemas change (a custom resource added, say).
 *
 * @example
 * const service = new OpenApiService(catalog);
 * service.discovery().body // {"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=…"},…}}
 */
export class OpenApiService {
  private key = '';
  private byGroupVersion = new Map<string, ResourceDefinition[]>();
  private v3 = new Map<string, RenderedDocument>();
  private discoveryDoc?: RenderedDocument;
  private v2Doc?: RenderedDocument;

  constructor(
    private readonly catalog: OpenApiCatalog,
    readonly registry: SchemaRegistry = defaultSchemaRegistry(),
  ) {}

  private refresh(): void {
    const defs = this.catalog.all().map((s) => s.def);
    const key = signature(defs, this.registry);
    if (key === this.key) return;
    this.key = key;
    this.byGroupVersion = new Map();
    for (const def of defs) {
      const path = groupVersionPath(def.group, def.version);
      const list = this.byGroupVersion.get(path) ?? [];
      list.push(def);
      this.byGroupVersion.set(path, list);
    }
    this.v3 = new Map();
    this.discoveryDoc = undefined;
    this.v2Doc = undefined;
  }

  /** `/openapi/v3`: every group-version with the hashed URL of its document. */
  discovery(): RenderedDocument {
    this.refresh();
    if (!this.discoveryDoc) {
      const paths: Record<string, { serverRelativeURL: string }> = {};
      for (const gv of this.byGroupVersion.keys()) {
        paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${this.groupVersion(gv)!.hash}` };
      }
      this.discoveryDoc = render({ paths: sortedRecord(paths) });
    }
    return this.discoveryDoc;
  }

  /** `/openapi/v3/<gv>` (`api/v1`, `apis/apps/v1`), or undefined when that group-version is not served. */
  groupVersion(gv: string): RenderedDocument | undefined {
    this.refresh();
    const cached = this.v3.get(gv);
    if (cached) return cached;
    const defs = this.byGroupVersion.get(gv);
    if (!defs) return undefined;
    const doc = render(buildV3Document(defs, this.registry));
    this.v3.set(gv, doc);
    return doc;
  }

  /** `/openapi/v2` as JSON: all served resources in one Swagger 2.0 document. */
  v2(): RenderedDocument {
    this.refresh();
    this.v2Doc ??= render(buildV2Document([...this.byGroupVersion.values()].flat(), this.registry));
    return this.v2Doc;
  }
}
