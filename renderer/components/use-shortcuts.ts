// Global keys: / or Ctrl+K opens the palette, g then o/t/g/b/s navigates, r refreshes.
// Plain keys are ignored while typing in a field or when a dialog is open.
import { useEffect, useRef } from 'react';

export interface ShortcutHandlers {
  openPalette(): void;
  go(target: 'overview' | 'topics' | 'groups' | 'brokers' | 'sandbox'): void;
  refresh(): void;
}

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}

export function useShortcuts(handlers: ShortcutHandlers): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    let gAt = 0;
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        ref.current.openPalette();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || document.querySelector('[role="dialog"]')) return;
      const now = Date.now();
      if (now - gAt < 1200) {
        gAt = 0;
        const map: Record<string, Parameters<ShortcutHandlers['go']>[0]> = { o: 'overview', t: 'topics', g: 'groups', b: 'brokers', s: 'sandbox' };
        const target = map[e.key];
        if (target) {
          e.preventDefault();
          ref.current.go(target);
        }
        return;
      }
      if (e.key === '/') {
        e.preventDefault();
        ref.current.openPalette();
      } else if (e.key === 'g') gAt = now;
      else if (e.key === 'r') ref.current.refresh();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
