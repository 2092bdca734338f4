import { describe, expect, it } from 'vitest';
import { escapeHtml, serializeJsonForScript } from './escape-html.js';

describe('escapeHtml', () => {
  it('should escape the five HTML-special characters', () => {
    expect(escapeHtml(`<img src=x onerror="alert('x')"> & co`)).toBe(
      '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; co',
    );
  });

  it('should leave plain text alone', () => {
    expect(escapeHtml('ES futures, 2023-12-01 → 2024-01-31')).toBe('ES futures, 2023-12-01 → 2024-01-31');
  });
});

describe('serializeJsonForScript', () => {
  it('should not let data close the script element and should round-trip', () => {
    const value = { text: '</script><script>alert(1)</script><!--', line: '\u2028', n: [1, Number.NaN] };
    const json = serializeJsonForScript(value);
    expect(json).not.toMatch(/[<>]/);
    expect(json).not.toContain('\u2028');
    expect(JSON.parse(json)).toEqual({ ...value, n: [1, null] });
  });
});
