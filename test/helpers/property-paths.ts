/**
 * Whether an error's property path is one the user can write: every segment a property of the
 * environment's types (schemas/environment.schema.json), list items as `[n]`, map keys that are
 * not plain names quoted (`tenants['team a']`). Inside a factory value (`TempoStorage.s3({...})`,
 * an `x-instanceof` class) the rest of the path is the factory's own props and is not followed.
 */
import schema from '../../schemas/environment.schema.json';
import type { Schema } from '../../lib/schema-check';

const root = schema as Schema;

type Segment = { readonly key: string } | { readonly index: number };

/** `a.b[2]['c d'].e` as segments, or undefined when it is not such a path. */
export function parsePath(path: string): Segment[] | undefined {
  const out: Segment[] = [];
  const re = /^(?:\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\])/;
  let rest = path;
  while (rest.length > 0) {
    const m = re.exec(rest);
    if (!m) return undefined;
    if (m[1] !== undefined) out.push({ key: m[1] });
    else if (m[2] !== undefined) out.push({ index: Number(m[2]) });
    else out.push({ key: m[3].replace(/\\(.)/g, '$1') });
    rest = rest.slice(m[0].length);
  }
  return out;
}

function resolve(s: Schema): Schema {
  let cur = s;
  while (cur.$ref) cur = root.definitions![decodeURIComponent(cur.$ref.replace('#/definitions/', ''))];
  return cur;
}

/** The schemas a segment leads to from `s` (several through unions); [] when none has it. */
function step(s: Schema, seg: Segment): Schema[] | 'opaque' {
  const r = resolve(s);
  if (r['x-instanceof']) return 'opaque';
  if (r.anyOf) {
    const next = r.anyOf.map((b) => step(b, seg));
    if (next.includes('opaque')) return 'opaque';
    return (next as Schema[][]).flat();
  }
  if ('index' in seg) {
    if (!r.items) return [];
    return [Array.isArray(r.items) ? (r.items[seg.index] ?? {}) : (r.items as Schema)];
  }
  const prop = r.properties?.[seg.key];
  if (prop) return [prop];
  if (typeof r.additionalProperties === 'object') return [r.additionalProperties];
  return [];
}

/**
 * The part of `path` (relative to an environment: `tempo.retention`) that names no property, or
 * undefined when the whole path is writable.
 */
export function unwritablePath(path: string): string | undefined {
  const segments = parsePath(path);
  if (!segments) return path;
  let current: Schema[] = [root];
  let walked = '';
  for (const seg of segments) {
    walked += 'index' in seg ? `[${seg.index}]` : walked ? `.${seg.key}` : seg.key;
    const next: Schema[] = [];
    for (const s of current) {
      const r = step(s, seg);
      if (r === 'opaque') return undefined;
      next.push(...r);
    }
    if (next.length === 0) return walked;
    current = next;
  }
  return undefined;
}
