// npm run bench: the app's hot paths against a bare baseline, measured in the same run.
//
// For each engine (SQLite always; PostgreSQL too when BENCH_DATABASE_URL is set) it starts, each in
// a process of its own: the real app on a scratch database (a temp folder, or a fresh schema), and a
// minimal Fastify server doing one durable insert or one indexed read on the same engine. autocannon
// (in this process) loads each for a few seconds. It prints req/s, p50, p95 and p99 latency and the
// throughput ratio to the matching baseline, and writes bench/results/<YYYY-MM-DD>.json.
// See bench/README.md for how to read the figures.
//
//   BENCH_DURATION=10      seconds measured per scenario and baseline (default: the scenario's, 5)
//   BENCH_WARMUP=1         seconds of unmeasured load before each measurement (default 1)
//   BENCH_ONLY=sign-in     run only scenarios whose name or file contains this (or any of a comma-separated list)
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test   also run on PostgreSQL
//   BENCH_CONNECTIONS=1    every scenario at this many connections instead of its own
//   BENCH_CPU_PROFILE=dir  the app's processes write a V8 CPU profile there (node --cpu-prof), to see where time goes
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon, { type AutocannonRequest, type Result } from 'autocannon';
import type { Config } from '../src/config.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { createSchema, dropSchema } from '../src/platform/db/dialect/connect.ts';
import { systemClock } from '../src/platform/time/clock.ts';
import type { BenchContext, BenchRequest, CustomMeasurement, Scenario } from './scenario.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

type Engine = 'sqlite' | 'postgres';
type Kind = 'insert' | 'read' | 'fts';

interface Row {
  engine: Engine;
  name: string;
  role: 'baseline' | 'scenario';
  baseline: Kind;
  connections: number;
  durationSeconds: number;
  requests: number;
  reqPerSec: number;
  p50Ms: number;
  /** From every response's own time (autocannon's summary has no p95), to the same whole ms. */
  p95Ms: number;
  p99Ms: number;
  /** Throughput over the matching baseline's (scenarios only). */
  ratio: number | null;
  expectedStatus: string;
  unexpected: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  note?: string;
  /** What a scenario's own measurement measured (`measure`). */
  about?: string;
}

function seconds(name: string, fallback: number | undefined, min: number, max: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`${name}: expected a number of seconds from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    process.exit(1);
  }
  return n;
}

const DURATION = seconds('BENCH_DURATION', undefined, 1, 120);
/** Where the app's processes write their CPU profiles, when asked (`node --cpu-prof`; open them in Chrome's DevTools). */
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROFILE ? path.resolve(process.env.BENCH_CPU_PROFILE) : null;

/** Every scenario (and its baselines) at this many connections: BENCH_CONNECTIONS=1 shows each path's own latency, with no request queued behind another. */
const CONNECTIONS = (() => {
  const raw = process.env.BENCH_CONNECTIONS;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    console.error(`BENCH_CONNECTIONS: expected a whole number from 1 to 1000, got ${JSON.stringify(raw)}`);
    process.exit(1);
  }
  return n;
})();
const WARMUP = seconds('BENCH_WARMUP', 1, 0, 30) ?? 1;
const ONLY = process.env.BENCH_ONLY;
const ONLY_ANY = (ONLY ?? '').split(',').map((o) => o.trim()).filter(Boolean);
const PG_URL = process.env.BENCH_DATABASE_URL;

/** This machine's PostgreSQL only: over TCP at 127.0.0.1 or localhost, or through its Unix socket folder (`?host=/…`). */
function isLocalPostgres(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') return false;
  const socketFolder = u.searchParams.get('host');
  if (socketFolder !== null) return socketFolder.startsWith('/');
  return u.hostname === '127.0.0.1' || u.hostname === 'localhost';
}

// ---------------------------------------------------------------------------------------------
// Child processes: servers run apart from the load generator, so they do not share its event loop.

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(130));
}

interface Server {
  origin: string;
  extra: Record<string, unknown>;
  stop(): Promise<void>;
}

function startServer(script: string, arg: unknown, label: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(CPU_PROFILE_DIR && script === 'app.ts' ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROFILE_DIR}`] : []), '--import', 'tsx', path.join(here, 'servers', script), JSON.stringify(arg)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env },
    });
    children.add(child);
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label} did not start within 60 seconds.\n${err}`));
    }, 60_000);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('READY '));
      if (!line) return;
      clearTimeout(timer);
      const info = JSON.parse(line.slice('READY '.length)) as { origin: string } & Record<string, unknown>;
      const { origin, ...extra } = info;
      if (new URL(origin).hostname !== '127.0.0.1') {
        child.kill('SIGKILL');
        reject(new Error(`${label} listens on ${origin}; the bench only loads 127.0.0.1.`));
        return;
      }
      resolve({
        origin,
        extra,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(kill);
              children.delete(child);
              done();
            });
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      children.delete(child);
      if (!out.includes('READY ')) reject(new Error(`${label} exited with code ${code} before it was ready.\n${err}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Scenarios: every file in bench/scenarios/.

async function loadScenarios(): Promise<Scenario<unknown>[]> {
  const dir = path.join(here, 'scenarios');
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort();
  const out: Scenario<unknown>[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as { default?: Scenario<unknown> };
    const s = mod.default;
    if (!s || (typeof s.requests !== 'function' && typeof s.measure !== 'function') || !s.name || !['insert', 'read', 'fts'].includes(s.baseline)) {
      throw new Error(`bench/scenarios/${f} must default-export a scenario({ name, connections, durationSeconds, baseline, requests }).`);
    }
    if (s.baseline === 'fts' && typeof s.baselineRequests !== 'function') {
      throw new Error(`bench/scenarios/${f}: a scenario compared with the 'fts' baseline gives its searches in baselineRequests.`);
    }
    if (ONLY_ANY.length === 0 || ONLY_ANY.some((o) => s.name.includes(o) || f.includes(o))) out.push(CONNECTIONS ? { ...s, connections: CONNECTIONS } : s);
  }
  return out;
}

function toAutocannon(r: BenchRequest): AutocannonRequest {
  for (const [k] of Object.entries(r.headers ?? {})) {
    if (k.toLowerCase() === 'host') throw new Error('bench requests may not set the Host header.');
  }
  if (!r.path.startsWith('/')) throw new Error(`bench request paths start with "/": ${r.path}`);
  // autocannon calls any hook key present, so leave out the ones not given.
  const out: AutocannonRequest = { method: r.method ?? 'GET', path: r.path };
  if (r.body !== undefined) out.body = r.body;
  if (r.headers) out.headers = r.headers;
  if (r.setupRequest) out.setupRequest = r.setupRequest as AutocannonRequest['setupRequest'];
  if (r.onResponse) out.onResponse = r.onResponse;
  return out;
}

interface Measured {
  result: Result;
  /** The measurement's 95th percentile latency, in ms. */
  p95Ms: number;
}

async function measure(origin: string, connections: number, duration: number, requests: AutocannonRequest[]): Promise<Measured> {
  const base = { url: origin, connections, pipelining: 1, timeout: 10, requests };
  if (WARMUP > 0) await autocannon({ ...base, duration: WARMUP });
  // autocannon's summary gives p90 and p97.5 but not p95: keep each response's time to find it
  // (of 2xx answers only, as autocannon's own percentiles are).
  const times: number[] = [];
  const run = autocannon({ ...base, duration });
  run.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
    if (status >= 200 && status < 300) times.push(responseTime);
  });
  const result = await run;
  return { result, p95Ms: percentile(times, 0.95) };
}

/** The nearest-rank percentile of the samples, rounded to a whole ms as autocannon's are; 0 for none. */
function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = Float64Array.from(samples).sort();
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!);
}

function rowOf(
  engine: Engine,
  name: string,
  role: Row['role'],
  baseline: Kind,
  connections: number,
  duration: number,
  { result, p95Ms }: Measured,
  expectStatus: number | undefined,
): Row {
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
  const total = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  const ok = expectStatus
    ? (statusCodes[String(expectStatus)] ?? 0)
    : Object.entries(statusCodes)
        .filter(([c]) => c.startsWith('2'))
        .reduce((a, [, n]) => a + n, 0);
  return {
    engine,
    name,
    role,
    baseline,
    connections,
    durationSeconds: duration,
    requests: result.requests.total,
    reqPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p95Ms,
    p99Ms: result.latency.p99,
    ratio: null,
    expectedStatus: expectStatus ? String(expectStatus) : '2xx',
    unexpected: total - ok,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
  };
}

/** The row of a scenario that measured on its own (`measure`): its latencies, no baseline, no ratio. */
function customRow(engine: Engine, s: Scenario<unknown>, duration: number, m: CustomMeasurement): Row {
  return {
    engine,
    name: s.name,
    role: 'scenario',
    baseline: s.baseline,
    connections: s.connections,
    durationSeconds: duration,
    requests: m.latenciesMs.length,
    reqPerSec: m.perSecond,
    p50Ms: percentile(m.latenciesMs, 0.5),
    p95Ms: percentile(m.latenciesMs, 0.95),
    p99Ms: percentile(m.latenciesMs, 0.99),
    ratio: null,
    expectedStatus: 'own measurement',
    unexpected: m.missing,
    errors: m.errors,
    timeouts: 0,
    statusCodes: {},
    about: m.note,
    note: m.missing > 0 || m.errors > 0 ? `${m.missing} samples never arrived, ${m.errors} errors` : undefined,
  };
}

// ---------------------------------------------------------------------------------------------

interface EngineSetup {
  engine: Engine;
  appTarget: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema: string };
  baselineTarget: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema: string };
  cleanup(): Promise<void>;
}

async function prepareEngine(engine: Engine): Promise<EngineSetup> {
  if (engine === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-bench-'));
    return {
      engine,
      appTarget: { kind: 'sqlite', file: path.join(dir, 'app.db') },
      baselineTarget: { kind: 'sqlite', file: path.join(dir, 'baseline.db') },
      async cleanup() {
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = PG_URL!;
  const stamp = `${Date.now().toString(36)}_${process.pid}`;
  const schemas = { app: `bench_app_${stamp}`, baseline: `bench_base_${stamp}` };
  const admin = openDatabase({ kind: 'postgres', url });
  await createSchema(admin.writer, schemas.app);
  await createSchema(admin.writer, schemas.baseline);
  await admin.close();
  return {
    engine,
    appTarget: { kind: 'postgres', url, schema: schemas.app },
    baselineTarget: { kind: 'postgres', url, schema: schemas.baseline },
    async cleanup() {
      const db = openDatabase({ kind: 'postgres', url });
      await dropSchema(db.writer, schemas.app);
      await dropSchema(db.writer, schemas.baseline);
      await db.close();
    },
  };
}

async function runEngine(engine: Engine, scenarios: Scenario<unknown>[]): Promise<Row[]> {
  const rows: Row[] = [];
  const prepared = await prepareEngine(engine);
  const servers: Server[] = [];
  try {
    // The baseline also reads the app's database, for the full-text baseline (`GET /fts`).
    const baseline = await startServer('baseline.ts', { ...prepared.baselineTarget, app: prepared.appTarget }, `${engine} baseline`);
    servers.push(baseline);
    const app = await startServer('app.ts', prepared.appTarget, `${engine} app`);
    servers.push(app);

    // Baselines first: both kinds (insert and read) at every connection count the scenarios use,
    // so each run shows what this machine's engine does bare, whichever baseline is compared. The
    // full-text baseline needs the scenario's data, so it is measured after that scenario's setup.
    const baselines = new Map<string, Row>();
    const wanted = new Map<string, { kind: Kind; connections: number; duration: number }>();
    for (const s of scenarios) {
      // A scenario with a measurement of its own is compared with no baseline.
      if (s.measure) continue;
      const duration = DURATION ?? s.durationSeconds;
      for (const kind of ['insert', 'read'] as const) {
        const key = `${kind}@${s.connections}`;
        const prev = wanted.get(key);
        wanted.set(key, { kind, connections: s.connections, duration: Math.max(prev?.duration ?? 0, duration) });
      }
    }
    for (const [key, w] of wanted) {
      const request: AutocannonRequest =
        w.kind === 'insert'
          ? { method: 'POST', path: '/insert', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payload: 'bench' }) }
          : { method: 'GET', path: '/read' };
      const label = w.kind === 'insert' ? 'baseline: one durable insert' : 'baseline: one indexed read';
      process.stdout.write(`  ${engine}: ${label} (${w.connections} connections, ${w.duration} s)… `);
      const result = await measure(baseline.origin, w.connections, w.duration, [request]);
      const row = rowOf(engine, label, 'baseline', w.kind, w.connections, w.duration, result, w.kind === 'insert' ? 201 : 200);
      console.log(`${Math.round(row.reqPerSec)} req/s`);
      baselines.set(key, row);
      rows.push(row);
    }

    // The app's scenarios, each with a database connection of the bench's own for its setup.
    const config = app.extra.config as Config;
    const db = openDatabase(prepared.appTarget);
    try {
      const ctx: BenchContext = { engine, origin: app.origin, db, clock: systemClock, config };
      for (const s of scenarios) {
        const duration = DURATION ?? s.durationSeconds;
        process.stdout.write(`  ${engine}: ${s.name} (${s.connections} connections, ${duration} s)… `);
        const state = s.setup ? await s.setup(ctx) : undefined;
        if (s.measure) {
          const row = customRow(engine, s, duration, await s.measure(ctx, state, { durationSeconds: duration }));
          console.log(`${Math.round(row.reqPerSec)} per second${row.note ? `  ⚠ ${row.note}` : ''}`);
          rows.push(row);
          continue;
        }
        if (s.baseline === 'fts' && s.baselineRequests) {
          const label = 'baseline: FTS match in a place box';
          const fts = await measure(baseline.origin, s.connections, duration, s.baselineRequests(ctx, state).map(toAutocannon));
          const row = rowOf(engine, label, 'baseline', 'fts', s.connections, duration, fts, 200);
          console.log(`\n  ${engine}: ${label} (${s.connections} connections, ${duration} s)… ${Math.round(row.reqPerSec)} req/s`);
          process.stdout.write(`  ${engine}: ${s.name}… `);
          baselines.set(`fts:${s.name}@${s.connections}`, row);
          rows.push(row);
        }
        const requests = (s.requests?.(ctx, state) ?? []).map(toAutocannon);
        const result = await measure(app.origin, s.connections, duration, requests);
        const row = rowOf(engine, s.name, 'scenario', s.baseline, s.connections, duration, result, s.expectStatus);
        const base = baselines.get(s.baseline === 'fts' ? `fts:${s.name}@${s.connections}` : `${s.baseline}@${s.connections}`);
        row.ratio = base && base.reqPerSec > 0 ? row.reqPerSec / base.reqPerSec : null;
        if (row.unexpected > 0) {
          const codes = Object.entries(row.statusCodes)
            .map(([c, n]) => `${c}×${n}`)
            .join(', ');
          row.note = `${row.unexpected} of ${row.requests} answers were not ${row.expectedStatus} (${codes})`;
        } else if (row.requests === 0) {
          row.note = 'no answer arrived during the measurement (the app stalled, or each request took longer than the duration)';
        }
        console.log(`${Math.round(row.reqPerSec)} req/s${row.note ? `  ⚠ ${row.note}` : ''}`);
        rows.push(row);
      }
    } finally {
      await db.close();
    }
  } finally {
    for (const s of servers.reverse()) await s.stop();
    await prepared.cleanup();
  }
  return rows;
}

function printTable(rows: Row[]): void {
  const header = ['engine', 'scenario', 'conns', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'ratio', 'vs baseline', 'status'];
  const body = rows.map((r) => [
    r.engine,
    r.role === 'baseline' ? `(${r.name})` : r.name,
    String(r.connections),
    Math.round(r.reqPerSec).toLocaleString('en-GB'),
    String(r.p50Ms),
    String(r.p95Ms),
    String(r.p99Ms),
    r.ratio === null ? '' : r.ratio.toFixed(2),
    r.role === 'baseline' ? '' : r.about ? 'none' : r.baseline,
    r.requests === 0
      ? 'no answers'
      : r.unexpected > 0 || r.errors > 0 || r.timeouts > 0
        ? `${r.unexpected} unexpected, ${r.errors} errors, ${r.timeouts} timeouts`
        : 'ok',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const numeric = new Set([2, 3, 4, 5, 6, 7]);
  const line = (cells: string[]) => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));
}

async function main(): Promise<void> {
  const scenarios = await loadScenarios();
  if (scenarios.length === 0) {
    console.error(`bench: no scenario matched${ONLY ? ` BENCH_ONLY=${ONLY}` : ''}.`);
    process.exit(1);
  }
  const engines: Engine[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
  if (PG_URL && !isLocalPostgres(PG_URL)) {
    console.error('BENCH_DATABASE_URL: the bench only runs against a PostgreSQL at 127.0.0.1 or localhost, or through a Unix socket folder (postgres://postgres@localhost/test?host=/var/run/postgresql).');
    process.exit(1);
  }
  console.log(
    `Mutual bench: ${scenarios.length} scenario(s) on ${engines.join(' and ')}; ${DURATION ? `${DURATION} s each` : 'scenario durations'}, ${WARMUP} s warm-up; ${os.cpus().length} CPUs, Node ${process.version}`,
  );
  const started = Date.now();
  const rows: Row[] = [];
  for (const engine of engines) rows.push(...(await runEngine(engine, scenarios)));

  console.log('');
  printTable(rows);
  console.log('\nratio = the scenario\'s req/s over its baseline\'s, same engine, same connections, same run (bench/README.md).');
  for (const r of rows.filter((row) => row.about)) console.log(`${r.engine} ${r.name}: ${r.about}.`);
  for (const r of rows.filter((row) => row.note)) {
    console.log(`⚠ ${r.engine} ${r.name}: ${r.note}; its figures do not measure the hot path.`);
  }

  const date = new Date().toISOString().slice(0, 10);
  const out = path.join(here, 'results', `${date}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` },
    settings: { durationSeconds: DURATION ?? 'per scenario', warmupSeconds: WARMUP, only: ONLY ?? null, connections: CONNECTIONS ?? 'per scenario', engines },
    tookSeconds: Math.round((Date.now() - started) / 1000),
    rows,
  };
  fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`Wrote ${path.relative(root, out)} (${report.tookSeconds} s).`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
