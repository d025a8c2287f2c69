// What EventBridge delivers to a target whose rule has an InputTransformer, for the tests that check a rule and its
// target together: each InputPathsMap path ($.a.b, $.list) read from the event, and each <name> of the template
// replaced by that value as JSON (the template CDK writes for RuleTargetInput.fromObject leaves them unquoted).

export interface InputTransformer {
  readonly InputPathsMap: Readonly<Record<string, string>>;
  readonly InputTemplate: string;
}

/** The target's input for `event`. Throws when a path is not a simple `$.a.b` path or the result is not JSON. */
export function applyInputTransformer(transformer: InputTransformer, event: unknown): unknown {
  let text = transformer.InputTemplate;
  for (const [name, path] of Object.entries(transformer.InputPathsMap)) {
    if (!/^\$(\.[A-Za-z0-9_-]+)*$/.test(path)) throw new Error(`unsupported input path ${path}`);
    const value = path
      .split('.')
      .slice(1)
      .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], event);
    text = text.split(`<${name}>`).join(JSON.stringify(value ?? null));
  }
  return JSON.parse(text) as unknown;
}

/** A CloudWatch `Alarm State Change` event as EventBridge receives it, for the alarm `alarmName` at `alarmArn`. */
export function alarmStateChangeEvent(
  alarmArn: string,
  alarmName: string,
  change: { readonly from: string; readonly to: string },
): Record<string, unknown> {
  return {
    version: '0',
    id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '123456789012',
    time: '2026-11-23T14:35:10Z',
    region: 'us-east-1',
    resources: [alarmArn],
    detail: {
      alarmName,
      state: {
        value: change.to,
        reason:
          'Threshold Crossed: 1 out of the last 1 datapoints [1.0 (23/11/26 14:34:00)] was greater than or equal to the threshold (1.0).',
        reasonData: '{"version":"1.0","queryDate":"2026-11-23T14:35:10.123+0000"}',
        timestamp: '2026-11-23T14:35:10.123+0000',
      },
      previousState: {
        value: change.from,
        reason: 'Threshold Crossed: no datapoints were received for 1 period.',
        timestamp: '2026-11-23T14:20:10.123+0000',
      },
      configuration: {
        description: 'Rollgate: checkout/prod is down',
        metrics: [
          {
            id: 'a1',
            metricStat: {
              metric: {
                namespace: 'Rollgate',
                name: 'MonitorState',
                dimensions: { service: 'checkout', environment: 'prod' },
              },
              period: 60,
              stat: 'Maximum',
            },
            returnData: true,
          },
        ],
      },
    },
  };
}
