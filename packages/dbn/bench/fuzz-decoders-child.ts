/**
 * Child process of `fuzz-decoders.ts`: builds and checks the cases its parent names, one at a time, so
 * the parent can kill it when a case hangs.
 */

import { createFuzzCase, loadFuzzFixtures } from '../src/fuzz-cases.js';
import { checkFuzzCase } from '../src/fuzz-check.js';

/** A request from the parent. */
export interface FuzzRequest {
  readonly seed: number;
  readonly index: number;
}

/** The child's answer for one case. */
export interface FuzzReply {
  readonly index: number;
  readonly kind: 'decoded' | 'typed' | 'untyped' | 'wrong';
  readonly detail: string | undefined;
  readonly description: string;
  /** Peak resident set size of this child so far. */
  readonly maxRssBytes: number;
}

const fixtures = loadFuzzFixtures(process.env.LB_DBN_FIXTURES!);

process.on('message', async (request: FuzzRequest) => {
  const fuzzCase = await createFuzzCase(fixtures, request.seed, request.index);
  const outcome = await checkFuzzCase(fuzzCase);
  const reply: FuzzReply = {
    index: request.index,
    kind: outcome.kind,
    detail: outcome.detail,
    description: `${fuzzCase.fixture} ${fuzzCase.mutations.join(' ')} (${fuzzCase.bytes.length} bytes)`,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  process.send!(reply);
});
process.send!('ready');
