import { describe, expect, it } from 'vitest';
import { cramResponse, formatSubscriptionLines, parseControlLine } from './control-lines.js';
import { gatewayForDataset, resolveGateway } from './gateway-address.js';

describe('control lines', () => {
  it('should compute the CRAM response of the official clients (known answer)', () => {
    expect(cramResponse('t7kNhwj4xqR0QYjzFKtBEG2ec2pXJ4FK', '32-character-with-lots-of-filler')).toBe(
      '42e2c6c6a874b2f4498bcaf0541be406901a23adef1fb2843d5426f6d2387d14-iller',
    );
  });

  it('should parse key=value lines tolerating \\r, a trailing | and = inside values', () => {
    const fields = parseControlLine('success=1|session_id=17|note=a=b|\r\n');
    expect([...fields]).toEqual([
      ['success', '1'],
      ['session_id', '17'],
      ['note', 'a=b'],
    ]);
  });

  it('should split 1200 symbols into chunks of 500, 500 and 200 with is_last only on the last', () => {
    const symbols = Array.from({ length: 1200 }, (_, index) => `S${index}`);
    const lines = formatSubscriptionLines(
      { schema: 'trades', stypeIn: 'raw_symbol', symbols, startNanos: 1_700_000_000_000_000_000n },
      7,
    );
    expect(lines.map((line) => parseControlLine(line).get('symbols')!.split(',').length)).toEqual([
      500, 500, 200,
    ]);
    expect(lines.map((line) => parseControlLine(line).get('is_last'))).toEqual(['0', '0', '1']);
    expect(lines[2]).toBe(
      `schema=trades|stype_in=raw_symbol|symbols=${symbols.slice(1000).join(',')}|start=1700000000000000000|snapshot=0|id=7|is_last=1\n`,
    );
  });
});

describe('gateway address', () => {
  it('should derive the gateway from the dataset', () => {
    expect(gatewayForDataset('GLBX.MDP3')).toEqual({ host: 'glbx-mdp3.lsg.databento.com', port: 13000 });
  });

  it('should prefer the gateway setting, then DATABENTO_LIVE_GATEWAY', () => {
    const env = { DATABENTO_LIVE_GATEWAY: '127.0.0.1:4000' };
    expect(resolveGateway({ dataset: 'GLBX.MDP3', gateway: 'localhost:5000', env })).toEqual({
      host: 'localhost',
      port: 5000,
    });
    expect(resolveGateway({ dataset: 'GLBX.MDP3', env })).toEqual({ host: '127.0.0.1', port: 4000 });
  });

  it('should reject a gateway without a port with a message naming the form', () => {
    expect(() => resolveGateway({ dataset: 'GLBX.MDP3', gateway: 'localhost', env: {} })).toThrow(
      'Invalid Databento live gateway "localhost" (gateway): use host:port, e.g. 127.0.0.1:13000.',
    );
  });
});
