import parsePrometheusTextFormat from 'parse-prometheus-text-format';

type Families = ReturnType<typeof parsePrometheusTextFormat>;
type Labels = Record<string, string>;

/**
 * Scraped text, parsed by a Prometheus text-format parser (not by our own code). That parser
 * folds a labelled histogram into one unlabelled sample (its open issue #13), so histograms are
 * also read from a second parse without their TYPE lines: their _bucket/_sum/_count series, labels kept.
 */
export class Scrape {
  readonly families: Families;
  private readonly series: Families;
  constructor(readonly text: string) {
    this.families = parsePrometheusTextFormat(text);
    this.series = parsePrometheusTextFormat(text.replace(/^# TYPE \S+ histogram$/gm, ''));
  }

  /** The family `name` as the parser typed it (COUNTER, GAUGE, HISTOGRAM …). */
  family(name: string) {
    const family = this.families.find((f) => f.name === name);
    if (!family) throw new Error(`metric ${name} is not in the scrape`);
    return family;
  }

  /** The samples of series `name` whose labels include `labels`. */
  samples(name: string, labels: Labels = {}) {
    const found = this.series.filter((f) => f.name === name);
    // A labelled metric with nothing recorded yet has its HELP and TYPE but no series.
    if (!found.length) this.family(name.replace(/_(count|sum|bucket)$/, ''));
    return found.flatMap((f) => f.metrics).filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  }

  /** Sum of the samples of a counter or gauge matching `labels` (0 when none does). */
  value(name: string, labels: Labels = {}): number {
    return this.samples(name, labels).reduce((sum, m) => sum + Number(m.value), 0);
  }

  /** How many observations a histogram holds under `labels`. */
  count(name: string, labels: Labels = {}): number {
    if (this.family(name).type !== 'HISTOGRAM') throw new Error(`${name} is not a histogram`);
    return this.value(`${name}_count`, labels);
  }

  /** Every value `label` takes in series `name`. */
  labelValues(name: string, label: string): string[] {
    return [...new Set(this.samples(name).map((m) => m.labels?.[label]).filter((v): v is string => v !== undefined))];
  }
}
