// Compiles a schema struct, for one version, into read/write closures. All
// version and flexibility decisions happen here, once, so the per-message work
// at run time is a straight walk over precomputed steps.
import type { FieldDescriptor, VersionRange } from './descriptor-types.js';
import { ProtocolDecodeError, Reader } from './primitives.js';
import { Writer } from './writer.js';

type Read = (r: Reader) => any;
type Write = (w: Writer, v: any) => void;

export interface StructCodec {
  read(r: Reader): any;
  write(w: Writer, value: any): void;
  /** A fresh object with every field at its default (all versions' fields). */
  defaults(): any;
  /** True when every field that exists in this version holds its default. */
  isDefault(value: any): boolean;
}

interface ValueCodec {
  read: Read;
  write: Write;
  /** Produces a fresh default (arrays and structs must not be shared). */
  def: () => any;
  isDefault: (v: any) => boolean;
  /** Whether null is a legal value in this version. */
  nullable: boolean;
}

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
const EMPTY = Buffer.alloc(0);

const inRange = (v: number, r: VersionRange | undefined | null) => !!r && v >= r[0] && v <= r[1];

function primitive(f: FieldDescriptor, flexible: boolean, nullable: boolean): Omit<ValueCodec, 'def' | 'isDefault' | 'nullable'> {
  switch (f.t) {
    case 'bool':
      return { read: (r) => r.readBool(), write: (w, v) => w.writeBool(!!v) };
    case 'int8':
      return { read: (r) => r.readInt8(), write: (w, v) => w.writeInt8(v) };
    case 'int16':
      return { read: (r) => r.readInt16(), write: (w, v) => w.writeInt16(v) };
    case 'uint16':
      return { read: (r) => r.readUInt16(), write: (w, v) => w.writeUInt16(v) };
    case 'int32':
      return { read: (r) => r.readInt32(), write: (w, v) => w.writeInt32(v) };
    case 'int64':
      return { read: (r) => r.readInt64(), write: (w, v) => w.writeInt64(v) };
    case 'float64':
      return { read: (r) => r.readFloat64(), write: (w, v) => w.writeFloat64(v) };
    case 'uuid':
      return { read: (r) => r.readUuid(), write: (w, v) => w.writeUuid(v) };
    case 'string':
      if (flexible) {
        return nullable
          ? { read: (r) => r.readCompactNullableString(), write: (w, v) => w.writeCompactNullableString(v) }
          : { read: (r) => r.readCompactString(), write: (w, v) => w.writeCompactString(v) };
      }
      return nullable
        ? { read: (r) => r.readNullableString(), write: (w, v) => w.writeNullableString(v) }
        : { read: (r) => r.readString(), write: (w, v) => w.writeString(v) };
    case 'bytes': {
      const join = (v: Buffer | Buffer[]) => (Array.isArray(v) ? Buffer.concat(v) : v);
      if (flexible) {
        return nullable
          ? { read: (r) => r.readCompactNullableBytes(), write: (w, v) => w.writeCompactNullableBytes(v === null ? null : join(v)) }
          : { read: (r) => r.readCompactBytes(), write: (w, v) => w.writeCompactBytes(join(v)) };
      }
      return nullable
        ? { read: (r) => r.readNullableBytes(), write: (w, v) => w.writeNullableBytes(v === null ? null : join(v)) }
        : { read: (r) => r.readBytes(), write: (w, v) => w.writeBytes(join(v)) };
    }
    case 'records':
      // Record data is carried by reference: Fetch responses append log slices without copying.
      return {
        read: flexible ? (r) => r.readCompactNullableBytes() : (r) => r.readNullableBytes(),
        write: (w, v: Buffer | Buffer[] | null) => {
          if (v === null) {
            if (flexible) w.writeUVarint(0);
            else w.writeInt32(-1);
            return;
          }
          const chunks = Array.isArray(v) ? v : [v];
          let size = 0;
          for (const c of chunks) size += c.length;
          if (flexible) w.writeUVarint(size + 1);
          else w.writeInt32(size);
          for (const c of chunks) w.writeRawChunk(c);
        },
      };
    default:
      throw new Error(`unsupported type ${f.t}`);
  }
}

function scalarDefault(f: FieldDescriptor): unknown {
  if (f.d !== undefined) return f.d;
  switch (f.t) {
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'uuid':
      return ZERO_UUID;
    case 'bytes':
      return EMPTY;
    case 'records':
      return null;
    default:
      return 0;
  }
}

function valueCodec(f: FieldDescriptor, version: number, flexible: boolean): ValueCodec {
  const nullable = inRange(version, f.nv) || (f.t === 'records' && !f.a);
  const fieldFlexible = f.fv !== undefined ? inRange(version, f.fv) : flexible;
  let elem: { read: Read; write: Write; def: () => any; isDefault: (v: any) => boolean };
  if (f.t === 'struct') {
    const s = compileStruct(f.s!.fields, version, flexible);
    elem = { read: s.read, write: s.write, def: s.defaults, isDefault: s.isDefault };
  } else {
    const p = primitive(f, fieldFlexible, nullable && !f.a);
    const d = scalarDefault(f);
    const isDefault =
      f.t === 'bytes' ? (v: any) => (d === null ? v === null : v !== null && v.length === 0) : (v: any) => v === d;
    elem = { ...p, def: () => d, isDefault };
  }

  if (f.a) {
    const er = elem.read;
    const ew = elem.write;
    const ed = elem.def;
    const read: Read = fieldFlexible
      ? (r) => {
          const n = r.readCompactArrayLength();
          if (n < 0) {
            if (nullable) return null;
            throw new ProtocolDecodeError(`null array in non-nullable field ${f.n}`);
          }
          const out = [];
          for (let i = 0; i < n; i++) out.push(er(r));
          return out;
        }
      : (r) => {
          const n = r.readArrayLength();
          if (n < 0) {
            if (nullable) return null;
            throw new ProtocolDecodeError(`null array in non-nullable field ${f.n}`);
          }
          const out = [];
          for (let i = 0; i < n; i++) out.push(er(r));
          return out;
        };
    const write: Write = (w, v: any[] | null) => {
      if (v === null && !nullable) v = [];
      if (fieldFlexible) w.writeCompactArrayLength(v === null ? null : v.length);
      else w.writeArrayLength(v === null ? null : v.length);
      if (v !== null) for (let i = 0; i < v.length; i++) ew(w, v[i] ?? ed());
    };
    const defaultNull = f.d === null;
    return {
      read,
      write,
      def: () => (defaultNull ? null : []),
      isDefault: (v) => (defaultNull ? v === null : v !== null && v.length === 0),
      nullable,
    };
  }

  if (f.t === 'struct') {
    const defaultNull = f.d === null;
    const def = () => (defaultNull ? null : elem.def());
    if (!nullable) return { ...elem, def, nullable };
    // Nullable structs carry a one-byte presence marker.
    return {
      read: (r) => (r.readInt8() < 0 ? null : elem.read(r)),
      write: (w, v) => {
        if (v === null) w.writeInt8(-1);
        else {
          w.writeInt8(1);
          elem.write(w, v);
        }
      },
      def,
      isDefault: (v) => (defaultNull ? v === null : v !== null && elem.isDefault(v)),
      nullable,
    };
  }
  return { ...elem, nullable };
}

interface Step {
  name: string;
  codec: ValueCodec;
}

export function compileStruct(fields: readonly FieldDescriptor[], version: number, flexible: boolean): StructCodec {
  const regular: Step[] = [];
  const tagged: (Step & { tag: number })[] = [];
  const layout: { name: string; read: Read | null; def: () => any }[] = [];

  for (const f of fields) {
    const codec = valueCodec(f, version, flexible);
    if (!inRange(version, f.v)) {
      layout.push({ name: f.n, read: null, def: codec.def });
    } else if (flexible && f.tag !== undefined && inRange(version, f.tv)) {
      tagged.push({ name: f.n, codec, tag: f.tag });
      layout.push({ name: f.n, read: null, def: codec.def });
    } else {
      regular.push({ name: f.n, codec });
      layout.push({ name: f.n, read: codec.read, def: codec.def });
    }
  }
  tagged.sort((a, b) => a.tag - b.tag);
  const byTag = new Map(tagged.map((t) => [t.tag, t]));

  const readTagged = (r: Reader, out: any) => {
    const count = r.readUVarint();
    for (let i = 0; i < count; i++) {
      const tag = r.readUVarint();
      const size = r.readUVarint();
      if (size > r.remaining) throw new ProtocolDecodeError(`tagged field ${tag} size ${size} exceeds ${r.remaining} remaining bytes`);
      const known = byTag.get(tag);
      if (known) {
        // A bounded sub-reader keeps a malformed tagged value from reading into its neighbours.
        const sub = new Reader(r.buffer, r.position, r.position + size);
        sub.elementBudget = r.elementBudget;
        out[known.name] = known.codec.read(sub);
        r.elementBudget = sub.elementBudget;
      }
      r.position += size;
    }
  };

  const read = (r: Reader) => {
    const out: any = {};
    for (let i = 0; i < layout.length; i++) {
      const l = layout[i]!;
      out[l.name] = l.read === null ? l.def() : l.read(r);
    }
    if (flexible) readTagged(r, out);
    return out;
  };

  const writeTagged = (w: Writer, value: any) => {
    let present: (Step & { tag: number; v: any })[] | null = null;
    for (const t of tagged) {
      const v = value[t.name];
      if (v === undefined || (v === null && !t.codec.nullable) || t.codec.isDefault(v)) continue;
      (present ??= []).push({ ...t, v });
    }
    if (present === null) {
      w.writeUVarint(0);
      return;
    }
    w.writeUVarint(present.length);
    for (const p of present) {
      const sub = new Writer(64);
      p.codec.write(sub, p.v);
      w.writeUVarint(p.tag);
      w.writeUVarint(sub.length);
      w.append(sub);
    }
  };

  const write = (w: Writer, value: any) => {
    if (value === null || value === undefined) value = {};
    for (let i = 0; i < regular.length; i++) {
      const s = regular[i]!;
      let v = value[s.name];
      if (v === undefined || (v === null && !s.codec.nullable)) v = s.codec.def();
      s.codec.write(w, v);
    }
    if (flexible) writeTagged(w, value);
  };

  const defaults = () => {
    const out: any = {};
    for (const l of layout) out[l.name] = l.def();
    return out;
  };

  const present = [...regular, ...tagged];
  const isDefault = (value: any) => {
    for (const s of present) {
      const v = value[s.name];
      if (v !== undefined && !s.codec.isDefault(v)) return false;
    }
    return true;
  };

  return { read, write, defaults, isDefault };
}
