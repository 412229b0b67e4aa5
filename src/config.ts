// Environment -> typed, validated configuration. A bad value stops the process at start with a
// message naming the variable and what is expected (ASVS 5.0 V13.1: configuration is validated).
import path from 'node:path';
import { z } from 'zod';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'Expected true or false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v)));

const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `Expected a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

const phone = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) => v ?? fallback)
    .pipe(z.string().regex(/^[0-9 ]{3,15}$/, 'Expected a telephone number of digits and spaces'));

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production'], { message: 'Expected development, test or production' }).default('development'),
  PORT: int(3000, 0, 65535),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url({ message: 'Expected an absolute URL such as https://mutual.example.org' }).optional(),
  DATABASE_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || /^(postgres|postgresql):\/\//.test(v) || v.startsWith('sqlite:'), {
      message: 'Expected postgres://… or sqlite:<file path>',
    }),
  /** PostgreSQL: the schema the tables live in (several alliances or environments in one database); default public. */
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'Expected a schema name: lower-case letters, digits and _, starting with a letter or _')
    .optional(),
  SERVICE_NAME: z.string().min(1).max(60).default('Mutual'),
  ALLIANCE_NAME: z.string().min(1).max(120).default('South London Living Well Alliance'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '' || v === 'false') return false as const;
      if (v === 'true') return true as const;
      if (/^\d+$/.test(v)) return Number(v);
      if (/^[0-9a-fA-F.:/, ]+$/.test(v)) return v.split(',').map((s) => s.trim());
      ctx.addIssue({ code: 'custom', message: 'Expected false, true, a hop count, or a comma-separated list of proxy addresses' });
      return z.NEVER;
    }),
  COOKIE_SECURE: bool(false).optional(),
  COOKIE_SECRET: z.string().min(32, 'Expected at least 32 random characters').optional(),
  SESSION_IDLE_MINUTES: int(30, 1, 24 * 60),
  SESSION_ABSOLUTE_HOURS: int(12, 1, 24 * 7),
  BODY_LIMIT_BYTES: int(1_048_576, 1024, 50 * 1_048_576),
  DEMO: bool(true),
  WORKER: bool(true),
  WORKER_INTERVAL_MS: int(1000, 50, 60_000),
  NOTIFY_API_KEY: z.string().optional(),
  NOTIFY_SMS_TEMPLATE_ID: z.string().optional(),
  NOTIFY_EMAIL_TEMPLATE_ID: z.string().optional(),
  RATE_LIMIT_API_PER_MINUTE: int(120, 1, 1_000_000),
  RATE_LIMIT_LOOKUP_PER_MINUTE: int(10, 1, 1_000_000),
  FRONT_DOOR_CRISIS_MINUTES: int(60, 5, 24 * 60),
  FRONT_DOOR_URGENT_MINUTES: int(240, 15, 7 * 24 * 60),
  CRISIS_EMERGENCY_NUMBER: phone('999'),
  CRISIS_NHS111_NUMBER: phone('111'),
  CRISIS_SAMARITANS_NUMBER: phone('116 123'),
  CRISIS_SHOUT_NUMBER: phone('85258'),
  CRISIS_LOCAL_LINE_NAME: z.string().max(80).optional(),
  CRISIS_LOCAL_LINE_NUMBER: phone('').optional(),
});

export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  publicUrl: string;
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema?: string };
  serviceName: string;
  allianceName: string;
  logLevel: string;
  trustProxy: boolean | number | string[];
  cookieSecure: boolean;
  /** Signs cookies (CSRF). Random per process when unset, which is allowed outside production only. */
  cookieSecret?: string;
  session: { idleMinutes: number; absoluteHours: number };
  bodyLimit: number;
  demo: boolean;
  worker: { enabled: boolean; intervalMs: number };
  notify: { apiKey?: string; smsTemplateId?: string; emailTemplateId?: string };
  /** Requests a minute from one address: public submissions, and look-ups by reference (guessing). */
  rateLimits: { apiPerMinute: number; lookupPerMinute: number };
  /** Contact targets: crisis and urgent in minutes; routine is the end of the next working day of the front door. */
  frontDoor: { crisisMinutes: number; urgentMinutes: number };
  crisis: {
    emergency: string;
    nhs111: string;
    samaritans: string;
    /** Shout's text line (text SHOUT to it), free, any time. */
    shout: string;
    localLine?: { name: string; number: string };
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(problems.map((p) => `${p.variable}: ${p.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment. Throws ConfigError naming every variable at fault. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? 'environment'), message: i.message })),
    );
  }
  const e = parsed.data;
  const problems: { variable: string; message: string }[] = [];
  if (e.NOTIFY_API_KEY && (!e.NOTIFY_SMS_TEMPLATE_ID || !e.NOTIFY_EMAIL_TEMPLATE_ID)) {
    problems.push({
      variable: 'NOTIFY_SMS_TEMPLATE_ID',
      message: 'Set NOTIFY_SMS_TEMPLATE_ID and NOTIFY_EMAIL_TEMPLATE_ID when NOTIFY_API_KEY is set',
    });
  }
  if (e.NODE_ENV === 'production' && !e.COOKIE_SECRET) {
    problems.push({ variable: 'COOKIE_SECRET', message: 'Set COOKIE_SECRET (at least 32 random characters, the same on every process) in production' });
  }
  if (e.CRISIS_LOCAL_LINE_NUMBER && !e.CRISIS_LOCAL_LINE_NAME) {
    problems.push({ variable: 'CRISIS_LOCAL_LINE_NAME', message: 'Name the local crisis line when its number is set' });
  }
  const url = e.DATABASE_URL ?? '';
  const postgres = /^postgres(ql)?:\/\//.test(url);
  if (e.DATABASE_SCHEMA && !postgres) {
    problems.push({ variable: 'DATABASE_SCHEMA', message: 'Set DATABASE_SCHEMA only with a PostgreSQL DATABASE_URL' });
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const database: Config['database'] = postgres
    ? { kind: 'postgres', url, ...(e.DATABASE_SCHEMA ? { schema: e.DATABASE_SCHEMA } : {}) }
    : { kind: 'sqlite', file: path.resolve(cwd, url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : 'data/mutual.db') };

  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    database,
    serviceName: e.SERVICE_NAME,
    allianceName: e.ALLIANCE_NAME,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    cookieSecure: e.COOKIE_SECURE ?? e.NODE_ENV === 'production',
    cookieSecret: e.COOKIE_SECRET,
    session: { idleMinutes: e.SESSION_IDLE_MINUTES, absoluteHours: e.SESSION_ABSOLUTE_HOURS },
    bodyLimit: e.BODY_LIMIT_BYTES,
    demo: e.DEMO && e.NODE_ENV !== 'production',
    worker: { enabled: e.WORKER, intervalMs: e.WORKER_INTERVAL_MS },
    notify: { apiKey: e.NOTIFY_API_KEY, smsTemplateId: e.NOTIFY_SMS_TEMPLATE_ID, emailTemplateId: e.NOTIFY_EMAIL_TEMPLATE_ID },
    rateLimits: { apiPerMinute: e.RATE_LIMIT_API_PER_MINUTE, lookupPerMinute: e.RATE_LIMIT_LOOKUP_PER_MINUTE },
    frontDoor: { crisisMinutes: e.FRONT_DOOR_CRISIS_MINUTES, urgentMinutes: e.FRONT_DOOR_URGENT_MINUTES },
    crisis: {
      emergency: e.CRISIS_EMERGENCY_NUMBER,
      nhs111: e.CRISIS_NHS111_NUMBER,
      samaritans: e.CRISIS_SAMARITANS_NUMBER,
      shout: e.CRISIS_SHOUT_NUMBER,
      localLine:
        e.CRISIS_LOCAL_LINE_NAME && e.CRISIS_LOCAL_LINE_NUMBER
          ? { name: e.CRISIS_LOCAL_LINE_NAME, number: e.CRISIS_LOCAL_LINE_NUMBER }
          : undefined,
    },
  };
}

/** A configuration for tests: everything at its default, overridable. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ NODE_ENV: 'test', WORKER: 'false', LOG_LEVEL: 'silent' }), ...overrides };
}
