/**
 * `kubectl explain` text for a type: `''` describes the type itself, every other key one of
 * its fields. Written for k8ts in its own words; keyed by OpenAPI definition name.
 */
export type TypeDescriptions = Readonly<Record<string, string>>;

export type DescriptionTable = Readonly<Record<string, TypeDescriptions>>;
