// The lock that lets one run at a time roll a service back: the deploy gate, a monitor and the workflow may all decide
// to, and two rollbacks racing on the same hosts would leave them in neither version.

import * as z from 'zod/mini';
import { EVENT_ID_PATTERN } from '../config/name-patterns.ts';
import { stringMatching } from '../config/config-schema.ts';
import { isBefore, timestampSchema } from './state-field-schemas.ts';

export const rollbackLockSchema = z
  .strictObject({
    /** The run that holds it: an EventBridge event id or a Lambda request id. */
    owner: stringMatching(EVENT_ID_PATTERN, 'must be 1-128 letters, digits, dots, dashes or underscores'),
    acquiredAt: timestampSchema,
    /** After this the lock is free to take over: a run that died must not block rollbacks for ever. */
    expiresAt: timestampSchema,
  })
  .check(
    z.superRefine((lock, ctx) => {
      if (!isBefore(lock.acquiredAt, lock.expiresAt)) {
        ctx.addIssue({
          code: 'custom',
          path: ['expiresAt'],
          message: 'must be after acquiredAt',
          input: lock.expiresAt,
        });
      }
    }),
  );

export type RollbackLock = z.infer<typeof rollbackLockSchema>;
