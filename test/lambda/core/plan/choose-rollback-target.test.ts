// The rollback target, row by row: the newest known-good version other than the failed one, the event's hint only
// while there is no record, and none at all rather than an empty one.
import { describe, expect, it } from 'vitest';
import { chooseRollbackTarget, type RollbackTargetInput } from '../../../../lambda/core/plan/choose-rollback-target.ts';
import { known } from './plan-fixtures.ts';

describe('chooseRollbackTarget', () => {
  it.each<{ name: string; input: RollbackTargetInput; target: string | undefined; source?: string; notes: number }>([
    {
      name: 'the newest known-good',
      input: { failedVersion: '1.4.2', knownGood: [known('1.4.1', 1), known('1.4.0', 2)] },
      target: '1.4.1',
      source: 'known_good',
      notes: 0,
    },
    {
      name: 'past the failed version itself',
      input: { failedVersion: '1.4.2', knownGood: [known('1.4.2', 1), known('1.4.1', 2)] },
      target: '1.4.1',
      source: 'known_good',
      notes: 0,
    },
    {
      name: 'the failed version with a v',
      input: { failedVersion: 'v1.4.2', knownGood: [known('1.4.2', 1), known('1.4.1', 2)] },
      target: '1.4.1',
      source: 'known_good',
      notes: 0,
    },
    {
      name: 'the record over a hint that agrees',
      input: { failedVersion: '1.4.2', hint: 'v1.4.1', knownGood: [known('1.4.1', 1)] },
      target: '1.4.1',
      source: 'known_good',
      notes: 0,
    },
    {
      name: 'the record over a hint that disagrees, noted',
      input: { failedVersion: '1.4.2', hint: '1.3.0', knownGood: [known('1.4.1', 1)] },
      target: '1.4.1',
      source: 'known_good',
      notes: 1,
    },
    {
      name: 'the hint without a record, noted',
      input: { failedVersion: '1.4.2', hint: '1.4.1', knownGood: [] },
      target: '1.4.1',
      source: 'previous_version_unverified',
      notes: 1,
    },
    {
      name: 'the hint when only the failed version was known-good',
      input: { failedVersion: '1.4.2', hint: '1.4.1', knownGood: [known('1.4.2', 1)] },
      target: '1.4.1',
      source: 'previous_version_unverified',
      notes: 1,
    },
    { name: 'nothing with neither', input: { failedVersion: '1.4.2', knownGood: [] }, target: undefined, notes: 0 },
    {
      name: 'nothing when the hint is the failed version',
      input: { failedVersion: '1.4.2', hint: '1.4.2', knownGood: [] },
      target: undefined,
      notes: 0,
    },
    {
      name: 'the newest known-good when the failed version is unknown',
      input: { knownGood: [known('1.4.1', 1)] },
      target: '1.4.1',
      source: 'known_good',
      notes: 0,
    },
  ])('chooses $target for $name', ({ input, target, source, notes }) => {
    const choice = chooseRollbackTarget(input);
    expect(choice.target?.version).toBe(target);
    expect(choice.target?.source).toBe(source);
    expect(choice.notes).toHaveLength(notes);
  });
});
