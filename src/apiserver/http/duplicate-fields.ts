import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';

/**
 * Finds keys repeated within one JSON object, as Kubernetes' strict decoder reports them:
 * `duplicate field "spec.replicas"`, with list positions as `[0]`. JSON.parse keeps the last
 * value silently, so the text is scanned again, without building values; called only on text
 * JSON.parse accepted.
 *
 * @example jsonDuplicateFields('{"spec":{"replicas":1,"replicas":2}}') // ['duplicate field "spec.replicas"']
 */
export function jsonDuplicateFields(text: string): string[] {
  // Fast path: a body whose keys are all distinct per object is the common case, but that
  // cannot be known without looking; the scan below is linear and allocation-light.
  const out: string[] = [];
  const scanner = new Scanner(text);
  scanner.value('', out);
  return out;
}

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);
const STRING = /"(?:[^"\\]|\\.)*"/y;
const WS = /[ \t\n\r]*/y;
const LITERAL = /-?[0-9][0-9.eE+-]*|true|false|null/y;

class Scanner {
  private pos = 0;

  constructor(private readonly text: string) {}

  private skip(): void {
    WS.lastIndex = this.pos;
    WS.exec(this.text);
    this.pos = WS.lastIndex;
  }

  private string(): string {
    STRING.lastIndex = this.pos;
    const m = STRING.exec(this.text);
    if (!m) throw new Error('bad string');
    this.pos = STRING.lastIndex;
    return JSON.parse(m[0]) as string;
  }

  value(path: string, out: string[]): void {
    this.skip();
    const c = this.text[this.pos];
    if (c === '{') {
      this.pos++;
      const seen = new Set<string>();
      this.skip();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return;
      }
      for (;;) {
        this.skip();
        const key = this.string();
        const child = join(path, key);
        if (seen.has(key)) out.push(`duplicate field ${JSON.stringify(child)}`);
        seen.add(key);
        this.skip();
        this.pos++; // ':'
        this.value(child, out);
        this.skip();
        if (this.text[this.pos++] === '}') return;
      }
    }
    if (c === '[') {
      this.pos++;
      this.skip();
      if (this.text[this.pos] === ']') {
        this.pos++;
        return;
      }
      for (let i = 0; ; i++) {
        this.value(`${path}[${i}]`, out);
        this.skip();
        if (this.text[this.pos++] === ']') return;
      }
    }
    if (c === '"') {
      this.string();
      return;
    }
    LITERAL.lastIndex = this.pos;
    if (!LITERAL.exec(this.text)) throw new Error('bad literal');
    this.pos = LITERAL.lastIndex;
  }
}

/**
 * Parses YAML keeping the last of repeated keys (as Kubernetes' YAML decoder does) and reports
 * the repeats the way jsonDuplicateFields does. Throws the parser's error for malformed YAML.
 *
 * @example yamlWithDuplicateFields('a: 1\na: 2\n') // { value: { a: 2 }, duplicates: ['duplicate field "a"'] }
 */
export function yamlWithDuplicateFields(text: string): { value: unknown; duplicates: string[] } {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length) throw doc.errors[0]!;
  const duplicates: string[] = [];
  walkYaml(doc.contents as YamlNode | null, '', duplicates);
  return { value: doc.toJS({ maxAliasCount: 100 }), duplicates };
}

function walkYaml(node: YamlNode | null, path: string, out: string[]): void {
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const child = join(path, key);
      if (seen.has(key)) out.push(`duplicate field ${JSON.stringify(child)}`);
      seen.add(key);
      walkYaml(pair.value as YamlNode | null, child, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => walkYaml(item as YamlNode | null, `${path}[${i}]`, out));
  }
}
