// `rollgate evidence verify` as text and as JSON: intact or BROKEN, the first bad record, every problem in chain order,
// how far the walk went, and notes (records outside the chain that say why, versions a bucket keeps). URIs come from
// stored records, so every line is made printable first.

import type { ChainProblem, ChainVerification } from '../../../lambda/core/evidence/verify-evidence-chain.ts';
import { printableLine } from './evidence-view-text.ts';

const KIND_WORDS: { readonly [K in ChainProblem['kind']]: string } = {
  head_past_newest: 'head past newest',
  head_missing: 'head missing',
  missing: 'missing',
  edited: 'edited',
  out_of_order: 'out of order',
  not_in_chain: 'not in chain',
};
/** Unlinked records named one by one, at most. */
const NAMED_AT_MOST = 5;

export interface VerifyPlaces {
  /** Where the records were read: `s3://bucket` or a directory. */
  readonly records: string;
  /** Where the head was read: `table T` or a directory. */
  readonly state: string;
  readonly since?: Date;
}

export function renderVerification(result: ChainVerification, places: VerifyPlaces): string {
  const out: string[] = [];
  const head = result.head;
  if (head === undefined && result.problems.length === 0) {
    out.push(`Chain ${result.chain}: nothing to verify`);
    out.push(`  no head in ${places.state} and no chained record in ${places.records}`);
    out.push('  (runs without a state store keep no chain; check the names, --table or --state-dir)');
    return lines(out);
  }
  out.push(
    result.intact
      ? `Chain ${result.chain}: intact`
      : `Chain ${result.chain}: BROKEN, ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}`,
  );
  const first = result.problems[0];
  if (first !== undefined) out.push(`  first bad record: ${placeOf(first)} ${first.uri}: ${KIND_WORDS[first.kind]}`);
  for (const problem of result.problems) {
    out.push(`  ${placeOf(problem).padEnd(12)} ${KIND_WORDS[problem.kind].padEnd(16)} ${problem.uri}`);
    out.push(`  ${''.padEnd(12)} ${''.padEnd(16)} ${problem.detail}`);
  }
  if (head !== undefined) {
    const reach =
      result.oldestSequence === undefined
        ? 'no record reached'
        : `${result.checked} record${result.checked === 1 ? '' : 's'} reached, from sequence ${head.sequence} (the head) back to ${result.oldestSequence}`;
    out.push(`  ${reach}${result.intact ? ', each hashing to what the record after it says' : ''}`);
    out.push(`  head: sequence ${head.sequence}, ${head.lastUri} (in ${places.state})`);
  }
  for (const { sequence, uri } of result.unvouched) {
    out.push(`  note: sequence ${sequence} (${uri}) could not be checked: the record after it is missing`);
  }
  if (result.stoppedAtSince && places.since !== undefined) {
    out.push(`  note: walked back to --since ${places.since.toISOString()}; older records were not checked`);
  }
  const { beforeChain, withFault } = result.unlinked;
  if (beforeChain > 0) {
    out.push(
      `  note: ${beforeChain} record${beforeChain === 1 ? '' : 's'} written before the chain began, not part of it`,
    );
  }
  if (withFault.length > 0) {
    out.push(
      `  note: ${withFault.length} record${withFault.length === 1 ? ' is' : 's are'} not linked; the chain could not be advanced when written, as ${withFault.length === 1 ? 'its fault says' : 'their faults say'}:`,
    );
    for (const uri of withFault.slice(0, NAMED_AT_MOST)) out.push(`    ${uri}`);
    if (withFault.length > NAMED_AT_MOST) out.push(`    ... and ${withFault.length - NAMED_AT_MOST} more`);
  }
  for (const { uri, count } of result.versions) {
    out.push(`  note: ${uri} has ${count} stored versions; verify read the current one, the bucket keeps the others`);
  }
  if (result.versionsUnchecked !== undefined) out.push(`  note: versions not checked: ${result.versionsUnchecked}`);
  return lines(out);
}

/** The result for scripts: the same facts, with the first bad record named apart. */
export function verificationJson(result: ChainVerification): string {
  return `${JSON.stringify(
    {
      chain: result.chain,
      intact: result.intact,
      head: result.head ?? null,
      checked: result.checked,
      unvouched: result.unvouched,
      oldest_sequence: result.oldestSequence ?? null,
      stopped_at_since: result.stoppedAtSince,
      first_bad: result.problems[0] ?? null,
      problems: result.problems,
      unlinked: { before_chain: result.unlinked.beforeChain, with_fault: result.unlinked.withFault },
      versions: result.versions,
      ...(result.versionsUnchecked !== undefined ? { versions_unchecked: result.versionsUnchecked } : {}),
    },
    null,
    2,
  )}\n`;
}

function placeOf(problem: ChainProblem): string {
  return problem.sequence === undefined ? 'no place' : `sequence ${problem.sequence}`;
}

function lines(out: readonly string[]): string {
  return `${out.map(printableLine).join('\n')}\n`;
}
