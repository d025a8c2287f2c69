// How long a deploy workflow execution may run before Step Functions stops it: the longest a registered service's
// deploy can legitimately take (its window, the approval, the rollback wait and the verification), plus room for the
// steps themselves. An execution past it is stuck, not slow, and its timeout is alarmed.
import { Duration } from 'aws-cdk-lib';
import { DEFAULT_APPROVAL_TIMEOUT_MINUTES, type ServiceConfig } from '../lambda/core/config/service-schema.ts';
import { DEFAULT_VERIFY_SECONDS, DEFAULT_WINDOW_SECONDS } from '../lambda/core/window/window-policy.ts';
import { DEPLOY_GATE_TIMEOUT } from './rollgate-props.ts';

/** The steps' own time (each probe round, the sends and polls, the records), beyond the waits the policy sets. */
const STEPS_MARGIN = Duration.hours(1);

export function deployWorkflowTimeout(services: readonly ServiceConfig[], rollbackWait: Duration): Duration {
  const longest = Math.max(
    0,
    ...services.map((service) => {
      const window = service.window?.windowSeconds ?? DEFAULT_WINDOW_SECONDS;
      const verify = service.window?.verifySeconds ?? DEFAULT_VERIFY_SECONDS;
      const approval =
        service.rollback.mode === 'approve'
          ? (service.rollback.approvalTimeoutMinutes ?? DEFAULT_APPROVAL_TIMEOUT_MINUTES) * 60
          : 0;
      const wait = service.rollback.waitSeconds ?? rollbackWait.toSeconds();
      // The last round may start just before the window ends and take a whole step.
      return window + approval + wait + verify + 2 * DEPLOY_GATE_TIMEOUT.toSeconds();
    }),
  );
  return Duration.seconds(longest + STEPS_MARGIN.toSeconds());
}
