/** IsDomainPrefixedPath: `acme.io/foo`-style identifiers (ingress controllers, Job managedBy). */
import { type FieldError, invalid, required } from '../validation/field-errors.js';
import { isDNS1123Subdomain } from '../validation/names.js';

const httpPathFmt = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const httpPath = new RegExp(`^${httpPathFmt}$`);

export function validateDomainPrefixedPath(value: string, field: string): FieldError[] {
  if (value.length === 0) return [required(field)];
  const slash = value.indexOf('/');
  const host = slash < 0 ? value : value.slice(0, slash);
  const path = slash < 0 ? '' : value.slice(slash + 1);
  if (slash < 0 || host === '' || path === '') {
    return [invalid(field, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  }
  const errs = isDNS1123Subdomain(host).map((m) => invalid(field, host, m));
  if (!httpPath.test(path)) errs.push(invalid(field, path, `Invalid path (regex used for validation is '${httpPathFmt}')`));
  return errs;
}
