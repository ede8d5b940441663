import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The monitoring configuration under docker/ is checked with promtool (from the
// Debian package `prometheus`, installed by scripts/bootstrap.sh): Prometheus
// config, recording and alert rules and their unit tests, and every PromQL
// expression of the provisioned Grafana dashboard; and with amtool (Debian's
// `prometheus-alertmanager`): the Alertmanager config and its routes.
// test/e2e/alertmanager.test.ts runs both for real.

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** Runs a tool of a Debian package (installed by scripts/bootstrap.sh for ./dev test). */
async function tool(name: string, aptPackage: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(name, args, { cwd: root, timeout: 60_000 });
    return stdout + stderr;
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string; message: string };
    if (e.code === 'ENOENT') {
      throw new Error(`${name} not found: run scripts/bootstrap.sh (apt package "${aptPackage}")`);
    }
    throw new Error(`${name} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

const promtool = (...args: string[]) => tool('promtool', 'prometheus', args);
const amtool = (...args: string[]) => tool('amtool', 'prometheus-alertmanager', args);

interface Target {
  refId?: string;
  expr?: string;
  datasource?: { uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: Target[];
  panels?: Panel[];
}

const dashboardPath = join(root, 'docker/grafana/dashboards/sluice.json');
const alertsPath = join(root, 'docker/prometheus/alerts.yml');
const recordingPath = join(root, 'docker/prometheus/recording.yml');
const alertmanagerPath = 'docker/alertmanager/alertmanager.yml';

function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

/** Grafana's built-in interval variables, replaced by plausible values so promtool can parse. */
function substituteGrafanaVariables(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '5m')
    .replaceAll('$__interval', '1m')
    .replaceAll('$__range', '1h');
}

describe('Prometheus configuration', () => {
  it('prometheus.yml is valid (and loads recording.yml and alerts.yml)', async () => {
    const out = await promtool('check', 'config', 'docker/prometheus/prometheus.yml');
    expect(out).toContain('SUCCESS: 2 rule files found');
    expect(out).toContain('recording.yml');
    expect(out).toContain('alerts.yml');
  });

  it('scrapes the PgBouncer and node exporters, at the Compose services that run them', async () => {
    const config = await readFile(join(root, 'docker/prometheus/prometheus.yml'), 'utf8');
    const compose = await readFile(join(root, 'docker/compose.yaml'), 'utf8');
    for (const [job, service, port] of [
      ['pgbouncer', 'pgbouncer-exporter', 9127],
      ['node', 'node-exporter', 9100],
    ] as const) {
      // The job's first static target, within its own block.
      const block = config
        .split(/\n(?=\s+- job_name: )/)
        .find((b) => b.includes(`job_name: ${job}\n`));
      expect(block, `job ${job}`).toBeDefined();
      expect(block).toMatch(new RegExp(`- targets: \\["${service}:${port}"\\]`));
      // A Compose service of that name, built from the folder whose image listens there.
      expect(compose).toMatch(
        new RegExp(`\\n  ${service}:\\n(?:    .*\\n)*?      context: ${service}\\n`),
      );
      const dockerfile = await readFile(join(root, 'docker', service, 'Dockerfile'), 'utf8');
      expect(dockerfile).toMatch(new RegExp(`^EXPOSE ${port}$`, 'm'));
    }
  });

  it('alerts.yml and recording.yml are valid', async () => {
    expect(await promtool('check', 'rules', 'docker/prometheus/alerts.yml')).toContain('SUCCESS');
    expect(await promtool('check', 'rules', 'docker/prometheus/recording.yml')).toContain(
      'SUCCESS',
    );
  });

  it('every alert passes its unit tests', async () => {
    expect(await promtool('test', 'rules', 'docker/prometheus/alerts.test.yml')).toContain(
      'SUCCESS',
    );
  });

  it('every alert has a severity, summary, description and runbook, and a unit test', async () => {
    const rules = (await readFile(alertsPath, 'utf8')).split(/^\s*- alert: /m).slice(1);
    const tests = await readFile(join(root, 'docker/prometheus/alerts.test.yml'), 'utf8');
    expect(rules.length).toBeGreaterThanOrEqual(6);
    for (const rule of rules) {
      const name = rule.split(/\s/, 1)[0];
      expect(rule, name).toMatch(/\n\s+severity: (warning|critical)\n/);
      for (const annotation of ['summary', 'description', 'runbook']) {
        expect(rule, `${name} ${annotation}`).toMatch(new RegExp(`\\n\\s+${annotation}: \\S`));
      }
      expect(tests, `${name} unit test`).toContain(`alertname: ${name}\n`);
    }
  });

  it('every recording rule is named level:metric:operations and has a unit test', async () => {
    const records = [
      ...(await readFile(recordingPath, 'utf8')).matchAll(/^\s*- record: (\S+)$/gm),
    ].map((m) => m[1]!);
    const tests = await readFile(join(root, 'docker/prometheus/alerts.test.yml'), 'utf8');
    expect(records.length).toBeGreaterThanOrEqual(3);
    for (const record of records) {
      expect(record).toMatch(/^sluice:[a-z0-9_]+:[a-z0-9_]+$/);
      expect(tests, `${record} promql_expr_test`).toMatch(new RegExp(`- expr: .*${record}\\b`));
    }
  });
});

describe('Alertmanager configuration', () => {
  interface Rule {
    alert?: string;
    labels?: Record<string, string>;
  }
  const alertLabels = async () =>
    new Map(
      (parse(await readFile(alertsPath, 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups
        .flatMap((g) => g.rules)
        .filter((r) => r.alert)
        .map((r): [string, Record<string, string>] => [
          r.alert!,
          { alertname: r.alert!, ...r.labels },
        ]),
    );

  it('alertmanager.yml is valid', async () => {
    const out = await amtool('check-config', alertmanagerPath);
    expect(out).toContain('SUCCESS');
    expect(out).toContain('3 inhibit rules');
  });

  it('routes warnings and critical alerts to the operators receiver', async () => {
    for (const severity of ['warning', 'critical']) {
      expect(
        await amtool(
          'config',
          'routes',
          'test',
          `--config.file=${alertmanagerPath}`,
          '--verify.receivers=operators',
          'alertname=SluiceBreakerOpen',
          `severity=${severity}`,
        ),
      ).toContain('operators');
    }
  });

  it('inhibition names only alerts and labels that alerts.yml sets', async () => {
    const alerts = await alertLabels();
    const config = parse(await readFile(join(root, alertmanagerPath), 'utf8')) as {
      inhibit_rules: Array<{ source_matchers: string[]; target_matchers: string[] }>;
    };
    // Matchers of the form name="value" or name=~"regex" (the forms this file uses).
    const matches = (labels: Record<string, string>, matcher: string) => {
      const m = /^(\w+)(=~|=)"(.*)"$/.exec(matcher);
      if (!m) throw new Error(`unexpected matcher ${matcher}`);
      const value = labels[m[1]!] ?? '';
      return m[2] === '=' ? value === m[3] : new RegExp(`^(?:${m[3]})$`).test(value);
    };
    for (const rule of config.inhibit_rules) {
      for (const side of [rule.source_matchers, rule.target_matchers]) {
        // Dependency labels of breaker alerts come from the metric, not the rule.
        const candidates = [...alerts.values()].map((labels) =>
          labels.alertname === 'SluiceBreakerOpen' ? { ...labels, dependency: 'postgres' } : labels,
        );
        const hit = candidates.filter((labels) => side.every((m) => matches(labels, m)));
        expect(hit.length, `${side.join(', ')} matches an alert of alerts.yml`).toBeGreaterThan(0);
      }
    }
    // Every symptom is held back by some rule.
    for (const [name, labels] of alerts) {
      if (labels.kind !== 'symptom') continue;
      const held = config.inhibit_rules.some((r) =>
        r.target_matchers.every((m) => matches(labels, m)),
      );
      expect(held, `${name} is inhibited by some rule`).toBe(true);
    }
  });
});

describe('Grafana dashboard', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-dashboard-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is well-formed and uses the provisioned datasource', async () => {
    const dashboard = JSON.parse(await readFile(dashboardPath, 'utf8')) as {
      uid: string;
      schemaVersion: number;
      panels: Panel[];
    };
    expect(dashboard.uid).toBe('sluice-overview');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const datasources = await readFile(
      join(root, 'docker/grafana/provisioning/datasources/prometheus.yml'),
      'utf8',
    );
    const uid = /^\s+uid: (\S+)$/m.exec(datasources)?.[1];
    expect(uid).toBeDefined();

    const panels = allPanels(dashboard.panels);
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size, 'panel ids are unique').toBe(ids.length);
    const queried = panels.filter((p) => p.type !== 'row');
    expect(queried.length).toBeGreaterThanOrEqual(10);
    for (const panel of queried) {
      expect(panel.title, `panel ${panel.id} title`).toBeTruthy();
      expect(panel.datasource?.uid, panel.title).toBe(uid);
      expect(panel.targets?.length, `${panel.title} targets`).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        expect(target.expr?.trim(), `${panel.title} ${target.refId}`).toBeTruthy();
        expect(target.datasource?.uid, `${panel.title} ${target.refId}`).toBe(uid);
      }
    }
  });

  it('every panel query parses as PromQL', async () => {
    const dashboard = JSON.parse(await readFile(dashboardPath, 'utf8')) as { panels: Panel[] };
    const rules = allPanels(dashboard.panels).flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({
        record: `dashboard:panel_${panel.id}:${target.refId ?? 'A'}`,
        expr: substituteGrafanaVariables(target.expr ?? ''),
      })),
    );
    expect(rules.length).toBeGreaterThanOrEqual(10);
    // JSON is valid YAML, so the rules file can be written as JSON.
    const file = join(dir, 'dashboard-rules.yml');
    await writeFile(file, JSON.stringify({ groups: [{ name: 'dashboard', rules }] }, null, 2));
    expect(await promtool('check', 'rules', file)).toContain(
      `SUCCESS: ${rules.length} rules found`,
    );
  });
});
