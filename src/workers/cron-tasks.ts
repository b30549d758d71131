import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CronExpressionParser } from 'cron-parser';
import { ConfigError } from '../config/index.js';

/** What a cron task receives: the due time it runs for, the fencing token, and in-process document access. */
export interface CronTaskContext {
  readonly name: string;
  readonly dueAt: Date;
  readonly fencingToken: number;
  readonly logger: {
    info(obj: object, msg?: string): void;
    warn(obj: object, msg?: string): void;
    error(obj: object, msg?: string): void;
  };
  /** The core document operations on a type, without permission checks (the task is trusted code). */
  readonly documents: (uid: string) => TaskDocuments;
}

export interface TaskDocuments {
  find(params?: Record<string, unknown>): Promise<{ data: Record<string, unknown>[]; pagination: unknown }>;
  findOne(documentId: string, params?: Record<string, unknown>): Promise<Record<string, unknown> | null>;
  create(data: Record<string, unknown>, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  update(
    documentId: string,
    data: Record<string, unknown>,
    params?: Record<string, unknown>,
  ): Promise<Record<string, unknown> | null>;
  delete(documentId: string): Promise<void>;
}

export interface CronTask {
  readonly name: string;
  readonly rule: string;
  readonly tz: string;
  readonly run: (ctx: CronTaskContext) => Promise<unknown> | unknown;
}

const FILES = ['cron-tasks.js', 'cron-tasks.mjs', 'cron-tasks.cjs'];

/**
 * Loads `config/cron-tasks.{js,mjs,cjs}` in Strapi's format: `{ name: { task, options: { rule, tz } } }`,
 * or `{ '<rule>': async (ctx) => … }`. Rules are cron expressions, with an optional leading seconds field.
 */
export async function loadCronTasks(appDir: string): Promise<CronTask[]> {
  const file = FILES.map((name) => path.join(appDir, 'config', name)).find((candidate) =>
    existsSync(candidate),
  );
  if (!file) return [];
  const relative = path.relative(appDir, file);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`${relative} could not be loaded: ${(err as Error).message}`);
  }
  const exported = (module.default ?? module) as Record<string, unknown>;
  if (!exported || typeof exported !== 'object')
    throw new ConfigError(`${relative} must export an object of tasks`);
  return Object.entries(exported).map(([key, value]) => toTask(relative, key, value));
}

function toTask(file: string, key: string, value: unknown): CronTask {
  const where = `${file}: task "${key}"`;
  let run: unknown;
  let rule: unknown;
  let tz: unknown = 'UTC';
  if (typeof value === 'function') {
    run = value;
    rule = key;
  } else if (value && typeof value === 'object') {
    const spec = value as { task?: unknown; options?: unknown };
    run = spec.task;
    const options = spec.options;
    if (typeof options === 'string') rule = options;
    else if (options && typeof options === 'object') {
      rule = (options as { rule?: unknown }).rule;
      tz = (options as { tz?: unknown }).tz ?? 'UTC';
    }
  }
  if (typeof run !== 'function') throw new ConfigError(`${where}: "task" must be a function`);
  if (typeof rule !== 'string') throw new ConfigError(`${where}: options.rule must be a cron expression`);
  if (typeof tz !== 'string') throw new ConfigError(`${where}: options.tz must be a time zone name`);
  try {
    CronExpressionParser.parse(rule, { tz });
  } catch (err) {
    throw new ConfigError(`${where}: invalid rule "${rule}": ${(err as Error).message}`);
  }
  return { name: key, rule, tz, run: run as CronTask['run'] };
}

/** Due times of `task` after `after` (exclusive) and up to `until` (inclusive), in order, at most `limit`. */
export function dueTimes(task: CronTask, after: Date, until: Date, limit: number): Date[] {
  const iterator = CronExpressionParser.parse(task.rule, { currentDate: after, tz: task.tz });
  const times: Date[] = [];
  while (times.length < limit) {
    const next = iterator.next().toDate();
    if (next > until) break;
    times.push(next);
  }
  return times;
}
