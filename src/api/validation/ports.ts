/** Port number, port name and protocol checks (k8s.io/apimachinery IsValidPortNum / IsValidPortName). */
import { type FieldError, invalid, notSupported, required } from './field-errors.js';

/** Protocols a port may use, in the order Kubernetes lists them. */
export const supportedProtocols = ['SCTP', 'TCP', 'UDP'];

export function isValidPortNum(port: unknown): string[] {
  return Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535
    ? []
    : ['must be between 1 and 65535, inclusive'];
}

/** An IANA service name: what a named port (`http`, `metrics`) must look like. */
export function isValidPortName(name: string): string[] {
  const errs: string[] = [];
  if (name.length < 1 || name.length > 15) errs.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(name)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(name)) errs.push('must contain at least one letter (a-z)');
  if (name.includes('--')) errs.push('must not contain consecutive hyphens');
  if (name.startsWith('-') || name.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** An IntOrString port (`targetPort`, probe ports): a number in range or a valid port name. */
export function validatePortNumOrName(port: unknown, field: string): FieldError[] {
  if (typeof port === 'string') return isValidPortName(port).map((m) => invalid(field, port, m));
  return isValidPortNum(port).map((m) => invalid(field, port, m));
}

/** A required protocol field: `TCP`, `UDP` or `SCTP`. */
export function validateProtocol(protocol: unknown, field: string): FieldError[] {
  if (protocol === undefined || protocol === '') return [required(field)];
  return supportedProtocols.includes(protocol as string) ? [] : [notSupported(field, protocol, supportedProtocols)];
}
