// The part of autocannon 8's API the serve benchmark uses (the package ships no types).
declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      /** Called before each send of this request; returns the request to send. */
      setupRequest?: (request: Request, context: Record<string, unknown>) => Request;
    }

    interface Options {
      url: string;
      /** Concurrent connections. Defaults to 10. */
      connections?: number;
      /** Seconds to run. Defaults to 10. */
      duration?: number;
      /** Seconds before a request counts as timed out. Defaults to 10. */
      timeout?: number;
      method?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      /** The sequence each connection sends, over and over. */
      requests?: Request[];
    }

    /** hdr-histogram percentiles; latency in ms, requests per second sample. */
    interface Histogram {
      average: number;
      min: number;
      max: number;
      p50: number;
      p90: number;
      p99: number;
      total: number;
    }

    interface Result {
      /** Seconds the run took. */
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      requests: Histogram & { sent: number };
      latency: Histogram;
      statusCodeStats: Record<string, { count: number }>;
    }
  }

  /** Runs a load test; the instance it returns is also a promise of the result. */
  function autocannon(options: autocannon.Options): PromiseLike<autocannon.Result>;
  export default autocannon;
}
