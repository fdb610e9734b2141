/**
 * A load generator in a process of its own (so its CPU is not the server's): autocannon, driven
 * programmatically, sending one method and body to a list of paths, each with its own headers:
 * in turn (a shared counter, so the connections between them walk the whole list), or one drawn
 * uniformly at random for each request. Used where
 * autocannon's command line, which sends one URL, is not enough: requests spread over many
 * tenants' issuers.
 *
 * `node dist/bench/load-child.js <spec.json>`; the spec is a `CycleSpec` (./harness.ts). Prints
 * autocannon's result as JSON on stdout.
 */
import fs from 'node:fs';
import autocannon from 'autocannon';
import type { CycleSpec } from './harness.js';

const spec = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as CycleSpec;
if (!spec.targets.length) throw new Error('no targets');
let next = 0;
const instance = autocannon({
  url: spec.baseUrl,
  connections: spec.connections,
  duration: spec.duration,
  timeout: spec.timeout,
  requests: [
    {
      method: spec.method,
      ...(spec.body ? { body: spec.body } : {}),
      setupRequest: (request) => {
        const index = spec.order === 'random' ? Math.floor(Math.random() * spec.targets.length) : next++ % spec.targets.length;
        const target = spec.targets[index]!;
        return { ...request, path: target.path, headers: { ...request.headers, ...target.headers }, ...(spec.body ? { body: spec.body } : {}) };
      },
    },
  ],
});
process.once('SIGINT', () => instance.stop());
instance.then(
  (result) => process.stdout.write(JSON.stringify(result)),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
