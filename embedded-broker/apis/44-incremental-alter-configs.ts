// IncrementalAlterConfigs (key 44), v0-1: SET, DELETE, APPEND and SUBTRACT per config,
// leaving other overrides untouched.
import { defineApi } from './api-handler.js';
import { alterResources } from './config-alteration.js';
import type { Encodable, IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from '../protocol/generated/message-types.js';

export const incrementalAlterConfigsApi = defineApi<IncrementalAlterConfigsRequest, Encodable<IncrementalAlterConfigsResponse>>({
  apiKey: 44,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  handle(ctx, req) {
    const resources = req.resources.map((r) => ({
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      changes: r.configs.map((c) => ({ name: c.name, value: c.value, operation: c.configOperation })),
    }));
    return alterResources(ctx, resources, req.validateOnly, false);
  },
});
