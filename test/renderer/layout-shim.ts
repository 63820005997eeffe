// happy-dom does no layout, so every element measures 0×0 and a virtual list would show no
// rows. Give elements a fixed box (a 1200×700 window) so the virtualiser has a viewport.
export function installLayoutShim(width = 1200, height = 700): void {
  const proto = HTMLElement.prototype as unknown as Record<string, unknown>;
  Object.defineProperty(proto, 'offsetHeight', { configurable: true, get: () => height });
  Object.defineProperty(proto, 'offsetWidth', { configurable: true, get: () => width });
  Object.defineProperty(proto, 'clientHeight', { configurable: true, get: () => height });
  Object.defineProperty(proto, 'clientWidth', { configurable: true, get: () => width });
  (HTMLElement.prototype as HTMLElement).getBoundingClientRect = function () {
    return { x: 0, y: 0, top: 0, left: 0, right: width, bottom: height, width, height, toJSON: () => ({}) } as DOMRect;
  };
}
