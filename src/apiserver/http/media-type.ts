/** A parsed media type such as `application/json;as=Table;v=v1;g=meta.k8s.io`. */
export interface MediaType {
  type: string;
  params: Record<string, string>;
}

export function parseMediaType(s: string): MediaType {
  const [type, ...params] = s.split(';').map((p) => p.trim());
  const out: MediaType = { type: (type ?? '').toLowerCase(), params: {} };
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq > 0) out.params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
  }
  return out;
}

/** The Accept header's media types, in the order the client listed them (q-values respected). */
export function parseAccept(header: string | undefined): MediaType[] {
  if (!header) return [{ type: '*/*', params: {} }];
  const items = header
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s, i) => {
      const mt = parseMediaType(s);
      const q = mt.params.q !== undefined ? Number(mt.params.q) : 1;
      delete mt.params.q;
      return { mt, q: Number.isFinite(q) ? q : 1, i };
    })
    .filter((x) => x.q > 0);
  items.sort((a, b) => b.q - a.q || a.i - b.i);
  return items.map((x) => x.mt);
}
