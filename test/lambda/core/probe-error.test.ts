import { describe, expect, it } from 'vitest';
import { classifyProbeError } from '../../../lambda/core/probe-error.ts';

/** An error shaped like undici's: `TypeError: fetch failed` with the system error as its cause. */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

function systemError(code: string, message = `${code} happened`): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyProbeError', () => {
  it.each([
    {
      name: 'an AbortSignal timeout',
      error: new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
      kind: 'timeout',
    },
    { name: 'an abort', error: new DOMException('This operation was aborted', 'AbortError'), kind: 'timeout' },
    { name: 'a refused connection', error: fetchFailed(systemError('ECONNREFUSED')), kind: 'connection_refused' },
    {
      name: 'running out of file descriptors here',
      error: fetchFailed(systemError('EMFILE')),
      kind: 'local_resources_exhausted',
    },
    { name: 'an unknown host', error: fetchFailed(systemError('ENOTFOUND')), kind: 'dns' },
    { name: 'a DNS timeout', error: fetchFailed(systemError('EAI_AGAIN')), kind: 'dns' },
    { name: 'a reset', error: fetchFailed(systemError('ECONNRESET')), kind: 'reset' },
    { name: 'a closed socket', error: fetchFailed(systemError('UND_ERR_SOCKET')), kind: 'reset' },
    { name: 'a connect timeout', error: fetchFailed(systemError('UND_ERR_CONNECT_TIMEOUT')), kind: 'timeout' },
    { name: 'a self-signed certificate', error: fetchFailed(systemError('DEPTH_ZERO_SELF_SIGNED_CERT')), kind: 'tls' },
    { name: 'an expired certificate', error: fetchFailed(systemError('CERT_HAS_EXPIRED')), kind: 'tls' },
    { name: 'a host mismatch', error: fetchFailed(systemError('ERR_TLS_CERT_ALTNAME_INVALID')), kind: 'tls' },
    { name: 'an unreachable network', error: fetchFailed(systemError('ENETUNREACH')), kind: 'unreachable' },
    { name: 'a malformed response', error: fetchFailed(systemError('HPE_INVALID_CONSTANT')), kind: 'invalid_response' },
    {
      name: 'a cause nested twice',
      error: fetchFailed(fetchFailed(systemError('ECONNREFUSED'))),
      kind: 'connection_refused',
    },
    { name: '"other side closed"', error: fetchFailed(new Error('other side closed')), kind: 'reset' },
    { name: 'something unknown', error: fetchFailed(new RangeError('odd')), kind: 'network' },
    { name: 'a thrown string', error: 'boom', kind: 'network' },
  ])('classifies $name as $kind', ({ error, kind }) => {
    const classified = classifyProbeError(error);
    expect(classified.kind).toBe(kind);
    expect(classified.detail.length).toBeGreaterThan(0);
    expect(classified.detail.length).toBeLessThanOrEqual(200);
  });

  it('names the code and message in the detail', () => {
    expect(
      classifyProbeError(fetchFailed(systemError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'))).detail,
    ).toBe('ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9');
  });

  it('stops following a cause chain that loops', () => {
    const first = new Error('first') as Error & { cause?: unknown };
    const second = new Error('second', { cause: first });
    first.cause = second;
    expect(classifyProbeError(first).kind).toBe('network');
  });
});
