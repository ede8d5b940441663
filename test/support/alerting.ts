import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'yaml';

/**
 * Support for test/e2e/alertmanager.test.ts: the shipped Prometheus and
 * Alertmanager configuration (docker/prometheus, docker/alertmanager) made to
 * run in seconds on loopback, and the webhook server Alertmanager delivers to.
 */

const DOCKER = new URL('../../docker/', import.meta.url);

/** One alert of a webhook notification (Alertmanager's payload version 4). */
interface NotifiedAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
}

/** What Alertmanager POSTs to a webhook receiver. */
interface Notification {
  version: string;
  status: 'firing' | 'resolved';
  receiver: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  alerts: NotifiedAlert[];
}

/** A webhook server on 127.0.0.1 that keeps every notification, in arrival order. */
export interface AlertSink {
  url: string;
  readonly notifications: Notification[];
  /** Notified alerts named `alertname` (every delivery, repeats included), optionally of one status. */
  delivered(alertname: string, status?: 'firing' | 'resolved'): NotifiedAlert[];
  close(): Promise<void>;
}

export async function startAlertSink(): Promise<AlertSink> {
  const notifications: Notification[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        notifications.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Notification);
        res.writeHead(200).end();
      } catch {
        // Not JSON: answer like a receiver would, and let the assertions find nothing.
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    notifications,
    delivered: (alertname, status) =>
      notifications
        .flatMap((n) => n.alerts)
        .filter((a) => a.labels.alertname === alertname && (!status || a.status === status)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * docker/prometheus/<file> with every `for:` in minutes turned into as many
 * seconds: the same expressions and labels, and the same order in which alerts
 * fire (a breaker alert, `for: 1m`, still fires before the symptoms it
 * inhibits, `for: 5m`), in seconds instead of minutes.
 */
export function rulesMinutesAsSeconds(file: string): string {
  const text = readFileSync(new URL(`prometheus/${file}`, DOCKER), 'utf8');
  const durations = [...text.matchAll(/^\s+for: (\S+)$/gm)].map((m) => m[1]);
  const scaled = text.replace(/^(\s+for: )(\d+)m$/gm, '$1$2s');
  const left = [...scaled.matchAll(/^\s+for: (\S+)$/gm)].filter((m) => !/^\d+s$/.test(m[1]!));
  if (left.length > 0) {
    throw new Error(`${file}: a \`for:\` not in whole minutes (${durations.join(', ')})`);
  }
  return scaled;
}

interface Rule {
  alert?: string;
  record?: string;
  labels?: Record<string, string>;
}

/** Every alerting rule of docker/prometheus/alerts.yml, by name, with its static labels. */
export function alertRules(): Map<string, Record<string, string>> {
  const doc = parse(readFileSync(new URL('prometheus/alerts.yml', DOCKER), 'utf8')) as {
    groups: Array<{ rules: Rule[] }>;
  };
  return new Map(
    doc.groups
      .flatMap((g) => g.rules)
      .filter((r): r is Rule & { alert: string } => r.alert !== undefined)
      .map((r) => [r.alert, r.labels ?? {}]),
  );
}

/**
 * docker/prometheus/prometheus.yml (its external labels, rule files and
 * alerting block) pointed at this test's API, worker and Alertmanager, with a
 * 1 s scrape and evaluation interval. Only the Sluice jobs are scraped.
 */
export function prometheusConfig(targets: {
  api: string;
  worker: string;
  alertmanager: string;
}): string {
  const config = parse(readFileSync(new URL('prometheus/prometheus.yml', DOCKER), 'utf8')) as {
    global: Record<string, unknown>;
    rule_files: string[];
    alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
    scrape_configs: Array<Record<string, unknown> & { job_name: string }>;
  };
  config.global = {
    ...config.global,
    scrape_interval: '1s',
    scrape_timeout: '1s',
    evaluation_interval: '1s',
  };
  config.alerting.alertmanagers = [{ static_configs: [{ targets: [targets.alertmanager] }] }];
  // The exporters' jobs (pgbouncer, node) are left out: this test runs no exporter.
  const jobs = config.scrape_configs.map((s) => s.job_name);
  for (const job of ['sluice-api', 'sluice-worker']) {
    if (!jobs.includes(job)) throw new Error(`prometheus.yml has no job ${job}: teach this test`);
  }
  config.scrape_configs = [
    { job_name: 'sluice-api', static_configs: [{ targets: [targets.api] }] },
    { job_name: 'sluice-worker', static_configs: [{ targets: [targets.worker] }] },
  ];
  // JSON is YAML: Prometheus reads it as such.
  return JSON.stringify(config, null, 2);
}

interface Route {
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  routes?: Route[];
}

/**
 * docker/alertmanager/alertmanager.yml (its grouping, routes, inhibition
 * rules and receiver) with its webhook pointed at `webhookUrl` and its waits
 * in seconds: first notification of a group after 5 s (as the shipped 30 s,
 * time for the breaker alert that inhibits a symptom to arrive even when the
 * symptom came first), updates every 1 s, no repeat within the test.
 */
export function alertmanagerConfig(webhookUrl: string): string {
  const config = parse(readFileSync(new URL('alertmanager/alertmanager.yml', DOCKER), 'utf8')) as {
    route: Route;
    receivers: Array<{ name: string; webhook_configs?: Array<{ url: string }> }>;
  };
  const fast = (route: Route) => {
    if (route.group_wait) route.group_wait = '5s';
    if (route.group_interval) route.group_interval = '1s';
    if (route.repeat_interval) route.repeat_interval = '1h';
    for (const child of route.routes ?? []) fast(child);
  };
  fast(config.route);
  const hooks = config.receivers.flatMap((r) => r.webhook_configs ?? []);
  if (hooks.length !== 1) throw new Error(`alertmanager.yml has ${hooks.length} webhooks, not 1`);
  hooks[0]!.url = webhookUrl;
  return JSON.stringify(config, null, 2);
}
