// The scheduled check's leak scenario (lambda-leak-run.ts): a registered monitor on a service echoing every
// credential back, which fails (and rolls back when the planner has a version to go to); a whole monitor as the
// schedule's input (the shape rules deployed before the registry send) with a URL password and a token of its own,
// then with a header value the schema rejects and with a rejected ftp: URL; monitors on services whose headers
// reference the function's own credentials or whose SSM secret read fails quoting the session token; and a registry
// whose header value is rejected at cold start.
import { uniqueName } from '../support/aws-fixtures.ts';
import { type LambdaCase, type LambdaLeakWorld, lambdaPlacesOf, runLambdaLeakScenario } from './lambda-leak-run.ts';
import {
  echoedTargets,
  echoTarget,
  plantLambdaSecrets,
  registration,
  rejectedFtpUrl,
  rejectedHeaderTarget,
} from './lambda-leak-secrets.ts';
import type { LeakScenario } from './leak-scenario.ts';

export const SCHEDULED_CHECK_SECRETS = plantLambdaSecrets('scheduled check');

function cases({ origin, service, parameter, unreadableParameter }: LambdaLeakWorld): LambdaCase[] {
  const s = SCHEDULED_CHECK_SECRETS;
  const echoing = registration(service, echoedTargets(s, origin, parameter));
  const monitorOn = (name: string, rollbackOnFailure = false) => ({
    name: uniqueName('mon'),
    service: name,
    environment: 'prod',
    rollbackOnFailure,
  });
  const onOther = (targets: unknown[]): LambdaCase => {
    const monitor = monitorOn(uniqueName('svc'));
    return {
      registry: { services: [registration(monitor.service, targets)], monitors: [monitor] },
      event: { monitor: monitor.name },
    };
  };
  const registered = monitorOn(service, true);
  const legacy = (probe: Record<string, unknown>): LambdaCase => ({
    registry: { services: [echoing] },
    event: { monitor: uniqueName('mon'), retries: 0, timeoutMs: 2_000, ...probe },
  });
  const ownUrl = `http://ops:${encodeURIComponent(s.eventUrlPassword.value)}@${new URL(origin).host}/echo?token=${s.eventUrlToken.value}`;
  return [
    { registry: { services: [echoing], monitors: [registered] }, event: { monitor: registered.name } },
    legacy({ targets: [{ url: ownUrl, allowPrivate: true }] }),
    legacy({ targets: [rejectedHeaderTarget(s, origin)] }),
    legacy({ urls: [rejectedFtpUrl(s)] }),
    onOther([echoTarget(origin, { 'x-api-key': { env: 'AWS_SECRET_ACCESS_KEY' } })]),
    onOther([echoTarget(origin, { authorization: 'Bearer ${AWS_SESSION_TOKEN}' })]),
    onOther([echoTarget(origin, { 'x-api-key': { ssm: unreadableParameter } })]),
    onOther([rejectedHeaderTarget(s, origin)]),
  ];
}

export const scheduledCheckScenario: LeakScenario = {
  name: 'the scheduled check Lambda',
  places: lambdaPlacesOf({}),
  capture: () =>
    runLambdaLeakScenario({
      handlerModule: '../../../lambda/handlers/scheduled-check.ts',
      secrets: SCHEDULED_CHECK_SECRETS,
      // Whether the registered monitor's rollback is sent is the planner's call (it needs a known-good version);
      // the SendCommand requests are searched either way.
      cases,
    }),
};
