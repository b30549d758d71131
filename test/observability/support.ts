/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), for tests: it throws on any
 * line the format does not allow (bad names, label syntax, values, a sample before its TYPE, a family
 * split in two, histogram buckets that are not cumulative or disagree with `_count`).
 */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  readonly help: string;
  readonly samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const COMMENT = new RegExp(`^# (HELP|TYPE) (${NAME}) ?(.*)$`);
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/;
// Prometheus reads values with Go's ParseFloat, which ignores case in NaN and Inf (prom-client writes "Nan").
const VALUE = /^(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|[+-]?inf(?:inity)?|nan)$/i;
const SUFFIXES = { histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'] } as const;

export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  let current: Family | undefined;
  const familyFor = (name: string): Family => {
    let family = families.get(name);
    if (!family) {
      family = { name, type: 'untyped', help: '', samples: [] };
      families.set(name, family);
    } else if (family !== current && family.samples.length > 0) {
      throw new Error(`metric family ${name} appears in two places`);
    }
    current = family;
    return family;
  };
  for (const [index, line] of text.split('\n').entries()) {
    const where = `line ${index + 1}: ${line}`;
    if (line === '') continue;
    if (line.startsWith('#')) {
      const comment = COMMENT.exec(line);
      if (!comment) continue; // other comments are allowed
      const family = familyFor(comment[2]);
      if (comment[1] === 'HELP') Object.assign(family, { help: comment[3] });
      else {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(comment[3]))
          throw new Error(`unknown type: ${where}`);
        if (family.samples.length) throw new Error(`TYPE after samples: ${where}`);
        Object.assign(family, { type: comment[3] });
      }
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match || !VALUE.test(match[3])) throw new Error(`not a sample: ${where}`);
    const [, name, rawLabels = '', value] = match;
    const family = current && belongsTo(current, name) ? current : familyFor(name);
    family.samples.push({ name, labels: parseLabels(rawLabels, where), value: numberOf(value) });
  }
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

function numberOf(text: string): number {
  if (/inf/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  return Number(text);
}

function belongsTo(family: Family, name: string): boolean {
  const suffixes = family.type === 'histogram' || family.type === 'summary' ? SUFFIXES[family.type] : [''];
  return suffixes.some((suffix) => name === family.name + suffix);
}

function parseLabels(raw: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = raw;
  while (rest.length) {
    const label = LABEL.exec(rest);
    if (!label) throw new Error(`bad labels: ${where}`);
    if (label[1] in labels) throw new Error(`duplicate label ${label[1]}: ${where}`);
    labels[label[1]] = label[2].replace(/\\(.)/g, (_m, ch: string) => (ch === 'n' ? '\n' : ch));
    rest = rest.slice(label[0].length);
  }
  return labels;
}

function checkHistogram(family: Family): void {
  const series = new Map<string, { buckets: Array<[number, number]>; count?: number }>();
  for (const sample of family.samples) {
    const { le, ...labels } = sample.labels;
    const key = JSON.stringify(Object.entries(labels).sort());
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (sample.name.endsWith('_bucket')) entry.buckets.push([numberOf(le), sample.value]);
    else if (sample.name.endsWith('_count')) entry.count = sample.value;
  }
  for (const [key, { buckets, count }] of series) {
    const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++)
      if (sorted[i][1] < sorted[i - 1][1]) throw new Error(`${family.name}${key}: buckets not cumulative`);
    const inf = sorted.at(-1);
    if (!inf || inf[0] !== Infinity || inf[1] !== count)
      throw new Error(`${family.name}${key}: +Inf bucket missing or not equal to _count`);
  }
}

/** A /metrics answer, parsed strictly, with look-ups for tests. */
export class Scrape {
  readonly families: Map<string, Family>;

  constructor(readonly text: string) {
    this.families = parseExposition(text);
  }

  family(name: string): Family {
    const family = this.families.get(name);
    if (!family) throw new Error(`no metric ${name} in the scrape`);
    return family;
  }

  /** Samples named `sample` (default: the family's own name) whose labels include `labels`. */
  samples(family: string, labels: Record<string, string> = {}, sample = family): Sample[] {
    return this.family(family).samples.filter(
      (s) => s.name === sample && Object.entries(labels).every(([key, value]) => s.labels[key] === value),
    );
  }

  /** The one counter or gauge sample matching `labels` (0 when there is none). */
  value(name: string, labels: Record<string, string> = {}): number {
    const [sample, extra] = this.samples(name, labels);
    if (extra) throw new Error(`${name} ${JSON.stringify(labels)} matches several samples`);
    return sample ? sample.value : 0;
  }

  /** A histogram's `_count`, summed over the series matching `labels`. */
  count(name: string, labels: Record<string, string> = {}): number {
    return this.samples(name, labels, `${name}_count`).reduce((total, s) => total + s.value, 0);
  }

  /** A histogram's `_sum`, summed over the series matching `labels`. */
  sum(name: string, labels: Record<string, string> = {}): number {
    return this.samples(name, labels, `${name}_sum`).reduce((total, s) => total + s.value, 0);
  }

  /** Every distinct value of `label` among the family's samples. */
  labelValues(name: string, label: string): Set<string> {
    return new Set(this.family(name).samples.map((s) => s.labels[label] ?? ''));
  }
}
