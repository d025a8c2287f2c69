// TLS material for probe tests, made at test time with the openssl CLI in a temporary directory (removed at once): a
// CA, a leaf it signs for 127.0.0.1 and localhost, a leaf it signs for another name only, and a self-signed leaf.
// Tests hand the CA to the probe through ProbeSettings.trustedCaPem, which no config or event can set.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertifiedKey {
  readonly cert: string;
  readonly key: string;
}

export interface TestCertificates {
  readonly caPem: string;
  /** Signed by the CA for IP 127.0.0.1 and DNS localhost. */
  readonly localhost: CertifiedKey;
  /** Signed by the CA for DNS wrong.rollgate.test only. */
  readonly wrongHost: CertifiedKey;
  /** Signed by itself, for 127.0.0.1 and localhost. */
  readonly selfSigned: CertifiedKey;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
const LOCAL_NAMES = 'subjectAltName=IP:127.0.0.1,DNS:localhost';

export function createTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-tls-'));
  const file = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
  };
  try {
    openssl(
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=rollgate test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
    const signed = (name: string, altNames: string): CertifiedKey => {
      writeFileSync(file(`${name}.ext`), `${altNames}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
      openssl('req', ...EC_KEY, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', `/CN=${name}`);
      openssl(
        'x509',
        '-req',
        '-in',
        file(`${name}.csr`),
        '-CA',
        file('ca.pem'),
        '-CAkey',
        file('ca.key'),
        '-CAcreateserial',
        '-days',
        '2',
        '-extfile',
        file(`${name}.ext`),
        '-out',
        file(`${name}.pem`),
      );
      return { cert: readFileSync(file(`${name}.pem`), 'utf8'), key: readFileSync(file(`${name}.key`), 'utf8') };
    };
    const localhost = signed('localhost', LOCAL_NAMES);
    const wrongHost = signed('wrong', 'subjectAltName=DNS:wrong.rollgate.test');
    openssl(
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      file('self.key'),
      '-out',
      file('self.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      LOCAL_NAMES,
    );
    return {
      caPem: readFileSync(file('ca.pem'), 'utf8'),
      localhost,
      wrongHost,
      selfSigned: { cert: readFileSync(file('self.pem'), 'utf8'), key: readFileSync(file('self.key'), 'utf8') },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
