// The deploy gate's leak scenario (lambda-leak-run.ts): deploy events for registered services that probe a service
// echoing every credential back and fail (evidence, alerts, an SSM rollback); that add their own URL with a password
// and a token; that carry a header value the schema rejects, or a rejected ftp: URL; for services whose headers
// reference the function's own credentials, or whose SSM secret read fails with an error quoting the session token;
// and a registry whose header value is rejected at cold start.

import { deployEvent } from '../lambda/handlers/handler-harness.ts';
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
import { expectRun, type LeakScenario } from './leak-scenario.ts';

export const DEPLOY_GATE_SECRETS = plantLambdaSecrets('deploy gate');

function cases({ origin, service, parameter, unreadableParameter }: LambdaLeakWorld): LambdaCase[] {
  const s = DEPLOY_GATE_SECRETS;
  const echoing = registration(service, echoedTargets(s, origin, parameter), { eventTargets: 'allow' });
  const other = (targets: unknown[]) => {
    const name = uniqueName('svc');
    return { registry: { services: [echoing, registration(name, targets)] }, event: deployEvent(name) };
  };
  const eventUrl = `http://ops:${encodeURIComponent(s.eventUrlPassword.value)}@${new URL(origin).host}/echo?token=${s.eventUrlToken.value}`;
  return [
    { registry: { services: [echoing] }, event: deployEvent(service) },
    { registry: { services: [echoing] }, event: deployEvent(service, { urls: [eventUrl] }) },
    { registry: { services: [echoing] }, event: deployEvent(service, { targets: [rejectedHeaderTarget(s, origin)] }) },
    { registry: { services: [echoing] }, event: deployEvent(service, { urls: [rejectedFtpUrl(s)] }) },
    other([echoTarget(origin, { 'x-api-key': { env: 'AWS_SECRET_ACCESS_KEY' } })]),
    other([echoTarget(origin, { authorization: 'Bearer ${AWS_SESSION_TOKEN}' })]),
    other([echoTarget(origin, { 'x-api-key': { ssm: unreadableParameter } })]),
    { registry: { services: [registration(service, [rejectedHeaderTarget(s, origin)])] }, event: deployEvent(service) },
  ];
}

export const deployGateScenario: LeakScenario = {
  name: 'the deploy gate Lambda',
  places: lambdaPlacesOf({ readsIdempotencyTable: true }),
  capture: () =>
    runLambdaLeakScenario({
      handlerModule: '../../../lambda/handlers/deploy-event.ts',
      secrets: DEPLOY_GATE_SECRETS,
      cases,
      readsIdempotencyTable: true,
      check: ({ rollbacksSent }) =>
        expectRun(rollbacksSent >= 1, 'the deploy of the echoing service should roll back', rollbacksSent),
    }),
};
