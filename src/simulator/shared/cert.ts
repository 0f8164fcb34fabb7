// A fresh self-signed certificate for a loopback HTTPS server, generated at start.
// No private key is ever committed: each run makes its own.
// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata polyfill first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto, createHash, X509Certificate } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface GeneratedCertificate {
  certPem: string;
  keyPem: string;
  /** SHA-256 of the DER certificate, upper-case hex with colons (as browsers show it). */
  fingerprint: string;
}

export interface CertificateOptions {
  commonName?: string;
  /** Subject alternative names; defaults to 127.0.0.1, ::1 and localhost. */
  ipAddresses?: string[];
  dnsNames?: string[];
  days?: number;
  /** Sign with this issuer instead of self-signing (to make a CA-signed leaf in tests). */
  issuer?: { certPem: string; keyPem: string };
  /** Make a CA certificate (basicConstraints cA=true). */
  isCa?: boolean;
  notBefore?: Date;
}

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export async function generateCertificate(options: CertificateOptions = {}): Promise<GeneratedCertificate> {
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + (options.days ?? 365) * 86_400_000);
  const name = `CN=${options.commonName ?? 'Probe Explorer simulator'}, O=Probe Explorer`;
  const sans = [
    ...(options.ipAddresses ?? ['127.0.0.1', '::1']).map((value) => ({ type: 'ip' as const, value })),
    ...(options.dnsNames ?? ['localhost']).map((value) => ({ type: 'dns' as const, value })),
  ];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(!!options.isCa, undefined, true),
    new x509.KeyUsagesExtension(
      options.isCa ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
  ];
  if (!options.isCa) {
    extensions.push(new x509.SubjectAlternativeNameExtension(sans), new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]));
  }
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
  let cert: x509.X509Certificate;
  if (options.issuer) {
    const issuerCert = new x509.X509Certificate(options.issuer.certPem);
    const issuerKey = await importPrivateKey(options.issuer.keyPem);
    cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(), subject: name, issuer: issuerCert.subject, notBefore, notAfter,
      signingAlgorithm: algorithm, publicKey: keys.publicKey, signingKey: issuerKey, extensions,
    });
  } else {
    cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerial(), name, notBefore, notAfter, signingAlgorithm: algorithm, keys, extensions,
    });
  }
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  const keyPem = x509.PemConverter.encode(pkcs8, 'PRIVATE KEY');
  const certPem = cert.toString('pem');
  return { certPem, keyPem, fingerprint: fingerprintOf(certPem) };
}

/** SHA-256 fingerprint of a PEM or DER certificate, upper-case hex with colons. */
export function fingerprintOf(cert: string | Buffer): string {
  const der = typeof cert === 'string' ? new X509Certificate(cert).raw : cert;
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decode(pem)[0];
  return webcrypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign']) as Promise<CryptoKey>;
}

function randomSerial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^[89a-f]/, '1');
}
