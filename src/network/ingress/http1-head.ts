/** A parsed HTTP/1.x message head (request or response), headers kept as raw lines. */
export interface MessageHead {
  /** Request: method, target, version; response: version, status, reason. */
  startLine: string;
  /** `Name: value` lines as received. */
  lines: string[];
  /** Lower-cased names, in order, parallel to `lines`. */
  names: string[];
  values: string[];
}

/** The first CRLFCRLF, or -1. Heads larger than `max` bytes are reported as -2. */
export function headEnd(buf: Buffer, max = 65536): number {
  const i = buf.indexOf('\r\n\r\n');
  if (i < 0) return buf.length > max ? -2 : -1;
  return i > max ? -2 : i;
}

/** Parses a head (without the final CRLFCRLF); undefined when malformed. */
export function parseHead(text: string): MessageHead | undefined {
  const lines = text.split('\r\n');
  const startLine = lines.shift()!;
  const names: string[] = [];
  const values: string[] = [];
  for (const line of lines) {
    const i = line.indexOf(':');
    // Obsolete line folding and names with spaces are refused (request smuggling vectors).
    if (i <= 0 || line[0] === ' ' || line[0] === '\t' || line[i - 1] === ' ') return undefined;
    names.push(line.slice(0, i).toLowerCase());
    values.push(line.slice(i + 1).trim());
  }
  return { startLine, lines, names, values };
}

/** The value of the only header `name`; undefined when absent, null when repeated. */
export function single(head: MessageHead, name: string): string | undefined | null {
  let found: string | undefined;
  for (let i = 0; i < head.names.length; i++) {
    if (head.names[i] !== name) continue;
    if (found !== undefined) return null;
    found = head.values[i]!;
  }
  return found;
}

export function has(head: MessageHead, name: string): boolean {
  return head.names.includes(name);
}

/** True when a Connection header lists `token`. */
export function connectionHas(head: MessageHead, token: string): boolean {
  for (let i = 0; i < head.names.length; i++) {
    if (head.names[i] === 'connection' && head.values[i]!.toLowerCase().split(',').some((t) => t.trim() === token)) return true;
  }
  return false;
}
