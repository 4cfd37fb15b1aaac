import { KINDS } from '../protobuf/schema.generated.js';
import { message } from '../protobuf/schema.js';
import { isObject } from './type-view.js';

/**
 * Fills in the empty values Go always has: a struct field that is not a pointer is never
 * absent in a Go object, it is `{}`; a nil slice, map or pointer without omitempty is `null`. Kubernetes compares Go objects when it records an update,
 * so such a struct is never "added" — only its fields are. Filling them in here makes the
 * recorded sets read as Kubernetes' do (`f:spec: {f:replicas: {}}`, with no `.` on `f:spec`).
 * Changes `value` in place; kinds without a type table are left alone.
 */
export function fillZeroStructs(value: unknown, apiVersion: string, kind: string): void {
  const msg = KINDS[apiVersion]?.[kind];
  if (msg && isObject(value)) fill(value, msg, 0);
}

function fill(obj: Record<string, unknown>, msgName: string, depth: number): void {
  if (depth > 32) return;
  for (const f of message(msgName).fields) {
    if (f.value.kind !== 'message') {
      // Go writes a nil slice, map or pointer without omitempty as null: present, but empty.
      if (obj[f.json] === undefined && !f.omitempty && (f.pointer || f.repeated || f.map)) obj[f.json] = null;
      continue;
    }
    const inner = f.value.name;
    if (f.inline) {
      fill(obj, inner, depth + 1);
      continue;
    }
    const v = obj[f.json];
    if (v === undefined && !f.omitempty && (f.pointer || f.repeated || f.map)) {
      obj[f.json] = null;
      continue;
    }
    if (f.repeated) {
      if (Array.isArray(v)) for (const item of v) if (isObject(item)) fill(item, inner, depth + 1);
    } else if (f.map) {
      if (isObject(v)) for (const item of Object.values(v)) if (isObject(item)) fill(item, inner, depth + 1);
    } else if (v === undefined && !f.pointer) {
      const child: Record<string, unknown> = {};
      obj[f.json] = child;
      fill(child, inner, depth + 1);
    } else if (isObject(v)) fill(v, inner, depth + 1);
  }
}
