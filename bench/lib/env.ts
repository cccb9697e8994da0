/** Bench settings from the environment: unset or empty means the default. */

function fromEnv(name: string, fallback: number, rule: string, valid: (value: number) => boolean): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!valid(value)) throw new Error(`${name} must be ${rule} (got "${raw}")`);
  return value;
}

/** `what` names the value in the error, e.g. "number of seconds". */
export function positiveFromEnv(name: string, fallback: number, what = 'number'): number {
  return fromEnv(name, fallback, `a positive ${what}`, (value) => Number.isFinite(value) && value > 0);
}

export function positiveIntegerFromEnv(name: string, fallback: number): number {
  return fromEnv(name, fallback, 'a positive integer', (value) => Number.isInteger(value) && value > 0);
}

export function integerFromEnv(name: string, fallback: number, min = 1, max = 100): number {
  return fromEnv(name, fallback, `an integer from ${min} to ${max}`, (value) => Number.isInteger(value) && value >= min && value <= max);
}
