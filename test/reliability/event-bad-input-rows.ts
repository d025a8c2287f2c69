// Bad deploy events, monitor inputs and stack config files: what reaches the Lambdas and the CDK app.

import { parseDeployEvent } from '../../lambda/core/config/deploy-event-schema.ts';
import { parseMonitorInput } from '../../lambda/core/config/monitor-schema.ts';
import { parseRegistry } from '../../lambda/core/config/registry.ts';
import { parseRollgateConfig } from '../../lib/rollgate-config.ts';
import { type BadInputRow, PROBE_URL, PROTOTYPE, SECRET, WITHHELD } from './bad-input-row.ts';

const url = PROBE_URL;
const DETAIL = { service: 'checkout', environment: 'prod', version: '1.4.2', urls: ['https://a.example/health'] };
const ENVELOPE = { id: 'e-1', 'detail-type': 'Deployment Completed', source: 'ci', detail: DETAIL };
const MONITOR = { monitor: 'homepage', urls: ['https://www.example.com/health'] };
// checkout/prod takes targets from its events, so an event's own URLs get as far as the schema's checks of them.
const REGISTRY = parseRegistry({ services: [{ service: 'checkout', environment: 'prod', eventTargets: 'allow' }] });
const deploy = (raw: unknown) => () => parseDeployEvent(raw, { invocationId: 'inv-1', registry: REGISTRY });
const monitor = (raw: unknown) => () => parseMonitorInput(raw, REGISTRY);
const json = (text: string) => JSON.parse(text) as unknown;

export const EVENT_ROWS: readonly BadInputRow[] = [
  {
    name: 'an event detail with __proto__',
    run: deploy(
      json(
        `{"detail":{"service":"checkout","__proto__":{"urls":["http://evil.example/"]}},"id":"e-1","detail-type":"d","source":"s"}`,
      ),
    ),
    field: 'event.detail.__proto__',
    shows: PROTOTYPE,
  },
  {
    name: 'an envelope with a constructor key',
    run: deploy({ ...ENVELOPE, constructor: 1 }),
    field: 'event.constructor',
    shows: PROTOTYPE,
  },
  {
    name: 'an event that is a string',
    run: deploy('{"service":"checkout"}'),
    field: 'event',
    shows: 'must be an object',
  },
  { name: 'an event that is null', run: deploy(null), field: 'event', shows: 'must be an object (got null)' },
  {
    name: 'a timeout given as a string',
    run: deploy({ ...ENVELOPE, detail: { ...DETAIL, timeoutMs: '5000' } }),
    field: 'detail.timeoutMs',
    shows: '(got "5000")',
  },
  {
    name: 'a retry count of NaN',
    run: deploy({ ...DETAIL, retries: Number.NaN }),
    field: 'retries',
    shows: 'must be a finite number, not NaN',
  },
  {
    name: 'a header value with a line break in an event',
    run: deploy({ ...DETAIL, urls: undefined, targets: [{ url, headers: { Authorization: `${SECRET}\n` } }] }),
    field: 'targets[0].headers.Authorization',
    shows: WITHHELD,
    hides: SECRET,
  },
  {
    name: 'an event URL with a password and a bad scheme',
    run: deploy({ ...DETAIL, urls: [`ftp://ops:${SECRET}@f.example/`] }),
    field: 'urls[0]',
    shows: 'ftp://***:***@f.example/',
    hides: SECRET,
  },
  {
    name: 'an empty rollback tag set',
    run: deploy({ ...DETAIL, rollback: { tags: {} } }),
    field: 'rollback.tags',
    shows: 'must hold 1-10 tags',
  },
  {
    name: 'a service name with a slash',
    run: deploy({ ...DETAIL, service: '../etc' }),
    field: 'service',
    shows: '(got "../etc")',
  },
];

export const MONITOR_ROWS: readonly BadInputRow[] = [
  {
    name: 'a monitor input with __proto__',
    run: monitor(json('{"monitor":"homepage","urls":["https://a.example/"],"__proto__":{"rollbackOnFailure":true}}')),
    field: 'monitor input.__proto__',
    shows: PROTOTYPE,
  },
  {
    name: 'a monitor input that is an array',
    run: monitor([MONITOR]),
    field: 'monitor input',
    shows: 'must be an object',
  },
  {
    name: 'rollbackOnFailure as a string',
    run: monitor({ ...MONITOR, rollbackOnFailure: 'true' }),
    field: 'rollbackOnFailure',
    shows: 'must be true or false (got "true")',
  },
  {
    name: 'monitor headers given as an array',
    run: monitor({ monitor: 'homepage', targets: [{ url, headers: [SECRET] }] }),
    field: 'targets[0].headers',
    shows: WITHHELD,
    hides: SECRET,
  },
  {
    name: 'a monitor name of 65 characters',
    run: monitor({ ...MONITOR, monitor: 'm'.repeat(65) }),
    field: 'monitor',
    shows: 'must be 1-64 letters',
  },
];

export const STACK_CONFIG_ROWS: readonly BadInputRow[] = [
  {
    name: 'a __proto__ in the stack config file',
    run: () => parseRollgateConfig(json('{"monitors":[{"name":"home","__proto__":{"rollbackOnFailure":true}}]}')),
    field: 'monitors[0].__proto__',
    shows: PROTOTYPE,
  },
];
