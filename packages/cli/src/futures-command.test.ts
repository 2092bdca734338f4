import { describe, expect, it } from 'vitest';
import { runCaptured } from './__fixtures__/run-captured.js';

const run = runCaptured;

describe('lb futures resolve', () => {
  it.each([
    ['ES', '2024-03-04T12:00:00-05:00', 'ESH4'],
    ['ES', '2024-03-05T00:00:00-05:00', 'ESM4'],
    ['ES', '2025-03-11T00:30:00-04:00', 'ESM5'],
    ['es', '2025-03-11T04:30:00Z', 'ESM5'],
    ['GC', '2025-02-17T00:00-05:00', 'GCJ5'],
    ['CL', '2025-12-14T12:00:00.000-05:00', 'CLZ5'],
  ])('should print the contract of %s at %s', async (root, at, symbol) => {
    expect(await run('futures', 'resolve', root, '--at', at)).toEqual({
      code: 0,
      stdout: `${symbol}\n`,
      stderr: '',
    });
  });

  it('should exit 2 when --at is missing', async () => {
    expect(await run('futures', 'resolve', 'ES')).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: required option '--at <instant>' not specified\n",
    });
  });

  it('should exit 2 when the root is missing', async () => {
    expect(await run('futures', 'resolve', '--at', '2025-03-11T04:30:00Z')).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: missing required argument 'ROOT'\n",
    });
  });

  it.each(['tomorrow', '2025-03-11', '2025-03-11T04:30:00', '2025-02-30T00:00:00Z', '2025-13-01T00:00:00Z'])(
    'should exit 2 for the unparsable instant %j',
    async (at) => {
      expect(await run('futures', 'resolve', 'ES', '--at', at)).toEqual({
        code: 2,
        stdout: '',
        stderr: `error: --at must be an ISO-8601 instant with an offset, like 2025-03-11T00:30:00-04:00 or 2025-03-11T04:30:00Z; got ${JSON.stringify(at)}\n`,
      });
    },
  );

  it('should exit 2 for a junk root', async () => {
    expect(await run('futures', 'resolve', '1!', '--at', '2025-03-11T04:30:00Z')).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: Futures root must be 1 to 6 letters or digits with at least one letter (like ES, M2K or 6E), got "1!".\n',
    });
  });

  it('should resolve CME FX futures, whose roots start with a digit', async () => {
    expect(await run('futures', 'resolve', '6E', '--at', '2025-03-09T12:00:00-04:00')).toEqual({
      code: 0,
      stdout: '6EH5\n',
      stderr: '',
    });
    expect(await run('futures', 'resolve', '6j', '--at', '2025-03-10T00:00:00-04:00')).toEqual({
      code: 0,
      stdout: '6JM5\n',
      stderr: '',
    });
  });

  it('should print help and exit 0', async () => {
    const result = await run('futures', 'resolve', '--help');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Usage: lb futures resolve [options] <ROOT>');
    expect(result.stdout).toContain('--at <instant>');
  });
});

describe('lb futures schedule', () => {
  it('should print one JSON object per segment', async () => {
    expect(
      await run(
        'futures',
        'schedule',
        'MES',
        '--start',
        '2025-09-01T04:00:00Z',
        '--end',
        '2025-09-30T04:00:00Z',
      ),
    ).toEqual({
      code: 0,
      stdout:
        '{"symbol":"MESU5","start":"2025-09-01T04:00:00.000Z","end":"2025-09-09T04:00:00.000Z"}\n' +
        '{"symbol":"MESZ5","start":"2025-09-09T04:00:00.000Z","end":"2025-09-30T04:00:00.000Z"}\n',
      stderr: '',
    });
  });

  it('should accept offsets other than Z', async () => {
    expect(
      await run(
        'futures',
        'schedule',
        'ES',
        '--start',
        '2025-12-01T00:00-05:00',
        '--end',
        '2025-12-10T00:00-05:00',
      ),
    ).toEqual({
      code: 0,
      stdout:
        '{"symbol":"ESZ5","start":"2025-12-01T05:00:00.000Z","end":"2025-12-09T05:00:00.000Z"}\n' +
        '{"symbol":"ESH6","start":"2025-12-09T05:00:00.000Z","end":"2025-12-10T05:00:00.000Z"}\n',
      stderr: '',
    });
  });

  it('should print nothing for an empty range', async () => {
    expect(
      await run(
        'futures',
        'schedule',
        'ES',
        '--start',
        '2025-12-01T00:00:00Z',
        '--end',
        '2025-12-01T00:00:00Z',
      ),
    ).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('should exit 2 when start is after end', async () => {
    expect(
      await run(
        'futures',
        'schedule',
        'ES',
        '--start',
        '2025-12-02T00:00:00Z',
        '--end',
        '2025-12-01T00:00:00Z',
      ),
    ).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: start (2025-12-02T00:00:00.000Z) must not be after end (2025-12-01T00:00:00.000Z).\n',
    });
  });

  it('should exit 2 when --end is missing or unparsable', async () => {
    expect(await run('futures', 'schedule', 'ES', '--start', '2025-12-01T00:00:00Z')).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: required option '--end <instant>' not specified\n",
    });
    const result = await run('futures', 'schedule', 'ES', '--start', '2025-12-01T00:00:00Z', '--end', 'soon');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: --end must be an ISO-8601 instant with an offset, like 2025-03-11T00:30:00-04:00 or 2025-03-11T04:30:00Z; got "soon"\n',
    );
  });

  it('should print help for the schedule and futures commands and exit 0', async () => {
    const schedule = await run('futures', 'schedule', '--help');
    expect(schedule.code).toBe(0);
    expect(schedule.stdout).toContain('Usage: lb futures schedule [options] <ROOT>');
    expect(schedule.stdout).toContain('--start <instant>');
    expect(schedule.stdout).toContain('--end <instant>');
    const futures = await run('futures', '--help');
    expect(futures.code).toBe(0);
    expect(futures.stdout).toContain('resolve [options] <ROOT>');
    expect(futures.stdout).toContain('schedule [options] <ROOT>');
  });
});
