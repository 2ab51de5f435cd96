// Token lifetime and outage windows, the two settings a chaos run uses to make tokens expire
// while the operator works: new tokens live as long as the fault configuration says (the SDK
// then sees `expires_in` and the JWT's `exp` agree), and an outage window refuses every matching
// call in the down part of its cycle, on the emulator's clock.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, operatorCredential, startHarness } from './support/harness.ts';

let h: Harness;
let frozenAt: number | undefined;
beforeAll(async () => {
  h = await startHarness({ now: () => frozenAt ?? Date.now(), tokenLifetimeSeconds: 1800 });
});
afterAll(async () => {
  await h?.emu.close();
});
beforeEach(() => {
  frozenAt = undefined;
  h.emu.setFaults({});
});

function claimsOf(token: string): { iat: number; exp: number } {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    iat: number;
    exp: number;
  };
}

/** One client-credentials token request, as MSAL sends it. */
function tokenRequest(): Promise<Response> {
  return fetch(`${h.emu.authorityHost}/${h.emu.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: h.emu.operatorClientId,
      client_secret: h.emu.operatorClientSecret,
      scope: `${h.emu.armEndpoint}/.default`,
    }),
  });
}

describe('token lifetime', () => {
  it('follows the fault configuration for new tokens, and returns to the start option on reset', async () => {
    h.emu.setFaults({ tokenLifetimeSeconds: 60 });
    // A fresh credential: MSAL would otherwise serve the earlier token from its cache.
    const token = await operatorCredential(h.emu).getToken(`${h.emu.armEndpoint}/.default`);
    const claims = claimsOf(token!.token);
    expect(claims.exp - claims.iat).toBe(60);
    // The SDK dates expiry from its own clock at the answer (now + expires_in): within a second of `exp`.
    expect(Math.abs(token!.expiresOnTimestamp / 1000 - claims.exp)).toBeLessThanOrEqual(1);

    const raw = (await (await tokenRequest()).json()) as { expires_in: number; access_token: string };
    expect(raw.expires_in).toBe(60);

    h.emu.reset();
    const restored = (await (await tokenRequest()).json()) as { expires_in: number; access_token: string };
    expect(restored.expires_in).toBe(1800);
    const restoredClaims = claimsOf(restored.access_token);
    expect(restoredClaims.exp - restoredClaims.iat).toBe(1800);
  });

  it('must be a whole number of seconds', () => {
    expect(() => h.emu.setFaults({ tokenLifetimeSeconds: 0.5 })).toThrow(/tokenLifetimeSeconds/);
  });
});

describe('outage windows', () => {
  it('refuse every matching call in the down part of each cycle, counted from when they were set', async () => {
    frozenAt = Date.now();
    h.emu.setFaults({
      errors: [
        {
          operation: 'Entra/token',
          outage: { downSeconds: 5, upSeconds: 10 },
          status: 503,
          code: 'temporarily_unavailable',
        },
      ],
    });
    const statusAt = async (offsetMs: number) => {
      frozenAt = (frozenAt ?? 0) + offsetMs;
      return (await tokenRequest()).status;
    };
    const start = frozenAt;
    const statuses: number[] = [];
    for (const at of [0, 4_999, 5_000, 14_999, 15_000, 19_999, 20_000]) {
      statuses.push(await statusAt(start + at - (frozenAt ?? 0)));
    }
    expect(statuses).toEqual([503, 503, 200, 200, 503, 503, 200]);
    expect(h.emu.counters().faults.injected.temporarily_unavailable).toBe(4);
    expect(() =>
      h.emu.setFaults({ errors: [{ operation: '*', outage: { downSeconds: 5, upSeconds: 0 } }] }),
    ).toThrow(/downSeconds and upSeconds must be > 0/);
  });
});
