// Turns Apache Kafka's message schemas (JSON with comments) into Keel's committed
// descriptor data and TypeScript interfaces. Only structure survives: names,
// types, version ranges, nullability, tags and defaults. Documentation text is
// dropped, so the generated files carry facts about the protocol, not prose.
//
// Usage: npm run generate:protocol [-- <schema dir>]
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION_MAX, type FieldDescriptor, type MessageDescriptor, type PrimitiveType, type VersionRange } from '../descriptor-types.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const schemaDir = resolve(process.argv[2] ?? join(repoRoot, '../shared/kafka-protocol/messages'));
const outDir = resolve(here, '../generated');

interface RawField {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: string | number | boolean;
  flexibleVersions?: string;
  fields?: RawField[];
}
interface RawMessage {
  name: string;
  type: 'request' | 'response' | 'data' | 'header';
  apiKey?: number;
  validVersions: string;
  flexibleVersions: string;
  fields: RawField[];
  commonStructs?: { name: string; fields: RawField[] }[];
}

const PRIMITIVES = new Set<string>(['bool', 'int8', 'int16', 'uint16', 'int32', 'int64', 'float64', 'string', 'bytes', 'records', 'uuid']);

/** Removes // comments outside string literals; the schemas are otherwise plain JSON. */
function stripComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else {
      out += c;
    }
  }
  return out;
}

function parseRange(spec: string | undefined): VersionRange | null {
  if (spec === undefined || spec === 'none') return null;
  if (spec.endsWith('+')) return [Number(spec.slice(0, -1)), VERSION_MAX];
  const [a, b] = spec.split('-');
  return [Number(a), Number(b ?? a)];
}

const camel = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function parseDefault(type: string, isArray: boolean, nullable: boolean, raw: string | number | boolean): number | string | boolean | null {
  const s = String(raw);
  if (isArray || !PRIMITIVES.has(type)) {
    if (s !== 'null') throw new Error(`unsupported default ${s} for ${type}`);
    return null;
  }
  switch (type) {
    case 'bool':
      return s === 'true';
    case 'string':
      return s === 'null' && nullable ? null : s;
    case 'bytes':
    case 'records':
    case 'uuid':
      if (s !== 'null') throw new Error(`unsupported default ${s} for ${type}`);
      return null;
    default: {
      const n = /^-?0x/i.test(s) ? (s.startsWith('-') ? -parseInt(s.slice(1), 16) : parseInt(s, 16)) : Number(s);
      if (!Number.isFinite(n)) throw new Error(`bad numeric default ${s}`);
      return n;
    }
  }
}

interface StructInfo {
  iface: string;
  fields: FieldDescriptor[];
}

function convertMessage(raw: RawMessage): { desc: MessageDescriptor; structs: StructInfo[] } {
  const common = new Map((raw.commonStructs ?? []).map((c) => [c.name, c.fields]));
  const structs = new Map<string, StructInfo>();
  const ifaceFor = (typeName: string) => (typeName.startsWith(raw.name) ? typeName : raw.name + typeName);

  const convertFields = (fields: RawField[]): FieldDescriptor[] =>
    fields.map((f) => {
      const isArray = f.type.startsWith('[]');
      const base = isArray ? f.type.slice(2) : f.type;
      const versions = parseRange(f.versions);
      if (!versions) throw new Error(`${raw.name}.${f.name}: missing versions`);
      const nv = parseRange(f.nullableVersions);
      const out: { -readonly [K in keyof FieldDescriptor]: FieldDescriptor[K] } = { n: camel(f.name), t: 'int8', v: versions };
      if (PRIMITIVES.has(base)) {
        out.t = base as PrimitiveType;
      } else {
        const sub = f.fields ?? common.get(base);
        if (!sub) throw new Error(`${raw.name}.${f.name}: unknown type ${base}`);
        const iface = ifaceFor(base);
        const converted = convertFields(sub);
        const prev = structs.get(iface);
        if (prev && JSON.stringify(prev.fields) !== JSON.stringify(converted)) {
          throw new Error(`${raw.name}: struct ${base} defined twice with different fields`);
        }
        structs.set(iface, { iface, fields: converted });
        out.t = 'struct';
        out.s = { name: iface, fields: converted };
      }
      if (isArray) out.a = 1;
      if (nv) out.nv = nv;
      if (f.tag !== undefined) {
        out.tag = Number(f.tag);
        out.tv = parseRange(f.taggedVersions) ?? versions;
      }
      if (f.flexibleVersions !== undefined) out.fv = parseRange(f.flexibleVersions);
      if (f.default !== undefined) out.d = parseDefault(base, isArray, nv !== null, f.default);
      return out;
    });

  const valid = parseRange(raw.validVersions);
  if (!valid) throw new Error(`${raw.name}: no validVersions`);
  const flex = parseRange(raw.flexibleVersions);
  const fields = convertFields(raw.fields);
  const desc: MessageDescriptor = {
    name: raw.name,
    kind: raw.type as MessageDescriptor['kind'],
    ...(raw.apiKey !== undefined ? { apiKey: raw.apiKey } : {}),
    min: valid[0],
    max: valid[1],
    flexFrom: flex ? flex[0] : Infinity,
    fields,
  };
  return { desc, structs: [...structs.values()] };
}

function tsType(f: FieldDescriptor): string {
  let t: string;
  switch (f.t) {
    case 'bool':
      t = 'boolean';
      break;
    case 'string':
    case 'uuid':
      t = 'string';
      break;
    case 'bytes':
    case 'records':
      t = 'Buffer';
      break;
    case 'struct':
      t = f.s!.name;
      break;
    default:
      t = 'number';
  }
  // Records decode to null when absent even where the schema does not say nullable.
  const nullable = f.nv !== undefined || f.t === 'records';
  if (f.a) return nullable ? `${t}[] | null` : `${t}[]`;
  return nullable ? `${t} | null` : t;
}

function renderInterface(name: string, fields: readonly FieldDescriptor[]): string {
  const body = fields.map((f) => `  ${f.n}: ${tsType(f)};`).join('\n');
  return `export interface ${name} {\n${body}\n}\n`;
}

function main(): void {
  const files = readdirSync(schemaDir).filter((f) => f.endsWith('.json')).sort();
  const converted: { desc: MessageDescriptor; structs: StructInfo[] }[] = [];
  for (const file of files) {
    const raw = JSON.parse(stripComments(readFileSync(join(schemaDir, file), 'utf8'))) as RawMessage;
    if (raw.type === 'header') continue; // headers are hand-written in headers.ts
    if ((raw.type === 'request' || raw.type === 'response') && raw.apiKey === undefined) continue;
    converted.push(convertMessage(raw));
  }
  converted.sort((a, b) => (a.desc.apiKey ?? 1e9) - (b.desc.apiKey ?? 1e9) || a.desc.name.localeCompare(b.desc.name));

  const banner =
    '// GENERATED by embedded-broker/protocol/generator/generate-messages.ts — do not edit.\n' +
    '// Structure derived from the Apache Kafka message schemas (Apache License 2.0).\n';

  const descLines = converted.map(({ desc }) => '  ' + JSON.stringify(desc).replace(/"flexFrom":null/, '"flexFrom":Infinity') + ',');
  const descriptorsTs =
    banner +
    "import type { MessageDescriptor } from '../descriptor-types.js';\n\n" +
    'export const messageDescriptors: readonly MessageDescriptor[] = [\n' +
    descLines.join('\n') +
    '\n];\n';

  const apiNames = converted.filter((c) => c.desc.kind === 'request').map((c) => [c.desc.name.replace(/Request$/, ''), c.desc.apiKey!] as const);
  let types =
    banner +
    '\n/** Deep partial of a decoded message: what encode functions accept (omitted fields take their defaults). */\n' +
    'export type Encodable<T> = T extends Buffer\n' +
    '  ? Buffer | Buffer[]\n' +
    '  : T extends readonly (infer U)[]\n' +
    '    ? Encodable<U>[]\n' +
    '    : T extends object\n' +
    '      ? { [K in keyof T]?: Encodable<T[K]> }\n' +
    '      : T;\n\n' +
    'export const ApiKeys = {\n' +
    apiNames.map(([n, k]) => `  ${n}: ${k},`).join('\n') +
    '\n} as const;\n\nexport type ApiKeyName = keyof typeof ApiKeys;\n\n';
  for (const { desc, structs } of converted) {
    types += renderInterface(desc.name, desc.fields);
    for (const s of structs) types += renderInterface(s.iface, s.fields);
    types += '\n';
  }
  for (const kind of ['request', 'response'] as const) {
    const map = kind === 'request' ? 'RequestBodies' : 'ResponseBodies';
    types += `/** ${kind === 'request' ? 'Request' : 'Response'} body type by api key. */\nexport interface ${map} {\n`;
    types += converted
      .filter((c) => c.desc.kind === kind)
      .map((c) => `  ${c.desc.apiKey}: ${c.desc.name};`)
      .join('\n');
    types += '\n}\n\n';
  }
  types += '/** Data messages by name (decodeData / encodeData). */\nexport interface DataMessages {\n';
  types += converted
    .filter((c) => c.desc.kind === 'data')
    .map((c) => `  ${c.desc.name}: ${c.desc.name};`)
    .join('\n');
  types += '\n}\n';

  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'message-descriptors.ts'), descriptorsTs);
  writeFileSync(join(outDir, 'message-types.ts'), types);
  console.log(`generated ${converted.length} messages from ${schemaDir} into ${outDir}`);
}

main();
