// Facts about the running app the UI shows in its chrome.
import { z } from 'zod';

export const appInfoSchema = z.object({
  version: z.string(),
  shell: z.enum(['electron', 'web']),
  /** Web mode keeps secrets in a user-only file instead of the OS keychain: the UI warns. */
  secretsStorage: z.enum(['os-keychain', 'user-file']),
  platform: z.string(),
});

export const appMethods = {
  'app.info': { input: z.strictObject({}), output: appInfoSchema },
} as const;
