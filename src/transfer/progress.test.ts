import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.js';

function output(isTTY: boolean) {
  const written: string[] = [];
  return { written, write: (text: string) => written.push(text), isTTY, columns: 100 };
}

describe('transfer progress', () => {
  it('on a terminal: one line redrawn in place, with a bar, counts and throughput', () => {
    let now = 0;
    const out = output(true);
    const progress = createProgress(out, () => now);
    progress.start('entities', 100);
    now = 500;
    progress.advance(50);
    now = 1000;
    progress.end();
    expect(out.written.every((text) => text.startsWith('\r') || text === '\n')).toBe(true);
    expect(out.written).toContain('\n');
    const halfway = out.written.find((text) => text.includes('50/100'))!;
    expect(halfway).toContain('[############------------]');
    expect(halfway).toContain('100/s');
    expect(out.written.at(-2)).toContain('50/100');
  });

  it('elsewhere: a plain line every few seconds and one when the stage ends', () => {
    let now = 0;
    const out = output(false);
    const progress = createProgress(out, () => now);
    progress.start('links', 10);
    progress.advance(1);
    expect(out.written).toEqual([]);
    now = 2500;
    progress.advance(4);
    progress.start('assets');
    expect(out.written).toEqual(['links: 5/10 (2/s)\n', 'links: 5/10 (2/s) done\n']);
  });
});
