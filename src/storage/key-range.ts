/**
 * Key-range arithmetic shared by the backends. Both SQLite (BINARY collation) and etcd order
 * keys by their UTF-8 bytes, which is the same as Unicode code point order — not JavaScript's
 * UTF-16 `<`, which disagrees for astral characters. Everything here works in code points.
 */

/**
 * The smallest string greater than every string that starts with `prefix`, or undefined when
 * no such string exists (empty prefix, or one made only of U+10FFFF).
 *
 * @example
 * prefixEnd('/registry/pods/') // '/registry/pods0'
 */
export function prefixEnd(prefix: string): string | undefined {
  const points = Array.from(prefix, (c) => c.codePointAt(0)!);
  while (points.length > 0) {
    const last = points.pop()!;
    if (last === 0x10ffff) continue;
    // Skip the surrogate block: those code points cannot appear in a well-formed string.
    points.push(last === 0xd7ff ? 0xe000 : last + 1);
    return String.fromCodePoint(...points);
  }
  return undefined;
}

/** The byte form of `prefixEnd`, as etcd's range_end wants it ('\0' means "to the end"). */
export function prefixEndBytes(prefix: string): Buffer {
  const bytes = Buffer.from(prefix, 'utf8');
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i]! < 0xff) {
      const end = Buffer.from(bytes.subarray(0, i + 1));
      end[i]! += 1;
      return end;
    }
  }
  return Buffer.from([0]);
}

/** Orders keys the way the stores do (UTF-8 byte order). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Where a paged list starts: at the prefix itself, or just after `startAfter` if that is later. */
export interface LowerBound {
  key: string;
  inclusive: boolean;
}

export function lowerBound(prefix: string, startAfter: string | undefined): LowerBound {
  if (startAfter !== undefined && compareKeys(startAfter, prefix) >= 0) return { key: startAfter, inclusive: false };
  return { key: prefix, inclusive: true };
}
