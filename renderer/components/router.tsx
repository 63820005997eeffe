// A small hash router: the same build runs from the web-mode server and from Electron's
// app:// scheme, and a hash route survives both without server rewrites. The access token
// stays in the query string before the hash, untouched by navigation.
import { useSyncExternalStore, type MouseEvent, type ReactNode } from 'react';

export interface Route {
  path: string;
  segments: string[];
  query: URLSearchParams;
}

function read(): string {
  const h = window.location.hash.replace(/^#/, '');
  return h.startsWith('/') ? h : '/' + h;
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

export function parseRoute(raw: string): Route {
  const q = raw.indexOf('?');
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const query = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '');
  const segments = path.split('/').filter(Boolean).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return { path, segments, query };
}

export function useRoute(): Route {
  const raw = useSyncExternalStore(subscribe, read, () => '/');
  return parseRoute(raw);
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const target = '#' + to;
  if (options.replace) window.history.replaceState(null, '', target);
  else window.location.hash = to;
  if (options.replace) window.dispatchEvent(new HashChangeEvent('hashchange'));
}

/** Builds a path from raw segments, encoding each (topic and group names may hold "/"). */
export function pathOf(...segments: Array<string | number>): string {
  return '/' + segments.map((s) => encodeURIComponent(String(s))).join('/');
}

export function Link({ to, children, className, title, ariaCurrent }: { to: string; children: ReactNode; className?: string; title?: string; ariaCurrent?: boolean }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={'#' + to} onClick={onClick} className={className} title={title} aria-current={ariaCurrent ? 'page' : undefined}>
      {children}
    </a>
  );
}
