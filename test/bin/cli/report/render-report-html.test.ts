// The report page is safe by construction: text from records (a body excerpt, a version, a monitor's name, output)
// never becomes markup in the page, its Content-Security-Policy forbids every fetch and allows exactly the page's own
// inline style and script by their hashes, and SafeHtml cannot be made from a string outside html``.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EvidenceDocument } from '../../../../lambda/core/evidence/evidence.ts';
import { renderReportHtml } from '../../../../bin/cli/report/render-report-html.ts';
import { buildReportModel } from '../../../../bin/cli/report/report-model.ts';
import { escapeHtml, html, SafeHtml } from '../../../../bin/cli/report/safe-html.ts';
import { linearScale, timeScale } from '../../../../bin/cli/report/svg-scale.ts';
import { CHECKOUT_DEPLOY, sampleEvidence, unhealthyTarget } from '../../../lambda/core/evidence/sample-evidence.ts';

const HOSTILE = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(2)>',
  "'><svg onload=alert(3)>",
  '</style><style>body{display:none}</style>',
  '</textarea></title><iframe src="https://evil.example">',
  '\u0000\u001b[2J',
];

function hostileRecord(): EvidenceDocument {
  const target = unhealthyTarget(`https://checkout.example.com/health?q=${HOSTILE[1]}`);
  const document = sampleEvidence({
    context: { ...CHECKOUT_DEPLOY, deploy: { ...CHECKOUT_DEPLOY.deploy!, version: HOSTILE[2]! } },
    targets: [
      {
        ...target,
        name: HOSTILE[4],
        reason: HOSTILE[0],
        attempts: [
          {
            attempt: 1,
            latency_ms: 12,
            http_status: 503,
            body_excerpt: HOSTILE.join(' '),
            ok: false,
            expectations: [],
          },
        ],
      },
    ],
    message: HOSTILE[3],
  });
  return {
    ...document,
    started_at: '2026-11-23T10:00:00.000Z',
    rollback: { ...document.rollback, attempted: true, ok: false, outcome: 'failed', output_tail: HOSTILE.join('\n') },
    notes: HOSTILE,
  };
}

function page(): string {
  const model = buildReportModel({
    runs: [{ key: HOSTILE[0]!, uri: HOSTILE[1]!, records: [], document: hostileRecord() }],
    subject: HOSTILE[0]!,
    source: HOSTILE[1]!,
    generatedAt: new Date('2026-11-23T12:00:00.000Z'),
    truncated: false,
    unreadable: 0,
  });
  return renderReportHtml(model);
}

describe('renderReportHtml', () => {
  const text = page();

  it('keeps every text from a record as text: no element, attribute or script comes from it', () => {
    expect(text.match(/<script/g)).toHaveLength(1);
    expect(text.match(/<style/g)).toHaveLength(1);
    expect(text).not.toMatch(/<(img|svg onload|iframe|textarea)/);
    // An event attribute inside a tag; the same words escaped into text are only text.
    expect(text).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
    expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(text).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(text).toContain('&#39;&gt;&lt;svg onload=alert(3)&gt;');
    expect(text).not.toMatch(/[\u0000\u001b]/);
  });

  it('forbids every fetch and allows exactly its own inline style and script by their hashes', () => {
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/
      .exec(text)?.[1]
      ?.replaceAll('&#39;', "'");
    const style = /<style>([\s\S]*?)<\/style>/.exec(text)?.[1];
    const script = /<script>([\s\S]*?)<\/script>/.exec(text)?.[1];
    const hash = (body: string | undefined) =>
      `sha256-${createHash('sha256')
        .update(body ?? '')
        .digest('base64')}`;
    expect(policy).toBe(
      `default-src 'none'; style-src '${hash(style)}'; script-src '${hash(script)}'; img-src 'none'; base-uri 'none'; form-action 'none'`,
    );
    // The policy comes before anything it governs.
    expect(text.indexOf('Content-Security-Policy')).toBeLessThan(text.indexOf('<style>'));
    expect(text).not.toMatch(/\sstyle="/);
    expect(text).not.toMatch(/(src|href)="(?!#run-)/);
  });
});

describe('html``', () => {
  it.each([
    ['text', html`<p>${'<b>&"\''}</p>`.toString(), '<p>&lt;b&gt;&amp;&quot;&#39;</p>'],
    ['arrays, joined', html`<ul>${['a', html`<li>b</li>`]}</ul>`.toString(), '<ul>a<li>b</li></ul>'],
    ['null, undefined and false, as nothing', html`${null}${undefined}${false}|`.toString(), '|'],
    ['numbers', html`${3.5}`.toString(), '3.5'],
  ])('renders %s', (_name, rendered, expected) => {
    expect(rendered).toBe(expected);
  });

  it('cannot be forged from a string', () => {
    expect(() => new SafeHtml(Symbol('safe-html') as never, '<script>')).toThrow(TypeError);
  });

  it('replaces characters no page can hold, lone surrogates included', () => {
    expect(escapeHtml('a\u0000b\ud800c\u007f')).toBe('a\ufffdb\ufffdc\ufffd');
    expect(escapeHtml('\ud83d\ude00')).toBe('\ud83d\ude00');
  });
});

describe('chart scales', () => {
  const HOUR = 3_600_000;
  it.each([
    [2 * HOUR, '10:00', 8],
    [2 * 24 * HOUR, '11-24', 8],
    [30 * 24 * HOUR, '11-26', 8],
  ])('a span of %i ms gets round ticks labelled in UTC, %s among them, at most %i', (span, label, max) => {
    const start = Date.parse('2026-11-23T09:10:00.000Z');
    const scale = timeScale(start, start + span, 0, 100);
    expect(scale.ticks.length).toBeLessThanOrEqual(max + 1);
    expect(scale.ticks.map((tick) => tick.label)).toContain(label);
    for (const tick of scale.ticks) expect(scale.x(tick.at)).toBeGreaterThanOrEqual(0);
  });

  it('ends a latency axis on a round figure above the highest point', () => {
    const scale = linearScale(873, 200, 0);
    expect(scale.max).toBe(1000);
    expect(scale.ticks.map((tick) => tick.label)).toEqual(['0', '200', '400', '600', '800', '1000']);
    expect(scale.x(0)).toBe(200);
    expect(scale.x(1000)).toBe(0);
  });
});
