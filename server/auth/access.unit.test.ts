import { describe, expect, it } from 'vitest';
import { accessFor, isActiveAdmin } from './access';

describe('accessFor: the one admin/owner rule', () => {
  it.each([
    [null, 'admin', 'signed-out'],
    [{ role: 'owner', active: true }, 'admin', null],
    [{ role: 'admin', active: true }, 'admin', null],
    [{ role: 'viewer', active: true }, 'admin', 'not-admin'],
    [{ role: 'admin', active: false }, 'admin', 'deactivated'],
    [{ role: 'viewer', active: false }, 'admin', 'deactivated'],
    [{ role: 'owner', active: true }, 'owner', null],
    [{ role: 'admin', active: true }, 'owner', 'not-owner'],
    [{ role: 'viewer', active: true }, 'owner', 'not-owner'],
    [{ role: 'owner', active: false }, 'owner', 'deactivated'],
  ] as const)('%j at level %s → %s', (user, level, refusal) => {
    const access = accessFor(user, level);
    if (refusal === null) expect(access).toEqual({ granted: true, user });
    else expect(access).toEqual({ granted: false, reason: refusal });
  });

  it('isActiveAdmin agrees with the rule', () => {
    expect(isActiveAdmin({ role: 'admin', active: true })).toBe(true);
    expect(isActiveAdmin({ role: 'owner', active: true })).toBe(true);
    expect(isActiveAdmin({ role: 'admin', active: false })).toBe(false);
    expect(isActiveAdmin({ role: 'viewer', active: true })).toBe(false);
    expect(isActiveAdmin(null)).toBe(false);
  });
});
