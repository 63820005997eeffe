// Entry point: pick the bridge (Electron preload or web transport), set up react-query and
// the theme, mount the app.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/api-context.js';
import { createBridge, type Bridge, type ConnectionState } from './api/bridge.js';
import { App } from './app.js';
import { applyTheme, loadTheme } from './components/theme.js';
import './styles/theme.css';
import './styles/app.css';
import './styles/pages.css';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A contract error is an answer, not a blip: show it instead of retrying three times.
        retry: (count, err) => count < 1 && (err as { code?: string })?.code === 'TIMEOUT',
        refetchOnWindowFocus: false,
        staleTime: 5_000,
      },
    },
  });
}

function Root({ bridge, client }: { bridge: Bridge; client: QueryClient }) {
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  useEffect(() => bridge.onConnectionChange(setConnection), [bridge]);
  return (
    <ApiProvider api={bridge.api}>
      <QueryClientProvider client={client}>
        <App connection={connection} />
      </QueryClientProvider>
    </ApiProvider>
  );
}

applyTheme(loadTheme());
const bridge = createBridge(window);
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root bridge={bridge} client={createQueryClient()} />
  </StrictMode>,
);
