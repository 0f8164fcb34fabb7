// How a certificate is shown to a person deciding whether to trust it. Pure.
import type { CertificateInfo } from '../http/errors';

export function describeCertificate(info: CertificateInfo, now = new Date()): string {
  const validTo = new Date(info.validTo);
  const validFrom = new Date(info.validFrom);
  const state = validTo < now ? ' (EXPIRED)' : validFrom > now ? ' (NOT YET VALID)' : '';
  const selfSigned = info.subject === info.issuer ? ' (self-signed)' : '';
  return [
    `Subject: ${info.subject}`,
    `Issuer: ${info.issuer}${selfSigned}`,
    `Valid: ${day(validFrom)} to ${day(validTo)}${state}`,
    `SHA-256 fingerprint: ${info.fingerprint}`,
  ].join('\n');
}

function day(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'unknown' : date.toISOString().slice(0, 10);
}
