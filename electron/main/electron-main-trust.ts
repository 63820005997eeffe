// What the desktop shell trusts: its own renderer, served from a private scheme. Kept apart
// from electron-main.ts so tests can check it without starting Electron.
export const APP_ORIGIN = 'app://keel';

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

export function isTrustedRendererUrl(url: string): boolean {
  return url === APP_ORIGIN || url.startsWith(`${APP_ORIGIN}/`);
}
