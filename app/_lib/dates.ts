/** A time as the reader's locale writes it. */
export const when = (iso: string) => new Date(iso).toLocaleString();

/** The end of the chosen local day, as the API takes it (ISO 8601); undefined when no date is set. */
export function endOfDay(value: FormDataEntryValue | null): string | undefined {
  const day = String(value ?? '');
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? new Date(`${day}T23:59:59`).toISOString() : undefined;
}

/** Today in the reader's time zone, as a date input takes it (the earliest expiry). */
export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
