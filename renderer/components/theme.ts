// Theme preference: 'system' follows prefers-color-scheme through CSS alone; 'light' and
// 'dark' pin it with data-theme on <html>.
export type ThemePreference = 'system' | 'light' | 'dark';
const KEY = 'keel.theme';

export function loadTheme(): ThemePreference {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

export function applyTheme(pref: ThemePreference): void {
  const root = document.documentElement;
  if (pref === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', pref);
  try {
    localStorage.setItem(KEY, pref);
  } catch {
    // storage may be unavailable; the choice then lasts for this window only
  }
}
