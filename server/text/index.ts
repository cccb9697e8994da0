/**
 * The one cleaner for text Darkroom did not write: EXIF/XMP/IPTC strings, file names, error
 * messages that may quote them. PostgreSQL refuses NUL in text and jsonb, and control or
 * bidi characters mislead whoever reads the text in a page or a log.
 */

/** What cleaning had to change beyond trimming padding; callers turn these into warnings. */
export type TextIssue = 'control characters' | 'invalid text' | 'too long' | 'not text';

export interface CleanOptions {
  /** Longest result in code points (default 200). */
  maxLength?: number;
  /** EXIF ASCII is a C string: what follows the first NUL is padding or leftovers, not text. */
  stopAtNul?: boolean;
  /** Keep line breaks (descriptions); otherwise every whitespace run becomes one space. */
  multiline?: boolean;
}

export interface CleanedText {
  /** Undefined when nothing readable is left. */
  value: string | undefined;
  issues: TextIssue[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');
// Not text: C0 and C1 controls and DEL (NUL included), bidi overrides and isolates, BOM, noncharacters.
const HOSTILE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF\uFFFE\uFFFF]/g;
const LONE_SURROGATE = /\p{Cs}/gu;
const HAS_LONE_SURROGATE = /\p{Cs}/u;
// Padding firmware writes around a value: NULs and whitespace at either end.
const PADDING = /^[\s\u0000]+|[\s\u0000]+$/g;

function decode(input: unknown, issues: Set<TextIssue>): string | undefined {
  if (typeof input === 'string') return input;
  if (input instanceof Uint8Array) {
    try {
      return utf8.decode(input);
    } catch {
      issues.add('invalid text');
      return lenient.decode(input);
    }
  }
  if (input !== undefined && input !== null) issues.add('not text');
  return undefined;
}

/** Cleans one untrusted string (or UTF-8 bytes): see CleanOptions; never throws. */
export function cleanText(input: unknown, options: CleanOptions = {}): CleanedText {
  const maxLength = options.maxLength ?? 200;
  const issues = new Set<TextIssue>();
  let text = decode(input, issues);
  if (text === undefined) return { value: undefined, issues: [...issues] };
  // Bound the work on hostile input before any regex runs over it.
  if (text.length > maxLength * 8 + 64) {
    text = text.slice(0, maxLength * 8 + 64);
    issues.add('too long');
  }
  text = text.replace(PADDING, '');
  if (options.stopAtNul && text.includes('\u0000')) {
    text = text.slice(0, text.indexOf('\u0000'));
    issues.add('control characters');
  }
  if (HAS_LONE_SURROGATE.test(text) || text.includes('\uFFFD')) issues.add('invalid text');
  text = text.replace(LONE_SURROGATE, '\uFFFD');
  const lines = options.multiline ? text.replace(/\r\n?/g, '\n') : text.replace(/\s+/g, ' ');
  const stripped = lines.replace(HOSTILE, '');
  if (stripped !== lines) issues.add('control characters');
  text = stripped.normalize('NFC').replace(PADDING, '');
  const points = Array.from(text);
  if (points.length > maxLength) {
    text = points.slice(0, maxLength).join('').trimEnd();
    issues.add('too long');
  }
  return { value: text === '' ? undefined : text, issues: [...issues] };
}

/** cleanText's value alone, for callers that need no warning. */
export const cleanString = (input: unknown, options?: CleanOptions): string | undefined => cleanText(input, options).value;
