// ApiVersions (key 18), v0-4. The answer is built from the handler table, so a handler's
// declared range is the only place a version is supported. A request above our range
// (librdkafka opens with v3) gets UNSUPPORTED_VERSION in v0 form plus our list, which is
// how clients learn to retry with a version we speak.
import { defineApi, type RequestContext } from './api-handler.js';
import { supportedApis } from './api-table.js';
import { ErrorCode } from '../cluster/error-codes.js';
import type { ApiVersionsRequest, ApiVersionsResponse, Encodable } from '../protocol/generated/message-types.js';

function apiKeyList() {
  return supportedApis().map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }));
}

export const apiVersionsApi = defineApi<ApiVersionsRequest, Encodable<ApiVersionsResponse>>({
  apiKey: 18,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 4,
  beforeAuthentication: true,
  answersUnsupportedVersion: true,
  handle(_ctx: RequestContext) {
    return { errorCode: ErrorCode.NONE, apiKeys: apiKeyList(), throttleTimeMs: 0, finalizedFeaturesEpoch: -1 };
  },
  answerUnsupportedVersion() {
    return { version: 0, body: { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: apiKeyList() } };
  },
});
