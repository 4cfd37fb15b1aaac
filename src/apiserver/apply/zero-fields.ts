import { MESSAGES } from '../protobuf/schema.generated.js';
import { message } from '../protobuf/schema.js';
import { definitionName } from '../openapi/definition-names.js';

/**
 * What a field holds in Go's zero object when a JSON object leaves it out: `{}` for a struct
 * field that is not a pointer (Go never omits those), `null` for a nil slice, map or pointer
 * without omitempty. Kubernetes compares Go objects when it records who changed what, so such
 * a field is never "added" itself — only its contents are. Comparing with these stand-ins
 * makes the recorded sets read as Kubernetes' do (`f:spec: {f:replicas: {}}`, no `.` on `f:spec`).
 */
export type ZeroValue = null | Readonly<Record<string, never>>;

const EMPTY: ZeroValue = Object.freeze({}) as ZeroValue;
let table: Map<string, Map<string, ZeroValue>> | undefined;

function collect(msgName: string, out: Map<string, ZeroValue>): void {
  for (const f of message(msgName).fields) {
    if (f.inline && f.value.kind === 'message') {
      collect(f.value.name, out);
      continue;
    }
    if (f.value.kind === 'message' && !f.pointer && !f.repeated && !f.map) out.set(f.json, EMPTY);
    else if (!f.omitempty && (f.pointer || f.repeated || f.map)) out.set(f.json, null);
  }
}

/** Zero stand-ins by OpenAPI definition name, then field, for every built-in type. */
export function zeroFields(): Map<string, Map<string, ZeroValue>> {
  if (table) return table;
  table = new Map();
  for (const msgName of Object.keys(MESSAGES)) {
    const fields = new Map<string, ZeroValue>();
    try {
      collect(msgName, fields);
    } catch {
      continue; // list wrappers and the like have no struct form
    }
    if (fields.size) table.set(definitionName(msgName), fields);
  }
  return table;
}
