// Shape of the generated schema data (generated/message-descriptors.ts).
// Kept compact because it ships inside the app: one entry per message, structs inline.

/** Inclusive version range; the upper bound is VERSION_MAX for open ranges ("3+"). */
export type VersionRange = readonly [number, number];

export const VERSION_MAX = 0x7fff;

export type PrimitiveType =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'int64'
  | 'float64'
  | 'string'
  | 'bytes'
  | 'records'
  | 'uuid';

export interface StructDescriptor {
  /** TypeScript interface name of the struct. */
  readonly name: string;
  readonly fields: readonly FieldDescriptor[];
}

export interface FieldDescriptor {
  /** camelCase field name. */
  readonly n: string;
  /** Primitive type name, or 'struct' (then `s` holds its fields). */
  readonly t: PrimitiveType | 'struct';
  /** Present and 1 when the field is an array of `t`. */
  readonly a?: 1;
  readonly s?: StructDescriptor;
  readonly v: VersionRange;
  readonly nv?: VersionRange;
  readonly tag?: number;
  readonly tv?: VersionRange;
  /** Field-level flexibleVersions override (only the request header uses it). */
  readonly fv?: VersionRange | null;
  /** Schema default, already parsed: number, string, boolean or null. */
  readonly d?: number | string | boolean | null;
}

export interface MessageDescriptor {
  readonly name: string;
  readonly kind: 'request' | 'response' | 'data';
  readonly apiKey?: number;
  readonly min: number;
  readonly max: number;
  /** First flexible version; Infinity when the message never became flexible. */
  readonly flexFrom: number;
  readonly fields: readonly FieldDescriptor[];
}
