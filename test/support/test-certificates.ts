import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

/** A PEM certificate with its PEM (PKCS#8) private key. */
export interface PemKeyPair {
  cert: string;
  key: string;
}

/** A throwaway PKI: one CA and two leaves it signed. */
export interface TestPki {
  ca: PemKeyPair;
  /** Valid for 127.0.0.1, ::1 (IP SANs) and localhost (DNS SAN); extKeyUsage serverAuth. */
  server: PemKeyPair;
  /** Subject CN=notiflux test client; extKeyUsage clientAuth. */
  client: PemKeyPair;
}

export const testCaCommonName = 'notiflux test CA';
export const testServerCommonName = 'localhost';
export const testClientCommonName = 'notiflux test client';

// A fixed, wide validity window: certificates stay valid even if a test fakes Date (OpenSSL checks
// the real clock anyway), and an end before 2050 keeps the dates in UTCTime, which every parser reads.
const notBeforeDate = new Date('2020-01-01T00:00:00Z');
const notAfterDate = new Date('2049-12-31T00:00:00Z');

// EC P-256 keys take milliseconds to generate where RSA-2048 takes hundreds. selfsigned signs a
// CA-issued leaf with the leaf's key type, so the CA and the leaves must share it.
const commonOptions = {
  keyType: 'ec',
  curve: 'P-256',
  algorithm: 'sha256',
  notBeforeDate,
  notAfterDate,
} as const;

async function generatePki(): Promise<TestPki> {
  const ca = await generate([{ name: 'commonName', value: testCaCommonName }], {
    ...commonOptions,
    extensions: [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const caPair = { cert: ca.cert, key: ca.private };

  const [server, client] = await Promise.all([
    generate([{ name: 'commonName', value: testServerCommonName }], {
      ...commonOptions,
      ca: caPair,
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
            { type: 7, ip: '::1' },
          ],
        },
      ],
    }),
    generate([{ name: 'commonName', value: testClientCommonName }], {
      ...commonOptions,
      ca: caPair,
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', clientAuth: true },
      ],
    }),
  ]);

  const pki: TestPki = {
    ca: caPair,
    server: { cert: server.cert, key: server.private },
    client: { cert: client.cert, key: client.private },
  };
  assertSignedByCa(pki);
  return pki;
}

// Fails loudly here, not as an opaque handshake error in some later test, if generation went wrong.
function assertSignedByCa(pki: TestPki): void {
  const caCert = new X509Certificate(pki.ca.cert);
  for (const leaf of [pki.server, pki.client]) {
    const leafCert = new X509Certificate(leaf.cert);
    if (!leafCert.checkIssued(caCert) || !leafCert.verify(caCert.publicKey)) {
      throw new Error(`test PKI: ${leafCert.subject} is not signed by the test CA`);
    }
  }
}

let cachedPki: Promise<TestPki> | undefined;

/**
 * The process-wide test PKI, generated in memory on first use (no files, no openssl CLI).
 * Every caller gets the same certificates; treat them as read-only.
 */
export function createTestPki(): Promise<TestPki> {
  cachedPki ??= generatePki().catch((error: unknown) => {
    // A failed generation should not poison later callers with the same rejection.
    cachedPki = undefined;
    throw error;
  });
  return cachedPki;
}
