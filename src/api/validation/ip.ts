/** IP address and CIDR checks worded as Kubernetes words them. */
import { isIP } from 'node:net';
import { type FieldError, invalid } from './field-errors.js';

export function isValidIP(value: string): string[] {
  return isIP(value) ? [] : ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'];
}

export function isValidCIDR(value: string): string[] {
  const [addr, bits, ...rest] = value.split('/');
  const max = isIP(addr ?? '') === 4 ? 32 : isIP(addr ?? '') === 6 ? 128 : -1;
  const n = Number(bits);
  const ok = rest.length === 0 && max > 0 && bits !== undefined && /^\d+$/.test(bits) && n <= max;
  return ok ? [] : ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'];
}

/**
 * Endpoint and external IPs may not be special-purpose addresses: traffic sent there would
 * never leave the node, so Kubernetes rejects them.
 */
export function validateNonSpecialIP(ip: string, field: string): FieldError[] {
  const lower = ip.toLowerCase();
  if (ip === '0.0.0.0' || lower === '::') return [invalid(field, ip, 'may not be unspecified (0.0.0.0, ::)')];
  if ((isIP(ip) === 4 && ip.startsWith('127.')) || lower === '::1') {
    return [invalid(field, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)')];
  }
  if ((isIP(ip) === 4 && ip.startsWith('169.254.')) || /^fe[89ab]/.test(lower)) {
    return [invalid(field, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)')];
  }
  if ((isIP(ip) === 4 && ip.startsWith('224.0.0.')) || lower.startsWith('ff02:')) {
    return [invalid(field, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)')];
  }
  return [];
}

/** Validates a list of IPs at `field[i]`. */
export function validateIPs(ips: unknown, field: string): FieldError[] {
  if (!Array.isArray(ips)) return [];
  return ips.flatMap((ip, i) => isValidIP(String(ip)).map((m) => invalid(`${field}[${i}]`, ip, m)));
}
