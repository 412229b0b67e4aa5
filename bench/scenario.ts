// What a bench scenario is. Each file in bench/scenarios/ default-exports one (use `scenario()` for
// the types), and `npm run bench` runs every one of them against the app and against the bare
// baseline it names, in the same run, so the ratio holds on a noisy machine.
import type { Config } from '../src/config.ts';
import type { Database } from '../src/platform/db/database.ts';
import type { Clock } from '../src/platform/time/clock.ts';

export interface BenchRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path on the app, starting with `/` (the host is always the app at 127.0.0.1). */
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** Changes a request just before it is sent (a fresh value per request, say). */
  setupRequest?: (request: BenchRequest, context: Record<string, unknown>) => BenchRequest;
  /** Reads a response (to carry a cookie or token to the next request, say). */
  onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => void;
}

export interface BenchContext {
  engine: 'sqlite' | 'postgres';
  /** `http://127.0.0.1:<port>` of the app under test. */
  origin: string;
  /** A connection of the bench's own to the app's database (the same file or schema). */
  db: Database;
  /** The clock the app runs on: the system clock. */
  clock: Clock;
  /** The configuration the app was started with. */
  config: Config;
}

export interface Scenario<State = void> {
  name: string;
  /** Concurrent connections autocannon keeps open. */
  connections: number;
  /** How long to measure; BENCH_DURATION overrides it for every scenario. */
  durationSeconds: number;
  /**
   * The bare baseline this hot path is compared with: one durable insert, one indexed read, or a
   * full-text match within a place box on the app's own directory tables (`fts`, whose requests the
   * scenario gives in `baselineRequests`, measured after its setup).
   */
  baseline: 'insert' | 'read' | 'fts';
  /** The status a successful request answers with (default: any 2xx). */
  expectStatus?: number;
  /** Runs once per engine before measuring (create users, data, a session). */
  setup?(ctx: BenchContext): Promise<State>;
  /** The requests autocannon sends, in turn, over each connection (not needed by a scenario that has `measure`). */
  requests?(ctx: BenchContext, state: State): BenchRequest[];
  /**
   * A measurement of the scenario's own instead of autocannon's load, for what requests and answers
   * cannot show (how fast an update reaches 200 open event streams). Not compared with a baseline.
   */
  measure?(ctx: BenchContext, state: State, options: { durationSeconds: number }): Promise<CustomMeasurement>;
  /** For `baseline: 'fts'`: the baseline server's requests (`GET /fts?q=&lat=&lng=&km=`), the same searches as `requests`. */
  baselineRequests?(ctx: BenchContext, state: State): BenchRequest[];
}

/** What a scenario's own measurement found. */
export interface CustomMeasurement {
  /** Each sample's latency in ms (say, each client's receipt of each update). */
  latenciesMs: number[];
  /** Samples per second over the measurement (the req/s column). */
  perSecond: number;
  /** Samples that never came (a client that missed an update): the row is then not "ok". */
  missing: number;
  /** Connections or requests that failed. */
  errors: number;
  /** A line printed under the table (what was measured, the worst case). */
  note?: string;
}

/** Declares a scenario with its types checked: `export default scenario({ … })`. */
export function scenario<State = void>(s: Scenario<State>): Scenario<State> {
  return s;
}
