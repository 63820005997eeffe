// The sandbox's request faults: "answer the next N requests of API X (on broker B) with
// error E", or "drop the next N responses" (the request is processed, the connection
// closes before the answer — the classic cause of a producer retry).
import { ErrorCode } from './error-codes.js';
import type { FaultSpec } from '../public-types.js';

interface ArmedFault {
  apiKey: number;
  nodeId?: number;
  errorCode?: number;
  dropResponse: boolean;
  remaining: number;
}

export interface TriggeredFault {
  errorCode?: number;
  dropResponse: boolean;
}

const KNOWN_CODES = new Set<number>(Object.values(ErrorCode));

export class FaultInjector {
  private faults: ArmedFault[] = [];

  inject(spec: FaultSpec): void {
    if (!Number.isInteger(spec.apiKey) || spec.apiKey < 0) throw new Error(`apiKey must be a non-negative integer, got ${spec.apiKey}`);
    if (!Number.isInteger(spec.count) || spec.count < 1 || spec.count > 1_000_000) throw new Error(`count must be 1..1000000, got ${spec.count}`);
    const drop = spec.dropResponse === true;
    if (!drop && (spec.errorCode === undefined || !KNOWN_CODES.has(spec.errorCode) || spec.errorCode === 0)) {
      throw new Error(`errorCode must be a non-zero Kafka error code, got ${spec.errorCode}`);
    }
    this.faults.push({ apiKey: spec.apiKey, nodeId: spec.nodeId, errorCode: drop ? undefined : spec.errorCode, dropResponse: drop, remaining: spec.count });
  }

  /** Consumes one armed fault for this request, if any. */
  take(nodeId: number, apiKey: number): TriggeredFault | null {
    const fault = this.faults.find((f) => f.apiKey === apiKey && (f.nodeId === undefined || f.nodeId === nodeId));
    if (!fault) return null;
    fault.remaining--;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return { errorCode: fault.errorCode, dropResponse: fault.dropResponse };
  }

  pending(): number {
    return this.faults.reduce((n, f) => n + f.remaining, 0);
  }

  clear(): void {
    this.faults = [];
  }
}
