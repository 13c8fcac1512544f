import { describe, it, expect } from '@jest/globals';
import { colourScale, workerLabel, VERSION_COLOURS } from './outcomes';

const colourOf = (label: string, others: string[]): string | undefined => {
  const scale = colourScale([...others, label]);
  return scale.range[scale.domain.indexOf(label)];
};

describe('outcome colours', () => {
  it('give an outcome the same colour whatever else a chart shows', () => {
    for (const label of ['201', '202', '409 SOLD_OUT', 'worker: confirmed', 'worker: failed SOLD_OUT', '409 LIMIT_EXCEEDED', '503 OVERLOADED']) {
      const alone = colourOf(label, []);
      expect(colourOf(label, ['201', '409 SOLD_OUT'])).toBe(alone);
      expect(colourOf(label, ['202', 'worker: confirmed', 'worker: failed SOLD_OUT', 'error ECONNRESET'])).toBe(alone);
    }
  });

  it('tell the outcomes of one run apart, in a fixed legend order', () => {
    const scale = colourScale(['409 SOLD_OUT', 'worker: confirmed', '202', 'worker: failed SOLD_OUT']);
    expect(scale.domain).toEqual(['202', 'worker: confirmed', '409 SOLD_OUT', 'worker: failed SOLD_OUT']);
    expect(new Set(scale.range).size).toBe(4);
  });

  it("colour each version's running totals as its own success", () => {
    expect(VERSION_COLOURS.v1).toBe(colourOf('201', []));
    expect(VERSION_COLOURS['v2 accepted (202)']).toBe(colourOf('202', []));
    expect(VERSION_COLOURS.v2).toBe(colourOf(workerLabel({ status: 'confirmed' }), []));
  });
});
