import { describe, expect, it } from 'vitest';
import { RunTimeline } from './run-timeline.js';

describe('RunTimeline', () => {
  const clockAt = () => {
    let ms = Date.parse('2030-01-01T00:00:00Z');
    return { now: () => new Date(ms), advance: (by: number) => (ms += by) };
  };

  it('spans each phase from its first start to its last end, across overlapping work', async () => {
    const clock = clockAt();
    const timeline = new RunTimeline(clock.now);
    await timeline.span('generate', async () => clock.advance(100));
    await timeline.span('deliver', async () => clock.advance(50));
    await timeline.span('generate', async () => clock.advance(30));
    const phases = timeline.phases();
    expect(phases.generate?.durationMs).toBe(180);
    expect(phases.deliver).toEqual({ startedAt: '2030-01-01T00:00:00.100Z', finishedAt: '2030-01-01T00:00:00.150Z', durationMs: 50 });
    expect(phases.verify).toBeUndefined();
  });

  it('opens the change window at the first live write and closes it at the last tunnel up', () => {
    const clock = clockAt();
    const timeline = new RunTimeline(clock.now);
    timeline.tunnelUp();
    expect(timeline.changeWindow()).toBeUndefined();
    clock.advance(10);
    timeline.liveWrite();
    clock.advance(20);
    timeline.liveWrite();
    clock.advance(70);
    timeline.tunnelUp();
    clock.advance(500);
    expect(timeline.changeWindow()?.durationMs).toBe(90);
  });

  it('keeps the window open to now while no tunnel came up after a live write', () => {
    const clock = clockAt();
    const timeline = new RunTimeline(clock.now);
    timeline.liveWrite();
    clock.advance(40);
    expect(timeline.changeWindow()?.durationMs).toBe(40);
  });
});
