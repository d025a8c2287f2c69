// The GitOps promotion artifact `component-tags.json`, `{"api": {"tag": "1.7.3", "sha": "abc1234", "digest":
// "sha256:..."}, ...}`: one entry per component of a release, each judged by `rollgate deploy --components` as a deploy
// of the service of that name. Validated whole; an error names the component and the field.

import * as z from 'zod/mini';
import { parseWithSchema, versionSchema } from '../../../lambda/core/config/config-schema.ts';
import { commitSchema, digestSchema } from '../../../lambda/core/config/deploy-event-schema.ts';
import { nameSchema } from '../../../lambda/core/config/probe-request-schema.ts';
import { ConfigError } from '../../../lambda/core/errors.ts';

/** A release this large is a mistake, and each component starts an execution. */
const MAX_COMPONENTS = 100;

// Promotion tooling adds fields of its own (image, chart...): kept out of the deploy, not refused.
const componentSchema = z.looseObject({
  tag: versionSchema,
  sha: z.optional(commitSchema),
  digest: z.optional(digestSchema),
});

export interface ComponentTag {
  readonly name: string;
  readonly tag: string;
  readonly sha?: string;
  readonly digest?: string;
}

/** Throws ConfigError (or ConfigErrors) naming `components.<name>.<field>`. */
export function parseComponentTags(raw: unknown): ComponentTag[] {
  const parsed = parseWithSchema(z.record(nameSchema, componentSchema), raw, {}, 'components');
  const entries = Object.entries(parsed);
  if (entries.length === 0) throw new ConfigError('components', raw, 'lists no component');
  if (entries.length > MAX_COMPONENTS) {
    throw new ConfigError('components', entries.length, `lists more than ${MAX_COMPONENTS} components`);
  }
  return entries.map(([name, component]) => ({
    name,
    tag: component.tag,
    ...(component.sha !== undefined ? { sha: component.sha } : {}),
    ...(component.digest !== undefined ? { digest: component.digest } : {}),
  }));
}
