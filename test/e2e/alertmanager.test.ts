import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort, type ServiceHandle, startPostgres } from '@sluice/local-services';
import { afterAll, beforeAll, expect, it } from 'vitest';
import prepareDatabase from '../harness/prepare-database.ts';
import { type AppProcess, spawnProcess, waitForHttp } from '../harness/processes.ts';
import {
  type AlertSink,
  alertmanagerConfig,
  alertRules,
  prometheusConfig,
  rulesMinutesAsSeconds,
  startAlertSink,
} from '../support/alerting.ts';
import { type Stack, startStack } from '../support/stack.ts';

// Alerting end to end: a real Prometheus (Debian's `prometheus`) evaluates the
// shipped rules (docker/prometheus, every `for:` in seconds instead of
// minutes) on a real Sluice's metrics and sends what fires to a real
// Alertmanager (Debian's `prometheus-alertmanager`, installed by ./dev test)
// running the shipped alertmanager.yml, which delivers to a webhook server of
// this test on 127.0.0.1. The condition is real too: PostgreSQL goes down, the
// API's breaker opens and its requests fail with 503.
//
// A DEDICATED PostgreSQL (stopping the harness' one would disturb other files).

const RESET_MS = 1_000;

let dir: string;
let postgres: ServiceHandle;
let stack: Stack;
let sink: AlertSink;
let alertmanager: AppProcess;
let prometheus: AppProcess;
let amUrl: string;
let promUrl: string;

interface AmAlert {
  labels: Record<string, string>;
  fingerprint: string;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; inhibitedBy: string[] };
}

/** Polls `probe` until it returns a value; fails with `what` after `timeoutMs`. */
async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Alertmanager's view of the alerts named `alertname` (active, inhibited or silenced). */
const amAlerts = (alertname: string) =>
  json<AmAlert[]>(
    `${amUrl}/api/v2/alerts?filter=${encodeURIComponent(`alertname="${alertname}"`)}`,
  );

/** Sends alerts to Alertmanager as Prometheus does (POST /api/v2/alerts). */
const postAlerts = (alerts: Array<{ labels: Record<string, string> }>) =>
  json(`${amUrl}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts),
  });

/** The first webhook delivery of `alertname` with `status`, once it arrives. */
const delivery = (alertname: string, status: 'firing' | 'resolved') =>
  eventually(`${alertname} (${status}) delivered to the webhook`, () =>
    sink.delivered(alertname, status).at(0),
  );

/** Prometheus' state of an alert: firing, pending, or undefined when inactive. */
async function promAlertState(alertname: string): Promise<string | undefined> {
  const body = await json<{
    data: { alerts: Array<{ labels: Record<string, string>; state: string }> };
  }>(`${promUrl}/api/v1/alerts`);
  return body.data.alerts.find((a) => a.labels.alertname === alertname)?.state;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-alerting-'));
  postgres = await startPostgres({ dataDir: join(dir, 'postgres'), durable: false });
  await prepareDatabase(postgres.url);
  const workerPort = await findFreePort();
  stack = await startStack({
    queuePrefix: '{e2e-alerting}',
    env: {
      DATABASE_URL: postgres.url,
      BREAKER_RESET_TIMEOUT_MS: String(RESET_MS),
      // The test's key, checked once before the outage, is trusted throughout
      // without asking PostgreSQL again: during the outage every request
      // reaches the route and its breaker, at once.
      API_KEY_TRUST_MS: '300000',
    },
    workerEnv: { METRICS_PORT: String(workerPort), WORKER_THREADS: '1' },
  });
  sink = await startAlertSink();

  const amPort = await findFreePort();
  amUrl = `http://127.0.0.1:${amPort}`;
  writeFileSync(join(dir, 'alertmanager.yml'), alertmanagerConfig(sink.url));
  alertmanager = spawnProcess(
    'alertmanager',
    '/usr/bin/prometheus-alertmanager',
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'alertmanager')}`,
      `--web.listen-address=127.0.0.1:${amPort}`,
      // A single instance: no gossip port.
      '--cluster.listen-address=',
    ],
    {},
  );
  await waitForHttp(`${amUrl}/-/ready`, 30_000);

  writeFileSync(join(dir, 'recording.yml'), rulesMinutesAsSeconds('recording.yml'));
  writeFileSync(join(dir, 'alerts.yml'), rulesMinutesAsSeconds('alerts.yml'));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    prometheusConfig({
      api: new URL(stack.apiUrl).host,
      worker: `127.0.0.1:${workerPort}`,
      alertmanager: `127.0.0.1:${amPort}`,
    }),
  );
  const promPort = await findFreePort();
  promUrl = `http://127.0.0.1:${promPort}`;
  prometheus = spawnProcess(
    'prometheus',
    '/usr/bin/prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'prometheus')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ],
    {},
  );
  await waitForHttp(`${promUrl}/-/ready`, 30_000);
});

afterAll(async () => {
  await prometheus?.stop('SIGTERM');
  await alertmanager?.stop('SIGTERM');
  await sink?.close();
  const codes = await stack?.stop();
  await postgres?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  expect(codes).toEqual([0, 0]);
});

it('delivers the breaker alert to the webhook and holds back the error-rate alerts it explains until it resolves', async () => {
  await eventually(
    'Prometheus scraping the API and the worker, and knowing Alertmanager',
    async () => {
      const up = await json<{ data: { result: Array<{ value: [number, string] }> } }>(
        `${promUrl}/api/v1/query?query=up`,
      );
      const ams = await json<{ data: { activeAlertmanagers: unknown[] } }>(
        `${promUrl}/api/v1/alertmanagers`,
      );
      return up.data.result.length === 2 &&
        up.data.result.every((s) => s.value[1] === '1') &&
        ams.data.activeAlertmanagers.length === 1
        ? true
        : undefined;
    },
  );

  // One request served while PostgreSQL is up: the API now trusts the test's
  // key (else every request of the outage would fail authentication, before
  // any route feeds the breaker).
  const list = await fetch(`${stack.apiUrl}/v1/jobs`);
  expect(list.status).toBe(200);
  await list.arrayBuffer();

  // PostgreSQL goes away; requests that need it fail (503) until the API's
  // breaker opens, and are refused (503) after.
  await postgres.stop();
  await eventually('the API breaker for postgres open', async () => {
    await (await fetch(`${stack.apiUrl}/v1/jobs`)).arrayBuffer();
    // 503 `degraded` while a breaker is not closed: read the body either way.
    const health = (await (await fetch(`${stack.apiUrl}/health`)).json()) as {
      breakers: Record<string, string>;
    };
    return health.breakers.postgres === 'open' ? true : undefined;
  });
  // Well over 5% of the API's requests in Prometheus' 5-minute window (its own
  // scrapes of /metrics count in the 5% rule): refused at once by the breaker.
  for (let i = 0; i < 150; i++) {
    const res = await fetch(`${stack.apiUrl}/v1/jobs`);
    expect(res.status).toBe(503);
    await res.arrayBuffer();
  }

  // The cause is delivered: SluiceBreakerOpen, with the labels routing and
  // inhibition use.
  const breaker = await delivery('SluiceBreakerOpen', 'firing');
  expect(breaker.labels).toEqual({
    alertname: 'SluiceBreakerOpen',
    dependency: 'postgres',
    severity: 'critical',
    service: 'sluice',
  });
  expect(breaker.annotations.summary).toBe('Circuit breaker for postgres is open');
  expect(breaker.annotations.runbook).toMatch(/^Check that postgres is up/);
  const notification = sink.notifications.find((n) =>
    n.alerts.some((a) => a.labels.alertname === 'SluiceBreakerOpen'),
  )!;
  expect(notification).toMatchObject({
    version: '4',
    status: 'firing',
    receiver: 'operators',
    groupLabels: { service: 'sluice', alertname: 'SluiceBreakerOpen', dependency: 'postgres' },
    commonLabels: { severity: 'critical' },
  });

  // The symptoms fire in Prometheus and reach Alertmanager, which holds them
  // back: inhibited by that breaker alert.
  const [breakerInAm] = await amAlerts('SluiceBreakerOpen');
  expect(breakerInAm?.status.state).toBe('active');
  for (const symptom of ['SluiceApiErrorRatioHigh', 'SluiceApiErrorsAboveObjective']) {
    await eventually(`${symptom} firing in Prometheus`, async () =>
      (await promAlertState(symptom)) === 'firing' ? true : undefined,
    );
    const [held] = await eventually(`${symptom} suppressed in Alertmanager`, async () => {
      const alerts = await amAlerts(symptom);
      return alerts.length === 1 && alerts[0]!.status.state === 'suppressed' ? alerts : undefined;
    });
    expect(held!.labels).toMatchObject({ alertname: symptom, kind: 'symptom', service: 'sluice' });
    expect(held!.status.inhibitedBy).toContain(breakerInAm!.fingerprint);
  }
  // Not delivered either. A canary alert sent now starts a group of its own,
  // after theirs: once it is delivered, their first notification (same
  // group_wait) was due too, had they not been held back.
  await postAlerts([
    { labels: { alertname: 'AlertingTestCanary', service: 'sluice', severity: 'warning' } },
  ]);
  await delivery('AlertingTestCanary', 'firing');
  expect(sink.delivered('SluiceApiErrorRatioHigh')).toEqual([]);
  expect(sink.delivered('SluiceApiErrorsAboveObjective')).toEqual([]);

  // PostgreSQL comes back: the breaker closes by itself, its alert resolves
  // (delivered: send_resolved), and the 5% error alert, still true over its
  // 5-minute window, is no longer held back.
  await postgres.restart();
  const resolved = await delivery('SluiceBreakerOpen', 'resolved');
  expect(resolved.labels).toMatchObject({ dependency: 'postgres', service: 'sluice' });
  const errors = await delivery('SluiceApiErrorRatioHigh', 'firing');
  expect(errors.labels).toEqual({
    alertname: 'SluiceApiErrorRatioHigh',
    severity: 'critical',
    kind: 'symptom',
    service: 'sluice',
  });
  expect(errors.annotations.summary).toMatch(/^Sluice API answers \S+% of requests with 5xx$/);
  // The 1% warning stays held back, now by the 5% alert (critical) alone.
  const [ratioInAm] = await amAlerts('SluiceApiErrorRatioHigh');
  const [objective] = await amAlerts('SluiceApiErrorsAboveObjective');
  expect(objective?.status).toMatchObject({
    state: 'suppressed',
    inhibitedBy: [ratioInAm!.fingerprint],
  });
  expect(sink.delivered('SluiceApiErrorsAboveObjective')).toEqual([]);
});

it('holds back a dependency symptom only while that dependency’s breaker fires', async () => {
  // Alerts as Prometheus would send them, with the labels alerts.yml gives
  // each rule (plus `service`, from prometheus.yml's external labels): a redis
  // breaker explains a low cache hit rate (dependency redis), not a nearly
  // full database pool (dependency postgres).
  const rules = alertRules();
  const alert = (alertname: string, extra: Record<string, string>) => ({
    labels: { ...rules.get(alertname), alertname, service: 'sluice', ...extra } as Record<
      string,
      string
    >,
    annotations: { summary: `${alertname} (test)` },
    startsAt: new Date().toISOString(),
  });
  const sent = [
    alert('SluiceBreakerOpen', { dependency: 'redis' }),
    alert('SluiceCacheHitRateLow', { cache: 'job_status' }),
    alert('SluiceDatabasePoolNearlyFull', { process: 'api', instance: 'api:8080' }),
  ];
  expect(sent.map((a) => a.labels.dependency)).toEqual(['redis', 'redis', 'postgres']);
  await postAlerts(sent);

  await delivery('SluiceDatabasePoolNearlyFull', 'firing');
  const [breaker] = await amAlerts('SluiceBreakerOpen').then((all) =>
    all.filter((a) => a.labels.dependency === 'redis'),
  );
  const [cache] = await amAlerts('SluiceCacheHitRateLow');
  expect(cache?.status).toMatchObject({ state: 'suppressed', inhibitedBy: [breaker!.fingerprint] });
  const [pool] = await amAlerts('SluiceDatabasePoolNearlyFull');
  expect(pool?.status).toMatchObject({ state: 'active', inhibitedBy: [] });
  expect(sink.delivered('SluiceCacheHitRateLow')).toEqual([]);
});
