import { writeFileSync } from 'node:fs';
import { measureApiCalls } from './api-calls.js';
import { measureBurst } from './burst.js';
import { measureRendering } from './rendering.js';
import { measureThroughput } from './throughput.js';

/**
 * `node --import tsx bench/section.ts <section> <result.json>`: one part of the benchmark in a
 * process of its own, so its memory peak, its JIT and the environment the local stack sets do
 * not leak into the others. Writes the section's result as JSON.
 */
const sections: Record<string, () => unknown> = {
  rendering: () => measureRendering(),
  throughput: () => measureThroughput(),
  'api-calls': () => measureApiCalls(),
  burst: () => measureBurst(),
};

const [name = '', out] = process.argv.slice(2);
const section = sections[name];
if (!section || !out) {
  console.error(`usage: section.ts <${Object.keys(sections).join('|')}> <result.json>`);
  process.exit(2);
}
writeFileSync(out, JSON.stringify(await section()));
// The local stack leaves keep-alive sockets and timers behind; the result is written.
process.exit(0);
