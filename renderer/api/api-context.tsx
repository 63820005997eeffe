// Gives every hook the one KeelApi of this window. Tests pass a fake that implements the
// same interface.
import { createContext, useContext, type ReactNode } from 'react';
import type { KeelApi } from '../../electron/contract/index.js';

const ApiContext = createContext<KeelApi | null>(null);

export function ApiProvider({ api, children }: { api: KeelApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): KeelApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}
