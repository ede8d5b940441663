import type { K8sObject } from './render.ts';

/** What the manifests are held to, read from the repository by the caller. */
export interface Facts {
  /** Variables the API's and the worker's config loaders read (packages/config). */
  apiVariables: readonly string[];
  workerVariables: readonly string[];
  /** The variables .env.example documents: set (`NAME=`) and commented out (`# NAME=`). */
  envExampleSet: readonly string[];
  envExampleCommented: readonly string[];
  /** The commands docker/entrypoint.sh knows (`api`, `worker`, `migrate`, `keys`). */
  entrypointRoles: readonly string[];
}

/** Variables that are secrets: in the Secret, never in the ConfigMap. */
const SECRET_VARIABLES = [
  'DATABASE_URL',
  'REDIS_URL',
  'METRICS_TOKEN',
  'ADMIN_USER',
  'ADMIN_PASSWORD',
];

/**
 * .env.example variables not for the ConfigMap: the image sets NODE_OPTIONS
 * from the memory limit, and glibc's MALLOC_* in its environment.
 */
const NOT_IN_CONFIG_MAP = ['NODE_OPTIONS', 'MALLOC_ARENA_MAX', 'MALLOC_MMAP_THRESHOLD_'];

const SHARED_PER_CONTAINER = ['SHUTDOWN_TIMEOUT_MS'];

const UID = 10001;

// biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field
type Any = any;

const find = (objects: K8sObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);

/** The ConfigMap and Secret data as plain strings (Secret data is base64). */
export function settingsOf(objects: K8sObject[]): {
  config: Record<string, string>;
  secret: Record<string, string>;
} {
  const configMap = objects.find((o) => o.kind === 'ConfigMap');
  const secret = objects.find((o) => o.kind === 'Secret');
  return {
    config: { ...(configMap?.data ?? {}) },
    secret: Object.fromEntries(
      Object.entries(secret?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
    ),
  };
}

/**
 * Everything the issue asks of the manifests, as a list of problems ([] when
 * all hold): probes, non-root read-only containers, resources, PDB,
 * autoscaling on sluice_desired_workers, settings that the config knows.
 */
export function manifestProblems(objects: K8sObject[], facts: Facts): string[] {
  const problems: string[] = [];
  const problem = (message: string) => problems.push(message);
  const known = new Set([...facts.apiVariables, ...facts.workerVariables]);
  const documented = new Set([...facts.envExampleSet, ...facts.envExampleCommented]);
  const { config, secret } = settingsOf(objects);
  const configMapName = objects.find((o) => o.kind === 'ConfigMap')?.metadata.name;
  const secretName = objects.find((o) => o.kind === 'Secret')?.metadata.name;

  // --- settings: the config's own variables, documented, secrets apart ---
  if (!configMapName) problem('no ConfigMap');
  if (!secretName) problem('no Secret');
  for (const name of Object.keys(config)) {
    if (!known.has(name)) problem(`ConfigMap: ${name} is not a variable packages/config reads`);
    if (!documented.has(name)) problem(`ConfigMap: ${name} is not in .env.example`);
    if (SECRET_VARIABLES.includes(name)) problem(`ConfigMap: ${name} is a secret`);
  }
  for (const name of Object.keys(secret)) {
    if (!known.has(name)) problem(`Secret: ${name} is not a variable packages/config reads`);
    if (!documented.has(name)) problem(`Secret: ${name} is not in .env.example`);
  }
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'METRICS_TOKEN', 'ADMIN_PASSWORD']) {
    if (!(name in secret)) problem(`Secret: no ${name}`);
  }

  // --- every pod: the image's commands, non-root, read-only, resources ---
  const workloads = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job');
  const containerEnv = new Set<string>();
  for (const workload of workloads) {
    const id = `${workload.kind}/${workload.metadata.name}`;
    const pod: Any = workload.spec?.template?.spec ?? {};
    if (pod.securityContext?.runAsNonRoot !== true) problem(`${id}: pod not runAsNonRoot`);
    if (pod.automountServiceAccountToken !== false) problem(`${id}: mounts an API token`);
    for (const c of pod.containers ?? []) {
      const cid = `${id} container ${c.name}`;
      const sc: Any = c.securityContext ?? {};
      if (sc.runAsNonRoot !== true) problem(`${cid}: not runAsNonRoot`);
      if (sc.runAsUser !== UID) problem(`${cid}: runAsUser ${sc.runAsUser}, not ${UID}`);
      if (sc.allowPrivilegeEscalation !== false) problem(`${cid}: allows privilege escalation`);
      if (sc.readOnlyRootFilesystem !== true) problem(`${cid}: root filesystem not read-only`);
      if (JSON.stringify(sc.capabilities?.drop) !== '["ALL"]')
        problem(`${cid}: capabilities not dropped`);
      if ((sc.seccompProfile ?? pod.securityContext?.seccompProfile)?.type !== 'RuntimeDefault')
        problem(`${cid}: no RuntimeDefault seccomp profile`);
      for (const kind of ['requests', 'limits']) {
        for (const resource of ['cpu', 'memory']) {
          if (!c.resources?.[kind]?.[resource]) problem(`${cid}: no ${kind}.${resource}`);
        }
      }
      const role = c.args?.[0];
      if (c.command !== undefined) problem(`${cid}: overrides the image's entrypoint`);
      if (!facts.entrypointRoles.includes(role))
        problem(`${cid}: command ${JSON.stringify(role)} is not one of docker/entrypoint.sh's`);
      for (const env of c.env ?? []) {
        containerEnv.add(env.name);
        if (!known.has(env.name))
          problem(`${cid}: ${env.name} is not a variable packages/config reads`);
        const ref = env.valueFrom?.secretKeyRef;
        if (ref && (ref.name !== secretName || !(ref.key in secret)))
          problem(`${cid}: ${env.name} refers to a missing secret key ${ref.name}/${ref.key}`);
      }
      for (const from of c.envFrom ?? []) {
        const ref = from.configMapRef?.name ?? from.secretRef?.name;
        if (ref !== configMapName && ref !== secretName)
          problem(`${cid}: envFrom refers to ${ref}, not the rendered ConfigMap or Secret`);
      }
      // Kubernetes must not kill a process before its own shutdown deadline.
      const shutdown = Number(c.env?.find((e: Any) => e.name === 'SHUTDOWN_TIMEOUT_MS')?.value);
      if (workload.kind === 'Deployment') {
        if (!(shutdown > 0)) problem(`${cid}: no SHUTDOWN_TIMEOUT_MS`);
        else if ((pod.terminationGracePeriodSeconds ?? 30) * 1000 <= shutdown)
          problem(`${cid}: terminationGracePeriodSeconds not above SHUTDOWN_TIMEOUT_MS`);
      }
      for (const mount of c.volumeMounts ?? []) {
        if (!pod.volumes?.some((v: Any) => v.name === mount.name))
          problem(`${cid}: mounts a missing volume ${mount.name}`);
      }
    }
  }
  for (const name of facts.envExampleSet) {
    if (
      !(name in config) &&
      !(name in secret) &&
      !containerEnv.has(name) &&
      !NOT_IN_CONFIG_MAP.includes(name)
    ) {
      problem(`.env.example sets ${name}, the manifests do not`);
    }
  }
  for (const name of Object.keys(config)) {
    if (SHARED_PER_CONTAINER.includes(name)) problem(`ConfigMap: ${name} is set per Deployment`);
  }

  // --- the API: probes, Service, PodDisruptionBudget ---
  const api = find(objects, 'Deployment', 'sluice-api');
  const apiPod: Any = api?.spec?.template;
  const apiContainer: Any = apiPod?.spec?.containers?.find((c: Any) => c.args?.[0] === 'api');
  if (!apiContainer) problem('no API Deployment sluice-api running `api`');
  else {
    const portOf = (probe: Any) => {
      const port = probe?.httpGet?.port;
      return typeof port === 'number'
        ? port
        : apiContainer.ports?.find((p: Any) => p.name === port)?.containerPort;
    };
    const probes: Array<[string, string]> = [
      ['readinessProbe', '/health/ready'],
      ['livenessProbe', '/health/live'],
    ];
    for (const [probe, path] of probes) {
      const actual = apiContainer[probe]?.httpGet?.path;
      if (actual !== path) problem(`API ${probe}: path ${actual}, not ${path}`);
      if (String(portOf(apiContainer[probe])) !== config.PORT)
        problem(`API ${probe}: port is not PORT (${config.PORT})`);
    }
    const service = objects.find((o) => o.kind === 'Service');
    if (!service) problem('no Service');
    else {
      if (!selects(service.spec?.selector, apiPod?.metadata?.labels))
        problem('Service does not select the API pods');
      for (const port of service.spec?.ports ?? []) {
        const target = port.targetPort;
        const number =
          typeof target === 'number'
            ? target
            : apiContainer.ports?.find((p: Any) => p.name === target)?.containerPort;
        if (String(number) !== config.PORT)
          problem(`Service port ${port.name}: not the API's PORT`);
      }
    }
    const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget');
    if (!pdb) problem('no PodDisruptionBudget');
    else {
      if (!selects(pdb.spec?.selector?.matchLabels, apiPod?.metadata?.labels))
        problem('PodDisruptionBudget does not select the API pods');
      if (!(pdb.spec?.minAvailable >= 1 && pdb.spec.minAvailable < (api?.spec?.replicas ?? 1)))
        problem('PodDisruptionBudget: minAvailable must be at least 1 and below the API replicas');
    }
  }

  // --- workers: liveness, scaled on sluice_desired_workers ---
  const worker = find(objects, 'Deployment', 'sluice-worker');
  const workerContainer: Any = worker?.spec?.template?.spec?.containers?.find(
    (c: Any) => c.args?.[0] === 'worker',
  );
  if (!workerContainer) problem('no worker Deployment sluice-worker running `worker`');
  else {
    const live = workerContainer.livenessProbe?.httpGet;
    if (live?.path !== '/health/live') problem(`worker livenessProbe: path ${live?.path}`);
    const port =
      typeof live?.port === 'number'
        ? live.port
        : workerContainer.ports?.find((p: Any) => p.name === live?.port)?.containerPort;
    if (String(port) !== config.METRICS_PORT)
      problem('worker livenessProbe: port is not METRICS_PORT');
    if (worker?.spec?.replicas !== undefined)
      problem('worker Deployment sets replicas: the autoscaler owns them');
  }
  const scaledObject = objects.find((o) => o.kind === 'ScaledObject');
  const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler');
  if (!scaledObject === !hpa) problem('expected exactly one autoscaler: a ScaledObject or an HPA');
  // The API's gauge (test/e2e/desired-workers.test.ts reads it from a real API).
  const metric = 'sluice_desired_workers';
  if (scaledObject) {
    const spec = scaledObject.spec;
    if (
      spec?.scaleTargetRef?.name !== worker?.metadata.name ||
      (spec?.scaleTargetRef?.kind ?? 'Deployment') !== 'Deployment'
    )
      problem('ScaledObject does not target the worker Deployment');
    if (!(spec?.minReplicaCount >= 1)) problem('ScaledObject: minReplicaCount below 1');
    const triggers = spec?.triggers ?? [];
    const trigger = triggers.find((t: Any) => t.type === 'prometheus');
    if (triggers.length !== 1 || !trigger) problem('ScaledObject: expected one prometheus trigger');
    else {
      const names = [...String(trigger.metadata?.query).matchAll(/\bsluice_[a-z0-9_]+/g)].map(
        (m) => m[0],
      );
      if (JSON.stringify(names) !== JSON.stringify([metric]))
        problem(`ScaledObject: query ${trigger.metadata?.query} does not read ${metric} alone`);
      if (
        trigger.metadata?.threshold !== '1' ||
        (trigger.metricType ?? 'AverageValue') !== 'AverageValue'
      )
        problem('ScaledObject: threshold 1 as AverageValue makes replicas = the metric');
    }
  }
  if (hpa) {
    const spec = hpa.spec;
    if (
      spec?.scaleTargetRef?.name !== worker?.metadata.name ||
      spec?.scaleTargetRef?.kind !== 'Deployment'
    )
      problem('HPA does not target the worker Deployment');
    if (!(spec?.minReplicas >= 1)) problem('HPA: minReplicas below 1');
    const external = spec?.metrics?.find((m: Any) => m.type === 'External')?.external;
    if (external?.metric?.name !== metric) problem(`HPA: no external metric ${metric}`);
    if (external?.target?.type !== 'AverageValue' || String(external?.target?.averageValue) !== '1')
      problem('HPA: target AverageValue 1 makes replicas = the metric');
  }

  // --- the migration Job ---
  const migrate = objects.find((o) => o.kind === 'Job');
  const migrateContainer: Any = migrate?.spec?.template?.spec?.containers?.[0];
  if (migrateContainer?.args?.[0] !== 'migrate') problem('no migration Job running `migrate`');
  else if (!migrateContainer.env?.some((e: Any) => e.name === 'DATABASE_URL'))
    problem('migration Job: no DATABASE_URL');

  // --- one namespace for everything namespaced ---
  const namespaces = new Set(
    objects.filter((o) => o.kind !== 'Namespace').map((o) => o.metadata.namespace),
  );
  if (namespaces.size !== 1)
    problem(`objects spread over namespaces ${[...namespaces].join(', ')}`);
  return problems;
}

/** True when every label of the selector is on the pod. */
function selects(selector: Record<string, string> | undefined, labels: Record<string, string>) {
  return (
    !!selector &&
    Object.keys(selector).length > 0 &&
    Object.entries(selector).every(([k, v]) => labels?.[k] === v)
  );
}
