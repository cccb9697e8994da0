import { describe, expect, it } from 'vitest';
import { cleanString, cleanText } from '.';

describe('cleanText', () => {
  it('leaves clean text alone and reports nothing', () => {
    expect(cleanText('Canon EOS R5')).toEqual({ value: 'Canon EOS R5', issues: [] });
    expect(cleanText('Café – 東京 📷')).toEqual({ value: 'Café – 東京 📷', issues: [] });
  });

  it('trims NUL and space padding without calling it an issue', () => {
    expect(cleanText('NIKON D100 \u0000')).toEqual({ value: 'NIKON D100', issues: [] });
    expect(cleanText('\u0000\u0000\u0000\u0000\u0000')).toEqual({ value: undefined, issues: [] });
    expect(cleanText('                               \u0000')).toEqual({ value: undefined, issues: [] });
  });

  it('cuts a C string at its first NUL (the Nokia N9 "Nokia\\u00002")', () => {
    expect(cleanText('Nokia\u00002', { stopAtNul: true })).toEqual({ value: 'Nokia', issues: ['control characters'] });
    expect(cleanText('Nokia\u00002')).toEqual({ value: 'Nokia2', issues: ['control characters'] });
  });

  it('removes control, C1 and bidi characters', () => {
    const { value, issues } = cleanText('EOS\u001b[31m 5D\u0007\u007f\u0085 \u202egpj.exe\u2066');
    expect(value).toBe('EOS[31m 5D gpj.exe');
    expect(issues).toEqual(['control characters']);
    expect(value).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });

  it('turns line breaks and tabs into single spaces unless multiline', () => {
    expect(cleanString('a\r\n\tb   c')).toBe('a b c');
    expect(cleanString('line one\r\nline two\u0000', { multiline: true })).toBe('line one\nline two');
  });

  it('replaces lone surrogates and invalid UTF-8 bytes, and says so', () => {
    expect(cleanText('ab\ud800cd\udc00')).toEqual({ value: 'ab\ufffdcd\ufffd', issues: ['invalid text'] });
    expect(cleanText(Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x00]))).toEqual({ value: 'Caf\ufffd', issues: ['invalid text'] });
    expect(cleanText(Buffer.from('Leica M11', 'utf8'))).toEqual({ value: 'Leica M11', issues: [] });
    // A valid surrogate pair is one character, not two lone halves.
    expect(cleanText('\ud83d\udcf7').value).toBe('📷');
  });

  it('caps the length in code points, never splitting a pair', () => {
    expect(cleanText('x'.repeat(60_000))).toEqual({ value: 'x'.repeat(200), issues: ['too long'] });
    const emoji = cleanText('📷'.repeat(10), { maxLength: 3 });
    expect(emoji).toEqual({ value: '📷📷📷', issues: ['too long'] });
  });

  it('normalises to NFC', () => {
    expect(cleanString('Cafe\u0301')).toBe('Caf\u00e9');
  });

  it('gives undefined for what is not text', () => {
    expect(cleanText(42)).toEqual({ value: undefined, issues: ['not text'] });
    expect(cleanText({ toString: () => 'x' })).toEqual({ value: undefined, issues: ['not text'] });
    expect(cleanText(undefined)).toEqual({ value: undefined, issues: [] });
    expect(cleanText(null)).toEqual({ value: undefined, issues: [] });
  });

  it('always returns text PostgreSQL can store', () => {
    const nasty = ['\u0000', '\ud800', 'a\u0000b', '\u0000\ud800\u0001', Buffer.from([0xff, 0xfe, 0x00, 0x41])];
    for (const input of nasty) {
      const value = cleanString(input) ?? '';
      expect(value).not.toContain('\u0000');
      expect(value).not.toMatch(/\p{Cs}/u);
    }
  });
});
