import { describe, expect, it } from 'vitest';
import {
  computeDrawdownPercent,
  computeHistogram,
  computeRolling,
  downsampleMinMax,
  selectExtremeIndices,
} from './series.js';

describe('computeDrawdownPercent', () => {
  it('should return value / running max - 1 in percent', () => {
    expect(computeDrawdownPercent([100, 110, 99, 121, 60.5, 121])).toEqual([
      0,
      0,
      (99 / 110 - 1) * 100,
      0,
      -50,
      0,
    ]);
    expect(computeDrawdownPercent([200, 150, 100])).toEqual([0, -25, -50]);
  });

  it('should return NaN while the running max is not positive', () => {
    expect(computeDrawdownPercent([-5, 0, 10, 5])).toEqual([Number.NaN, Number.NaN, 0, -50]);
  });

  it('should return an empty array for an empty curve', () => {
    expect(computeDrawdownPercent([])).toEqual([]);
  });
});

describe('downsampleMinMax', () => {
  it('should return the series unchanged when it fits', () => {
    expect(downsampleMinMax([1, 2, 3], [5, 6, 7], 10)).toEqual({ xs: [1, 2, 3], ys: [5, 6, 7] });
  });

  it('should cap the point count and keep the global extremes, first and last points', () => {
    const length = 100_003;
    const xs = Array.from({ length }, (_, index) => index);
    const ys = xs.map((x) => Math.sin(x / 1000));
    ys[31_337] = 50;
    ys[77_777] = -50;
    const result = downsampleMinMax(xs, ys, 5_000);
    expect(result.xs.length).toBeLessThanOrEqual(5_000);
    expect(result.xs.length).toBe(result.ys.length);
    expect(Math.max(...result.ys)).toBe(50);
    expect(Math.min(...result.ys)).toBe(-50);
    expect(result.xs[result.ys.indexOf(50)]).toBe(31_337);
    expect(result.xs[result.ys.indexOf(-50)]).toBe(77_777);
    expect(result.xs[0]).toBe(0);
    expect(result.xs.at(-1)).toBe(length - 1);
    expect(result.ys.at(-1)).toBe(ys[length - 1]);
  });

  it('should keep x ascending and each kept point paired with its original y', () => {
    const xs = Array.from({ length: 1_000 }, (_, index) => index * 10);
    const ys = xs.map((x) => (x * 7919) % 1_009);
    const result = downsampleMinMax(xs, ys, 50);
    for (let index = 1; index < result.xs.length; index++) {
      expect(result.xs[index]!).toBeGreaterThan(result.xs[index - 1]!);
    }
    result.xs.forEach((x, index) => {
      expect(result.ys[index]).toBe(ys[x / 10]);
    });
  });

  it('should keep min and max of every bucket', () => {
    // 2 + 2 buckets of 4 points each: first, [1..4], [5..8], last.
    const xs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const ys = [0, 5, -3, 2, 1, 9, 8, -7, 4, 1];
    expect(downsampleMinMax(xs, ys, 6)).toEqual({ xs: [0, 1, 2, 5, 7, 9], ys: [0, 5, -3, 9, -7, 1] });
  });
});

describe('selectExtremeIndices', () => {
  it('should keep every series extreme at shared indices', () => {
    const first = Array.from({ length: 1_000 }, (_, index) => Math.sin(index / 10));
    const second = Array.from({ length: 1_000 }, (_, index) => (index === 777 ? 50 : index % 3));
    const indices = selectExtremeIndices([first, second], 1_000, 100);
    expect(indices.length).toBeLessThanOrEqual(100);
    expect(indices[0]).toBe(0);
    expect(indices.at(-1)).toBe(999);
    expect(indices).toContain(777);
    expect([...indices].sort((left, right) => left - right)).toEqual(indices);
    expect(Math.min(...indices.map((index) => first[index]!))).toBe(Math.min(...first));
  });
});

describe('computeRolling', () => {
  it('should compute the annualised rolling Sharpe and volatility of a window', () => {
    // Window [0.01, -0.01, 0.03]: mean 0.01, sample deviation 0.02.
    const { sharpe, volatility } = computeRolling([0.01, -0.01, 0.03], 3);
    expect(sharpe.slice(0, 2)).toEqual([Number.NaN, Number.NaN]);
    expect(volatility[2]).toBeCloseTo(0.02 * Math.sqrt(252), 12);
    expect(sharpe[2]).toBeCloseTo(0.5 * Math.sqrt(252), 12);
  });
});

describe('computeHistogram', () => {
  it('should count values into equal-width bins between the extremes', () => {
    expect(computeHistogram([0, 0.1, 0.2, 0.3, 0.4, Number.NaN], 2)).toEqual({
      centers: [0.1, 0.30000000000000004],
      counts: [2, 3],
    });
    expect(computeHistogram([1, 1], 4)).toEqual({ centers: [1], counts: [2] });
  });
});
