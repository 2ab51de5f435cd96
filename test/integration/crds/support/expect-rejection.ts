// Asserts that admission refused an object for the expected reason: the error must name the
// field and carry the rule's message after it (the API server's "<field>: <what>: <message>").
import { expect } from 'vitest';
import type { Outcome } from './admission.ts';

export function expectRejected(outcome: Outcome, field: string, message: string): void {
  expect(outcome.ok, `expected a rejection naming ${field}`).toBe(false);
  if (outcome.ok) return;
  expect(outcome.status).toBe(422);
  const at = outcome.message.indexOf(`${field}: `);
  expect(at, `error should name ${field}: ${outcome.message}`).toBeGreaterThanOrEqual(0);
  expect(outcome.message.slice(at), `error for ${field}`).toContain(message);
}

export function expectAccepted(outcome: Outcome): void {
  expect(outcome.ok ? 'accepted' : outcome.message).toBe('accepted');
}
