import { describe, expect, it } from 'vitest';
import { unlockRefusal } from './unlock-message';

describe('unlockRefusal', () => {
  it('says a wrong password is wrong, and a gone link is gone', () => {
    expect(unlockRefusal(401, null)).toBe('Wrong password. Try again.');
    expect(unlockRefusal(404, null)).toBe('This link is no longer valid.');
    expect(unlockRefusal(503, null)).toBe('Could not check the password; try again.');
  });

  it('turns Retry-After seconds into whole minutes, rounding up; a missing or odd header reads as one minute', () => {
    expect(unlockRefusal(429, '900')).toBe('Too many attempts, try again in 15 minutes.');
    expect(unlockRefusal(429, '61')).toBe('Too many attempts, try again in 2 minutes.');
    expect(unlockRefusal(429, '5')).toBe('Too many attempts, try again in 1 minute.');
    expect(unlockRefusal(429, null)).toBe('Too many attempts, try again in 1 minute.');
    expect(unlockRefusal(429, 'soon')).toBe('Too many attempts, try again in 1 minute.');
  });
});
