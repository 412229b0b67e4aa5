// Time-based one-time passwords (RFC 6238) for staff accounts, with otplib's Google Authenticator
// preset: SHA-1, 6 digits, 30-second steps, base32 secrets. ASVS 5.0 V6.5: each code is accepted
// once (the accepted time step is stored and a step at or before it is refused, see store.ts
// acceptTotpStep); one step of clock drift either side is allowed. Time comes from the injected
// clock, never from the machine.
import { authenticator } from 'otplib';
import QRCode from 'qrcode';

export const TOTP_STEP_SECONDS = 30;
/** Steps of drift accepted either side of the current one. */
export const TOTP_WINDOW = 1;

/** A new secret: 160 random bits, base32 (RFC 4226 recommends at least 128, ideally 160). */
export function newTotpSecret(): string {
  return authenticator.generateSecret(20);
}

function at(time: Date) {
  return authenticator.clone({ epoch: time.getTime(), window: TOTP_WINDOW, step: TOTP_STEP_SECONDS });
}

/** The time step a moment falls in. */
export function totpStep(time: Date): number {
  return Math.floor(time.getTime() / 1000 / TOTP_STEP_SECONDS);
}

/** The code an authenticator app shows at a moment (for tests and the test helpers). */
export function totpCode(secret: string, time: Date): string {
  return at(time).generate(secret);
}

/** The time step a code belongs to, within the allowed drift of `time`; null when it matches none. */
export function matchTotp(secret: string, code: string, time: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  let delta: number | null;
  try {
    delta = at(time).checkDelta(code, secret);
  } catch {
    return null; // a malformed secret: no code matches
  }
  return delta === null ? null : totpStep(time) + delta;
}

/** The otpauth:// URI an authenticator app reads from the QR code; the service name is the issuer. */
export function totpUri(serviceName: string, email: string, secret: string): string {
  return authenticator.keyuri(email, serviceName, secret);
}

/**
 * The QR code as inline SVG. qrcode draws with presentation attributes (fill, stroke), not style
 * attributes, so the strict CSP (style-src 'self') does not block it.
 */
export async function totpQrSvg(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
  return svg.replace('<svg ', '<svg class="app-qr-code" width="200" height="200" role="img" aria-label="QR code for your authenticator app" ');
}
