// Remembers the window's size, position and maximized state between launches.
import fs from 'node:fs';
import path from 'node:path';

export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

const DEFAULT_STATE: WindowState = { width: 1280, height: 820, maximized: false };

export function loadWindowState(dir: string): WindowState {
  try {
    const s = JSON.parse(fs.readFileSync(path.join(dir, 'window-state.json'), 'utf8')) as Partial<WindowState>;
    if (typeof s.width !== 'number' || typeof s.height !== 'number' || s.width < 400 || s.height < 300) return DEFAULT_STATE;
    return {
      width: s.width,
      height: s.height,
      maximized: Boolean(s.maximized),
      ...(typeof s.x === 'number' && typeof s.y === 'number' ? { x: s.x, y: s.y } : {}),
    };
  } catch {
    return DEFAULT_STATE;
  }
}

export function saveWindowState(dir: string, state: WindowState): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'window-state.json'), JSON.stringify(state));
}

/** Saved bounds are used only if they still intersect a display (a monitor may be gone). */
export function visibleOn(state: WindowState, displays: Array<{ x: number; y: number; width: number; height: number }>): WindowState {
  if (state.x === undefined || state.y === undefined) return state;
  const { x, y } = state;
  const onScreen = displays.some((d) => x < d.x + d.width - 50 && x + state.width > d.x + 50 && y >= d.y - 10 && y < d.y + d.height - 50);
  return onScreen ? state : { width: state.width, height: state.height, maximized: state.maximized };
}
