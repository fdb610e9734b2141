/**
 * The part of autocannon's programmatic API the benchmark uses (autocannon 9 ships no types and
 * @types/autocannon is not installed). See node_modules/autocannon/README.md, "API".
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    /** What `setupRequest` receives and returns (a falsy return restarts the sequence). */
    interface RequestParams {
      method: string;
      path: string;
      headers: Record<string, string>;
      body?: string | Buffer;
    }

    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
      /** Called in the load-generating thread before each request (so not with `workers`). */
      setupRequest?: (request: RequestParams, context: Record<string, unknown>) => RequestParams | undefined;
    }

    interface Options {
      url: string;
      title?: string;
      connections?: number;
      /** Seconds; ignored when `amount` is set. */
      duration?: number;
      /** Total requests to send; the run ends when they have all completed. */
      amount?: number;
      /** Seconds to wait for a response before counting a timeout. */
      timeout?: number;
      /** Worker threads that generate the load (0/undefined: the calling thread). */
      workers?: number;
      method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
      headers?: Record<string, string>;
      body?: string;
      /** Replace every `[<id>]` in the body with a fresh unique id per request. */
      idReplacement?: boolean;
      /** The request sequence each connection loops over. */
      requests?: Request[];
    }

    /** An HDR histogram summary; `p97_5` is the 97.5th percentile. */
    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p97_5: number;
      p99: number;
    }

    interface Result {
      title?: string;
      url: string;
      connections: number;
      /** Seconds. */
      duration: number;
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      resets: number;
      '1xx': number;
      '2xx': number;
      '3xx': number;
      '4xx': number;
      '5xx': number;
      statusCodeStats: Record<string, { count: number }>;
      /** Milliseconds. */
      latency: Histogram & { totalCount: number };
      /** Requests per second sample; `total` is completed requests, `sent` the requests sent. */
      requests: Histogram & { sent: number };
      /** Bytes per second sample; `total` is bytes received. */
      throughput: Histogram;
    }

    /** Also emits 'start', 'tick', 'response' (client, statusCode, bytes, ms) and 'reqError'. */
    interface Instance extends EventEmitter, PromiseLike<Result> {
      stop(): void;
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
