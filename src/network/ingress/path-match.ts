/** How a rule path matches request paths. */
export type PathKind = 'Exact' | 'Prefix' | 'Regex';

/** A compiled Ingress path. */
export interface PathMatcher {
  kind: PathKind;
  /** The path as written in the Ingress. */
  path: string;
  /** For Regex: the compiled pattern, anchored at the start like ingress-nginx's `~*` locations. */
  regex?: RegExp;
  /** Prefix elements, without empty ones (`/foo/bar/` → ['foo', 'bar']). */
  elements?: string[];
}

/**
 * Compiles a path per its pathType: `Exact` matches the path only (case-sensitive);
 * `Prefix` matches whole `/`-separated elements (`/foo` matches `/foo`, `/foo/`, `/foo/bar`,
 * not `/foobar`); `ImplementationSpecific` is treated as Prefix; with `useRegex` (the
 * ingress-nginx `use-regex` or `rewrite-target` annotations) paths are case-insensitive
 * regular expressions anchored at the start.
 *
 * @example
 * matchPath(compilePath('/demo', 'Prefix', false), '/demo/x') // true
 */
export function compilePath(path: string | undefined, pathType: string | undefined | null, useRegex: boolean): PathMatcher {
  const p = path || '/';
  if (useRegex && pathType !== 'Exact') {
    try {
      return { kind: 'Regex', path: p, regex: new RegExp(`^${p}`, 'i') };
    } catch {
      // Not a valid JavaScript pattern: fall back to a literal prefix.
    }
  }
  if (pathType === 'Exact') return { kind: 'Exact', path: p };
  return { kind: 'Prefix', path: p, elements: p.split('/').filter(Boolean) };
}

/** True when `requestPath` (no query string) is matched. */
export function matchPath(m: PathMatcher, requestPath: string): boolean {
  if (m.kind === 'Exact') return requestPath === m.path;
  if (m.kind === 'Regex') return m.regex!.test(requestPath);
  const elements = m.elements!;
  if (elements.length === 0) return true;
  let pos = 0;
  for (const el of elements) {
    if (requestPath[pos] !== '/') return false;
    if (!requestPath.startsWith(el, pos + 1)) return false;
    pos += 1 + el.length;
  }
  return pos === requestPath.length || requestPath[pos] === '/';
}

/**
 * Precedence among matching paths: Exact first, then the longest path (by characters,
 * which for element-wise prefixes is the longest match); ties keep Ingress order.
 */
export function comparePaths(a: PathMatcher, b: PathMatcher): number {
  if ((a.kind === 'Exact') !== (b.kind === 'Exact')) return a.kind === 'Exact' ? -1 : 1;
  return b.path.replace(/\/+$/, '').length - a.path.replace(/\/+$/, '').length;
}
