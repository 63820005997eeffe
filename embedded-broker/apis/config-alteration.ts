// The shared body of AlterConfigs and IncrementalAlterConfigs: per resource, plan the new
// overrides (all-or-nothing per resource), apply unless validate-only, persist once.
import type { RequestContext } from './api-handler.js';
import { ErrorCode } from '../cluster/error-codes.js';
import { errorCodeOf, failIfInjected } from './partition-access.js';
import { applyConfigChange, planConfigChange, type ConfigChange } from '../cluster/config-admin.js';

export interface ResourceChange {
  resourceType: number;
  resourceName: string;
  changes: ConfigChange[];
}

export function alterResources(ctx: RequestContext, resources: ResourceChange[], validateOnly: boolean, replace: boolean) {
  let changed = false;
  const responses = resources.map((r) => {
    const answer = { resourceType: r.resourceType, resourceName: r.resourceName };
    try {
      failIfInjected(ctx);
      const next = planConfigChange(ctx.cluster, r.resourceType, r.resourceName, r.changes, replace);
      if (!validateOnly) {
        applyConfigChange(ctx.cluster, r.resourceType, r.resourceName, next);
        changed = true;
      }
      return { ...answer, errorCode: ErrorCode.NONE, errorMessage: null };
    } catch (err) {
      const { code, message } = errorCodeOf(ctx, err);
      return { ...answer, errorCode: code, errorMessage: message };
    }
  });
  if (changed) ctx.cluster.persist();
  return { throttleTimeMs: 0, responses };
}
