import { describe, expect, it } from 'vitest';
import { lineChart } from '../../src/web/line-chart.ts';

describe('lineChart', () => {
  const chart = lineChart({
    id: 'c1',
    title: 'Shares <and> "quotes"',
    description: 'From 20 % to 50 %.',
    labels: ['1 Mar', '2 Mar', '3 Mar'],
    series: [
      { name: 'Answered', values: [0.2, null, 0.5] },
      { name: 'Did you mean <b>', values: [0, 0.1, 0.2] },
    ],
    share: true,
    format: (v) => `${Math.round(v * 100)} %`,
  });

  it('is one image named by its title and description', () => {
    expect(chart).toMatch(/^<svg class="chart" viewBox="0 0 720 260" role="img" aria-labelledby="c1-title c1-desc"/);
    expect(chart).toContain('<title id="c1-title">Shares &lt;and&gt; &quot;quotes&quot;</title>');
    expect(chart).toContain('<desc id="c1-desc">From 20 % to 50 %.</desc>');
    expect(chart).not.toContain('<b>');
  });

  it('tells series apart by dash and marker as well as colour, each point with its value', () => {
    expect(chart.match(/stroke-dasharray="7 4"/g)).toHaveLength(2); // the legend's line and the series'
    expect(chart.match(/<rect /g)!.length).toBe(1 + 3); // the legend's marker and three points
    expect(chart).toContain('<title>Answered, 3 Mar: 50 %</title>');
    expect(chart).toContain('<title>Did you mean &lt;b&gt;, 2 Mar: 10 %</title>');
  });

  it('breaks a line where a period has no value, and runs the axis of shares to 100 %', () => {
    const answered = /<path d="(M[^"]+)" fill="none" stroke="#1f5f99"/.exec(chart)![1]!;
    expect(answered.match(/M/g)).toHaveLength(2);
    expect(chart).toContain('>100 %</text>');
  });
});
