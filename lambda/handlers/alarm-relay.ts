// The alarm relay's Lambda entry point: EventBridge sends it a state change of one of Rollgate's alarms (a service or
// monitor down, lib/alarm-relay.ts) with the attributes the stack gave that alarm; it publishes the AlarmStateChanged
// alert to the alert topic with the same message attributes as every alert, which an alarm's own SNS action cannot.
// A failed publish throws, so EventBridge retries it and then keeps the event in the relay's dead-letter queue.

import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { SnsNotifier } from '../adapters/aws/sns-notifier.ts';
import { parseAlarmRelayInput } from '../core/config/alarm-relay-input-schema.ts';
import { parseWithSchema, stringMatching } from '../core/config/config-schema.ts';
import type { Registry } from '../core/config/registry.ts';
import { ENV, TOPIC_ARN_PATTERN } from '../core/config/stack-contract.ts';
import { ConfigError } from '../core/errors.ts';
import { alarmStateAlert, type AlarmNotRelayed } from '../core/plan/alarm-state-alert.ts';
import { createAwsClients } from './aws-clients.ts';
import { GateTelemetry } from './gate-telemetry.ts';
import { readRegistry } from './read-registry.ts';

export type AlarmRelayResponse =
  | { readonly relayed: true; readonly alert_type: string; readonly severity: string; readonly status: string }
  | { readonly relayed: false; readonly reason: AlarmNotRelayed };

// At cold start, so a function deployed without its topic or registry fails its first invocation naming it.
const { [ENV.alertTopicArn]: topicArn } = parseWithSchema(
  z.object({ [ENV.alertTopicArn]: stringMatching(TOPIC_ARN_PATTERN, 'must be an SNS topic ARN') }),
  { [ENV.alertTopicArn]: process.env[ENV.alertTopicArn] },
  {},
  'environment',
);
const registry = readRegistry(process.env);
const clients = createAwsClients();
const telemetry = new GateTelemetry(process.env, registry);

export async function handler(event: unknown, context?: Context): Promise<AlarmRelayResponse> {
  return telemetry.observe(context, async () => {
    const input = parseAlarmRelayInput(event);
    checkRegistered(input.notify, registry);
    const alert = alarmStateAlert(input);
    const alarm = input.alarm.alarmName;
    if (typeof alert === 'string') {
      telemetry.logger.info('alarm change not relayed', { alarm, state: input.alarm.state.value, reason: alert });
      return { relayed: false, reason: alert };
    }
    const notifier = new SnsNotifier({ client: await clients.sns(), topicArn });
    await notifier.notify(alert);
    telemetry.logger.info('alarm change relayed', { alarm, ...alert.attributes });
    const { alert_type, severity, status } = alert.attributes;
    return { relayed: true, alert_type, severity, status };
  });
}

/**
 * The names an alarm is relayed under come from the registry this function was deployed with, as the stack wrote
 * them into the rule; an input naming anything else was not sent by that rule.
 */
function checkRegistered(notify: { service: string; environment: string; monitor?: string }, known: Registry): void {
  if (notify.monitor !== undefined) {
    if (!known.monitors.some((monitor) => monitor.name === notify.monitor)) {
      throw new ConfigError('input.notify.monitor', notify.monitor, 'is not a monitor of the registry');
    }
    return;
  }
  const watched = [...known.services, ...known.monitors].some(
    (entry) => entry.service === notify.service && entry.environment === notify.environment,
  );
  if (!watched) {
    throw new ConfigError(
      'input.notify.service',
      notify.service,
      `and environment ${JSON.stringify(notify.environment)} name no service of the registry`,
    );
  }
}
