// AlterConfigs (key 33), v0-2: replaces a resource's whole set of overrides.
import { defineApi } from './api-handler.js';
import { alterResources } from './config-alteration.js';
import { ConfigOperation } from '../cluster/config-admin.js';
import type { AlterConfigsRequest, AlterConfigsResponse, Encodable } from '../protocol/generated/message-types.js';

export const alterConfigsApi = defineApi<AlterConfigsRequest, Encodable<AlterConfigsResponse>>({
  apiKey: 33,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 2,
  handle(ctx, req) {
    const resources = req.resources.map((r) => ({
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      changes: r.configs.map((c) => ({ name: c.name, value: c.value, operation: ConfigOperation.SET })),
    }));
    return alterResources(ctx, resources, req.validateOnly, true);
  },
});
