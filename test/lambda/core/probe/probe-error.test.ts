import { describe, expect, it } from 'vitest';
import { AddressRefusedError, classifyProbeError } from '../../../../lambda/core/probe/probe-error.ts';

/** An error that wraps another as its cause, as a library wrapping a system error does. */
function wrapped(cause: unknown): Error {
  return new Error('request failed', { cause });
}

function systemError(code: string, message = `${code} happened`): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyProbeError', () => {
  it.each([
    {
      name: 'an aborted request',
      error: new DOMException('This operation was aborted', 'AbortError'),
      kind: 'timeout',
    },
    {
      name: 'an address guard refusal',
      error: new AddressRefusedError('169.254.169.254 is a cloud metadata address; never probed'),
      kind: 'address_refused',
    },
    { name: 'a refused connection', error: systemError('ECONNREFUSED'), kind: 'connection_refused' },
    { name: 'running out of file descriptors here', error: systemError('EMFILE'), kind: 'local_resources_exhausted' },
    { name: 'an unknown host', error: systemError('ENOTFOUND'), kind: 'dns' },
    { name: 'a name without addresses', error: systemError('EAI_NODATA'), kind: 'dns' },
    {
      name: 'a resolver that timed out or failed (SERVFAIL)',
      error: systemError('EAI_AGAIN'),
      kind: 'dns_unavailable',
    },
    { name: 'a resolver that refused or broke (EAI_FAIL)', error: systemError('EAI_FAIL'), kind: 'dns_unavailable' },
    { name: "c-ares' SERVFAIL", error: systemError('ESERVFAIL'), kind: 'dns_unavailable' },
    { name: 'the resolver out of memory here', error: systemError('EAI_MEMORY'), kind: 'local_resources_exhausted' },
    { name: 'a reset', error: systemError('ECONNRESET'), kind: 'reset' },
    { name: 'a connect timeout', error: systemError('ETIMEDOUT'), kind: 'timeout' },
    { name: 'a self-signed certificate', error: systemError('DEPTH_ZERO_SELF_SIGNED_CERT'), kind: 'tls' },
    { name: 'an expired certificate', error: systemError('CERT_HAS_EXPIRED'), kind: 'tls' },
    { name: 'a host mismatch', error: systemError('ERR_TLS_CERT_ALTNAME_INVALID'), kind: 'tls' },
    { name: 'an unreachable network', error: systemError('ENETUNREACH'), kind: 'unreachable' },
    { name: 'a malformed response', error: systemError('HPE_INVALID_CONSTANT'), kind: 'invalid_response' },
    { name: 'headers over the limit', error: systemError('HPE_HEADER_OVERFLOW'), kind: 'invalid_response' },
    { name: 'a gzip body that does not decode', error: systemError('Z_DATA_ERROR'), kind: 'invalid_response' },
    {
      name: 'a brotli body that does not decode',
      error: systemError('ERR__ERROR_FORMAT_PADDING_1'),
      kind: 'invalid_response',
    },
    { name: 'a cause nested twice', error: wrapped(wrapped(systemError('ECONNREFUSED'))), kind: 'connection_refused' },
    { name: '"socket hang up"', error: new Error('socket hang up'), kind: 'reset' },
    { name: 'something unknown', error: wrapped(new RangeError('odd')), kind: 'network' },
    { name: 'a thrown string', error: 'boom', kind: 'network' },
  ])('classifies $name as $kind', ({ error, kind }) => {
    const classified = classifyProbeError(error);
    expect(classified.kind).toBe(kind);
    expect(classified.detail.length).toBeGreaterThan(0);
    expect(classified.detail.length).toBeLessThanOrEqual(200);
  });

  it('names the code and message in the detail', () => {
    expect(classifyProbeError(wrapped(systemError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'))).detail).toBe(
      'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9',
    );
  });

  it('stops following a cause chain that loops', () => {
    const first = new Error('first') as Error & { cause?: unknown };
    const second = new Error('second', { cause: first });
    first.cause = second;
    expect(classifyProbeError(first).kind).toBe('network');
  });
});
