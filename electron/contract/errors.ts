// The stable error shape every contract call can fail with, on both transports. The UI
// branches on `code` only; `message` is for people; `detail` carries structured extras
// (zod issues, the Kafka error name, the partition that failed, ...).
import { z } from 'zod';

export const errorCodes = [
  'INVALID_INPUT',
  'INVALID_OUTPUT',
  'UNKNOWN_METHOD',
  'FORBIDDEN',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'CLUSTER_NOT_FOUND',
  'CONNECTION_FAILED',
  'AUTH_FAILED',
  'TLS_ERROR',
  'TIMEOUT',
  'KAFKA_ERROR',
  'GROUP_NOT_EMPTY',
  'FILTER_ERROR',
  'SANDBOX_UNAVAILABLE',
  'UNSUPPORTED',
  'INTERNAL',
] as const;

export const errorCodeSchema = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const contractErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  detail: z.unknown().optional(),
});
export type ContractErrorShape = z.infer<typeof contractErrorSchema>;

/** Thrown by services and rethrown by clients, so both sides of the seam speak one error. */
export class ContractError extends Error {
  readonly code: ErrorCode;
  readonly detail: unknown;

  constructor(code: ErrorCode, message: string, detail?: unknown) {
    super(message);
    this.name = 'ContractError';
    this.code = code;
    this.detail = detail;
  }

  toShape(): ContractErrorShape {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }

  static fromShape(shape: ContractErrorShape): ContractError {
    return new ContractError(shape.code, shape.message, shape.detail);
  }
}

export function isContractError(value: unknown): value is ContractError {
  return value instanceof ContractError;
}
