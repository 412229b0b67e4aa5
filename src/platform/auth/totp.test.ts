import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchTotp, newTotpSecret, totpCode, totpQrSvg, totpStep, totpUri } from './totp.ts';

describe('TOTP codes', () => {
  const secret = newTotpSecret();
  const now = new Date('2026-12-01T10:00:10.000Z');

  it('matches the code of the current step and names that step', () => {
    assert.equal(matchTotp(secret, totpCode(secret, now), now), totpStep(now));
  });

  it('allows one step of clock drift either side, and no more', () => {
    const step = 30_000;
    assert.equal(matchTotp(secret, totpCode(secret, new Date(now.getTime() - step)), now), totpStep(now) - 1);
    assert.equal(matchTotp(secret, totpCode(secret, new Date(now.getTime() + step)), now), totpStep(now) + 1);
    assert.equal(matchTotp(secret, totpCode(secret, new Date(now.getTime() - 2 * step)), now), null);
    assert.equal(matchTotp(secret, totpCode(secret, new Date(now.getTime() + 2 * step)), now), null);
  });

  it('refuses what is not six digits, and any code for a malformed secret', () => {
    assert.equal(matchTotp(secret, '12345', now), null);
    assert.equal(matchTotp(secret, 'abcdef', now), null);
    assert.equal(matchTotp('not base32 !', '123456', now), null);
  });

  it('makes 160-bit base32 secrets, different each time', () => {
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.notEqual(newTotpSecret(), secret);
  });

  it('names the service as the issuer in the otpauth URI', () => {
    const uri = totpUri('Mutual', 'sam@example.org', secret);
    assert.match(uri, /^otpauth:\/\/totp\/Mutual:sam%40example\.org\?/);
    assert.match(uri, new RegExp(`secret=${secret}`));
    assert.match(uri, /issuer=Mutual/);
  });

  it('draws the QR code as SVG without style attributes, which the CSP would block', async () => {
    const svg = await totpQrSvg(totpUri('Mutual', 'sam@example.org', secret));
    assert.match(svg, /^<svg class="app-qr-code" width="200" height="200" role="img" aria-label="QR code for your authenticator app" /);
    assert.doesNotMatch(svg, /style=|<style|<script/i);
  });
});
