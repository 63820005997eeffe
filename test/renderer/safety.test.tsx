// @vitest-environment happy-dom
// Message content is text, never markup: no dangerouslySetInnerHTML (or innerHTML writes) in
// the renderer, and the one component that shows values renders script-looking text inert.
import fs from 'node:fs';
import path from 'node:path';
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonView } from '../../renderer/components/json-view.js';
import { DecodedValue } from '../../renderer/components/message-table.js';
import { tokenFromLocation } from '../../renderer/api/bridge.js';

afterEach(cleanup);

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('renderer safety', () => {
  it('never uses dangerouslySetInnerHTML, innerHTML, outerHTML, eval or new Function', () => {
    const root = path.resolve(import.meta.dirname, '../../renderer');
    const offenders = files(root)
      .filter((f) => /\.(tsx?|html)$/.test(f))
      .filter((f) => /dangerouslySetInnerHTML|\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|\beval\(|new Function\(/.test(fs.readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('renders HTML-looking values and JSON strings as text', () => {
    const { container } = render(
      <>
        <DecodedValue value={{ encoding: 'text', text: '<img src=x onerror=alert(1)><script>alert(2)</script>', sizeBytes: 10, truncated: false }} />
        <JsonView text={'{"html":"<b onclick=alert(3)>x</b>"}'} />
      </>,
    );
    expect(container.querySelector('img, script, b')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(container.textContent).toContain('"<b onclick=alert(3)>x</b>"');
  });

  it('reads the access token from the query string or the hash', () => {
    expect(tokenFromLocation({ search: '?token=abc', hash: '' })).toBe('abc');
    expect(tokenFromLocation({ search: '', hash: '#/x?token=def' })).toBe('def');
    expect(tokenFromLocation({ search: '', hash: '#/x' })).toBe('');
  });
});
