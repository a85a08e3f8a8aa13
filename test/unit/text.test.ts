// Text that reaches Slack: phone numbers (SPEC §4: masked in channels) and mrkdwn escaping
// (SPEC §4: no <!channel> or link injection).
import { describe, expect, it } from 'vitest';
import { maskPhone, normalizePhone } from '../../src/modules/customers/phone.rules.js';
import { escapeMrkdwn, mention, slackDate, truncate } from '../../src/slack/mrkdwn.js';

describe('normalizePhone', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['+86 138 1234 5678', '+8613812345678'],
    ['021-12345678', '02112345678'],
    ['(0755) 8765 4321', '075587654321'],
    ['400-800-1234', '4008001234'],
    ['  138 1234 5678  ', '13812345678'],
  ])('accepts %j as %j', (text, digits) => {
    expect(normalizePhone(text)).toBe(digits);
  });

  it.each(['abc', '123', '12345678901234567', '138-1234-567a', '11012345678', '', '   ', '+', '138.1234.5678', '１３８１２３４５６７８'])(
    'rejects %j',
    (text) => {
      expect(normalizePhone(text)).toBeUndefined();
    },
  );

  it('rejects an 11-digit number starting 1 that is not a mobile prefix (10x, 11x, 12x)', () => {
    for (const p of ['10012345678', '11012345678', '12012345678']) expect(normalizePhone(p)).toBeUndefined();
    for (const p of ['13012345678', '15912345678', '19912345678']) expect(normalizePhone(p)).toBe(p);
  });

  it('rejects the same non-mobile number when it is written with +86', () => {
    expect(normalizePhone('+86 138 1234 5678')).toBe('+8613812345678');
    expect(normalizePhone('+86 110 1234 5678')).toBeUndefined();
  });
});

describe('maskPhone', () => {
  it('shows a mobile as its first three and last four digits', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  it('drops the +86 country code before masking', () => {
    expect(maskPhone('+8613812345678')).toBe('138****5678');
    expect(maskPhone('+86 138 1234 5678')).toBe('138****5678');
  });

  it('never shows the middle digits of a mobile', () => {
    for (const p of ['13812345678', '+8613812345678', '+86 138 1234 5678', '138-1234-5678']) {
      const masked = maskPhone(p);
      expect(masked).not.toContain('1234');
      expect(masked).not.toContain('13812345678');
      expect(masked.replace(/\D/g, '')).toHaveLength(7);
    }
  });

  it('masks a landline with its area code', () => {
    expect(maskPhone('021-62345678')).toBe('021****5678');
    expect(maskPhone('021-62345678')).not.toContain('6234');
  });

  it('hides at least four digits of an 8-digit local landline', () => {
    // '6234 5678' is a Shanghai landline written without its area code; normalizePhone accepts it.
    expect(normalizePhone('6234 5678')).toBe('62345678');
    const masked = maskPhone('6234 5678');
    const shown = masked.replace(/\D/g, '').length;
    expect(shown).toBeLessThanOrEqual(8 - 4);
  });

  it('hides all but two digits of a very short number', () => {
    expect(maskPhone('1234567')).toBe('****67');
  });
});

describe('escapeMrkdwn', () => {
  it('turns a channel-wide mention into text', () => {
    expect(escapeMrkdwn('<!channel>')).toBe('&lt;!channel&gt;');
    expect(escapeMrkdwn('<!here> <!everyone>')).toBe('&lt;!here&gt; &lt;!everyone&gt;');
  });

  it('turns a user mention into text', () => {
    expect(escapeMrkdwn('<@U123>')).toBe('&lt;@U123&gt;');
  });

  it('turns a disguised link into text', () => {
    const out = escapeMrkdwn('<https://evil|click>');
    expect(out).toBe('&lt;https://evil|click&gt;');
    expect(out).not.toContain('<');
    expect(out).not.toContain('>');
  });

  it('escapes & first so it is not double-escaped wrongly', () => {
    expect(escapeMrkdwn('a & b < c')).toBe('a &amp; b &lt; c');
    expect(escapeMrkdwn('&')).toBe('&amp;');
    // text that already looks like an entity is shown as typed, not decoded into a control character
    expect(escapeMrkdwn('&lt;!channel&gt;')).toBe('&amp;lt;!channel&amp;gt;');
  });

  it('leaves ordinary and Chinese text alone', () => {
    expect(escapeMrkdwn('打印机无法打印 *bold* _it_ 100%')).toBe('打印机无法打印 *bold* _it_ 100%');
  });

  it('formats a mention as <@id>', () => {
    expect(mention('U0123ABCD')).toBe('<@U0123ABCD>');
  });
});

describe('truncate', () => {
  it('keeps text within the limit unchanged', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('', 3)).toBe('');
  });

  it('cuts to exactly max characters, ending with …', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect([...truncate('x'.repeat(500), 150)]).toHaveLength(150);
  });

  it('counts code points, so an emoji or a rare CJK character is one', () => {
    expect(truncate('😀😀😀', 3)).toBe('😀😀😀');
    expect(truncate('😀😀😀😀', 3)).toBe('😀😀…');
    expect(truncate('𠮷𠮷𠮷𠮷', 2)).toBe('𠮷…');
    // never splits a surrogate pair
    expect(truncate('😀😀😀😀', 3)).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('slackDate', () => {
  it('gives <!date^SECONDS^format|fallback> with a UTC fallback', () => {
    const at = new Date('2026-05-12T02:03:04.567Z');
    const seconds = Math.floor(at.getTime() / 1000);
    expect(slackDate(at)).toBe(`<!date^${seconds}^{date_short_pretty} {time}|2026-05-12 02:03 UTC>`);
  });

  it('uses the format it is given', () => {
    const at = new Date('2026-05-12T02:03:04Z');
    expect(slackDate(at, '{time}')).toMatch(/^<!date\^\d+\^\{time\}\|2026-05-12 02:03 UTC>$/);
  });
});
