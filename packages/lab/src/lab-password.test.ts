import { describe, expect, it } from 'vitest';
import { LAB_PASSWORD_PATTERN, newLabPassword } from './lab-password.js';

describe('lab passwords', () => {
  it('are canaries: each new one is random and found by the pattern inside any text', () => {
    const passwords = Array.from({ length: 100 }, newLabPassword);
    expect(new Set(passwords).size).toBe(100);
    for (const password of passwords) expect(LAB_PASSWORD_PATTERN.test(`sudo: ${password} was typed`), password).toBe(true);
    expect(LAB_PASSWORD_PATTERN.test('sftca-lab-pw-short')).toBe(false);
  });
});
