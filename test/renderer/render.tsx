// Renders a component tree the way main.tsx does, with a fake API and a fresh query client.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { ApiProvider } from '../../renderer/api/api-context.js';
import { createFakeApi, type FakeApi } from './fake-api.js';

export function renderWithApi(ui: ReactElement, api: FakeApi = createFakeApi()) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } } });
  const result = render(
    <ApiProvider api={api}>
      <QueryClientProvider client={client}>{ui}</QueryClientProvider>
    </ApiProvider>,
  );
  return { ...result, api, client };
}
