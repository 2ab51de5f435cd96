// Admission rules of LogicAppWorkflow spec.callbackUrl (issue 25), with accepted and rejected
// variants: the Secret's name and key as Kubernetes allows them, the trigger's name as Logic Apps
// does (azure-formats.ts TRIGGER_NAME), and rotateEvery as a duration of at least an hour.
import { TRIGGER_NAME } from '../../../../src/crds/azure-formats.ts';
import type { AnyObject } from '../support/admission.ts';
import { workflow } from '../support/fixtures.ts';
import type { RuleCase } from './rule-case.ts';

const base = () => {
  const o = workflow('callback-url');
  o.spec.callbackUrl = { secretName: 'orders-intake-callback' };
  return o;
};
const set = (o: AnyObject, fields: Record<string, string>) => {
  o.spec.callbackUrl = { ...o.spec.callbackUrl, ...fields };
};

export const callbackUrlRules: RuleCase[] = [
  {
    rule: 'callbackUrl.secretName is a Secret name',
    base,
    accepted: [(o) => set(o, { secretName: 'orders.intake-1' })],
    rejected: [(o) => set(o, { secretName: 'Not_A_Name' }), (o) => set(o, { secretName: '../kube-system' })],
    field: 'spec.callbackUrl.secretName',
    message: 'callbackUrl.secretName must be a Secret name: lower-case letters, digits, - and .',
  },
  {
    rule: 'callbackUrl.secretKey is a Secret key',
    base,
    accepted: [(o) => set(o, { secretKey: 'CALLBACK_url.v2-1' })],
    rejected: [(o) => set(o, { secretKey: 'callback url' }), (o) => set(o, { secretKey: 'a/b' })],
    field: 'spec.callbackUrl.secretKey',
    message: 'callbackUrl.secretKey must be a Secret key: letters, digits, -, _ and .',
  },
  {
    rule: 'callbackUrl.trigger is a trigger name',
    base,
    accepted: [
      (o) => set(o, { trigger: 'manual' }),
      (o) => set(o, { trigger: 'When a HTTP request is received' }),
    ],
    rejected: [(o) => set(o, { trigger: '..' }), (o) => set(o, { trigger: 'a/b' })],
    field: 'spec.callbackUrl.trigger',
    message: `callbackUrl.trigger must be a trigger name: ${TRIGGER_NAME.allows}`,
  },
  {
    rule: 'callbackUrl.rotateEvery is a duration in hours, minutes and seconds',
    base,
    accepted: [(o) => set(o, { rotateEvery: '720h' }), (o) => set(o, { rotateEvery: '36h30m' })],
    rejected: [(o) => set(o, { rotateEvery: 'monthly' }), (o) => set(o, { rotateEvery: '30d' })],
    field: 'spec.callbackUrl.rotateEvery',
    message:
      'callbackUrl.rotateEvery must be a duration in hours, minutes and seconds such as 720h or 36h30m',
  },
  {
    rule: 'callbackUrl.rotateEvery is at least an hour',
    base,
    accepted: [(o) => set(o, { rotateEvery: '1h' }), (o) => set(o, { rotateEvery: '59m60s' })],
    rejected: [(o) => set(o, { rotateEvery: '30m' }), (o) => set(o, { rotateEvery: '3599s' })],
    field: 'spec.callbackUrl.rotateEvery',
    message: 'callbackUrl.rotateEvery must be at least 1h',
  },
];
