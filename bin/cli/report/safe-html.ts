// HTML built so that text cannot become markup: every value put into an `html` template is escaped unless it is itself
// SafeHtml, which only this module makes (from templates, and from constants the report ships). Records hold text a
// service chose (body excerpts, versions, output), so the report is XSS-safe by construction, not by care at each use.
// Templates quote every attribute; values never go into URLs, `style` or event attributes.

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Held by this module alone, so no other code can make SafeHtml out of a string. */
const MINT = Symbol('safe-html');

/** Markup that is safe to emit as it is. */
export class SafeHtml {
  readonly #markup: string;

  public constructor(mint: typeof MINT, markup: string) {
    if (mint !== MINT) throw new TypeError('SafeHtml is made by html`...` only');
    this.#markup = markup;
  }

  public toString(): string {
    return this.#markup;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

/** Text as HTML text or a quoted attribute value: `& < > " '` escaped, and characters no page should hold dropped. */
export function escapeHtml(text: string): string {
  return (
    text
      // C0 controls other than tab, newline and carriage return, DEL, and lone surrogates: not text a page can show.
      .replace(
        /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
        '\ufffd',
      )
      .replace(/[&<>"']/g, (character) => ESCAPES[character]!)
  );
}

/** A template whose every interpolation is escaped (arrays are joined, null and undefined are nothing). */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let markup = strings[0]!;
  values.forEach((value, index) => {
    markup += render(value) + strings[index + 1]!;
  });
  return new SafeHtml(MINT, markup);
}

/** A constant the report ships (its stylesheet, its script): never anything read from a record. */
export function trustedConstant(markup: string): SafeHtml {
  return new SafeHtml(MINT, markup);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}
