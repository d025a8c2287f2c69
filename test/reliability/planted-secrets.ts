// Planted secrets for the leak suite: distinct, recognisable values (`rgplant` and random hex, no word the redactor
// keys on, so only a real scrub can hide them), and a search that finds one in any captured text however it was
// written there: raw, percent-encoded, in any case, cut short, or base64-encoded (alone, inside a longer base64 run, or as the
// `user:password` of a Basic header).

import { randomBytes } from 'node:crypto';

export interface PlantedSecret {
  /** Where it was planted, for a leak's report: `URL password (CLI)`. */
  readonly label: string;
  readonly value: string;
  /** The URL user name that goes with a password, for the Basic credentials the probe derives from them. */
  readonly user?: string;
}

/** A fresh secret; `suffix` adds characters a URL must percent-encode (`/`, `+`). */
export function plantSecret(label: string, options: { suffix?: string; user?: string } = {}): PlantedSecret {
  return {
    label,
    value: `rgplant${randomBytes(12).toString('hex')}${options.suffix ?? ''}`,
    ...(options.user !== undefined ? { user: options.user } : {}),
  };
}

/** One planted secret found in a place. */
export interface Leak {
  readonly label: string;
  /** Which form of it was found: raw, core, url-encoded, base64... */
  readonly form: string;
  /** The text around it, with the secret's form masked, so the report shows where without repeating it. */
  readonly context: string;
}

interface SearchForm {
  readonly form: string;
  readonly text: string;
  readonly caseless: boolean;
}

/** Finds every planted secret in `text`, one leak per secret (its first form found). */
export function findLeaks(text: string, secrets: readonly PlantedSecret[]): Leak[] {
  const lower = text.toLowerCase();
  const leaks: Leak[] = [];
  for (const secret of secrets) {
    for (const form of searchFormsOf(secret)) {
      const at = form.caseless ? lower.indexOf(form.text.toLowerCase()) : text.indexOf(form.text);
      if (at < 0) continue;
      const before = masked(text.slice(Math.max(0, at - 60), at), secrets);
      const after = masked(text.slice(at + form.text.length, at + form.text.length + 60), secrets);
      leaks.push({ label: secret.label, form: form.form, context: `${before}<${secret.label}>${after}` });
      break;
    }
  }
  return leaks;
}

/** `text` with every planted secret's random part replaced by its label, so a report never repeats one. */
function masked(text: string, secrets: readonly PlantedSecret[]): string {
  return secrets.reduce((result, secret) => result.replaceAll(coreOf(secret), `<${secret.label}>`), text);
}

function coreOf(secret: PlantedSecret): string {
  return /^rgplant[0-9a-f]+/.exec(secret.value)?.[0] ?? secret.value;
}

function searchFormsOf(secret: PlantedSecret): SearchForm[] {
  // The random part alone also finds a value cut short, or re-encoded around its special characters.
  const core = coreOf(secret);
  const forms: SearchForm[] = [
    { form: 'raw', text: secret.value, caseless: false },
    { form: 'url-encoded', text: encodeURIComponent(secret.value), caseless: true },
    { form: 'core', text: core, caseless: true },
    // A value cut short at either end (an excerpt, an output tail) still leaks: its first or last dozen characters.
    { form: 'start of it', text: core.slice(0, 'rgplant'.length + 12), caseless: true },
    { form: 'end of it', text: core.slice(-12), caseless: true },
  ];
  const base64Forms = base64RunsOf(secret.value).map((text) => ({ form: 'base64', text }));
  if (secret.user !== undefined) {
    const basic = Buffer.from(`${secret.user}:${secret.value}`).toString('base64').replace(/=+$/, '');
    base64Forms.push({ form: 'base64 of user:password', text: basic });
  }
  for (const each of base64Forms) {
    forms.push({ ...each, caseless: false });
    forms.push({ form: `${each.form}, url-encoded`, text: encodeURIComponent(each.text), caseless: false });
  }
  return forms;
}

/**
 * What any base64 text holding `value` must contain: for each of the three alignments `value` can start at, the
 * characters that depend on `value` alone.
 */
function base64RunsOf(value: string): string[] {
  const bytes = Buffer.from(value);
  return [0, 1, 2].map((offset) => {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    // Characters touching the padding bytes before, or the unknown bytes after, are left out.
    const start = offset === 0 ? 0 : offset === 1 ? 2 : 3;
    const usable = Math.floor((offset + bytes.length) / 3) * 4;
    return encoded.slice(start, usable);
  });
}

/** A failure message naming each leak: the place's name is the test's. */
export function describeLeaks(leaks: readonly Leak[]): string {
  return leaks.map((leak) => `${leak.label} (${leak.form}): ...${leak.context}...`).join('\n');
}
