import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration from the environment', () => {
  it('defaults to SQLite at data/mutual.db, port 3000, and the national crisis numbers', () => {
    const config = loadConfig({}, '/srv/mutual');
    assert.deepEqual(config.database, { kind: 'sqlite', file: path.resolve('/srv/mutual/data/mutual.db') });
    assert.equal(config.port, 3000);
    assert.deepEqual([config.crisis.emergency, config.crisis.nhs111, config.crisis.samaritans], ['999', '111', '116 123']);
    assert.equal(config.session.idleMinutes, 30);
    assert.equal(config.session.absoluteHours, 12);
  });

  it('selects PostgreSQL when DATABASE_URL is a postgres URL', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://mutual@db.internal:5432/mutual' });
    assert.equal(config.database.kind, 'postgres');
  });

  it('puts the tables in DATABASE_SCHEMA on PostgreSQL, and refuses it with SQLite or as a name that is not plain', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://mutual@db.internal:5432/mutual', DATABASE_SCHEMA: 'alliance_south' });
    assert.deepEqual(config.database, { kind: 'postgres', url: 'postgres://mutual@db.internal:5432/mutual', schema: 'alliance_south' });
    assert.throws(() => loadConfig({ DATABASE_SCHEMA: 'alliance_south' }), /DATABASE_SCHEMA: Set DATABASE_SCHEMA only with a PostgreSQL/);
    assert.throws(() => loadConfig({ DATABASE_URL: 'postgres://db/mutual', DATABASE_SCHEMA: 'x; drop table users' }), /DATABASE_SCHEMA: Expected a schema name/);
  });

  it('names every variable at fault and what is expected', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', SESSION_IDLE_MINUTES: '0', DATABASE_URL: 'mysql://x' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const byVariable = Object.fromEntries(error.problems.map((p) => [p.variable, p.message]));
        assert.match(byVariable.PORT ?? '', /whole number from 0 to 65535/);
        assert.match(byVariable.SESSION_IDLE_MINUTES ?? '', /whole number from 1/);
        assert.match(byVariable.DATABASE_URL ?? '', /postgres:\/\//);
        return true;
      },
    );
  });

  it('refuses a Notify key without its templates, and a local crisis number without its name', () => {
    assert.throws(() => loadConfig({ NOTIFY_API_KEY: 'key' }), /NOTIFY_SMS_TEMPLATE_ID/);
    assert.throws(() => loadConfig({ CRISIS_LOCAL_LINE_NUMBER: '0800 000 0000' }), /CRISIS_LOCAL_LINE_NAME/);
  });

  it('turns demo mode off in production whatever DEMO says', () => {
    assert.equal(loadConfig({ NODE_ENV: 'production', DEMO: 'true', COOKIE_SECRET: 'x'.repeat(32) }).demo, false);
  });

  it('requires a cookie secret in production', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /COOKIE_SECRET/);
  });

  it('makes the mutual command exit 1 naming the variable when the environment is invalid', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'migrate'], {
      env: { ...process.env, PORT: 'not-a-port', DATABASE_URL: '' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /PORT: Expected a whole number/);
  });
});
