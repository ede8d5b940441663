import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import type { K8sObject } from './render.ts';

/**
 * The JSON schemas objects are validated against, by apiVersion/kind:
 * kubernetes-models (the Kubernetes OpenAPI schemas) and
 * @kubernetes-models/keda (KEDA's CRD schemas), compiled to ajv validators
 * by those packages (pinned in test/package.json). A kind missing here is
 * a problem in itself: nothing unvalidated ships.
 */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

/** Schema violations of one object, each as "<kind>/<name>: <message>"; [] when valid. */
export function schemaProblems(object: K8sObject): string[] {
  const id = `${object.kind}/${object.metadata?.name}`;
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) return [`${id}: no schema for ${object.apiVersion} ${object.kind}`];
  try {
    new Model(withUnwrappedSecretData(object) as never).validate();
    return [];
  } catch (error) {
    return [`${id}: ${(error as Error).message}`];
  }
}

/**
 * kustomize's secretGenerator wraps long base64 values over several lines;
 * the API server's decoder (Go's encoding/base64) skips line breaks, the
 * schema's `byte` pattern does not. Only the breaks are removed.
 */
function withUnwrappedSecretData(object: K8sObject): K8sObject {
  if (object.kind !== 'Secret' || !object.data) return object;
  const data = Object.fromEntries(
    Object.entries(object.data).map(([key, value]) => [key, value.replace(/[\r\n]/g, '')]),
  );
  return { ...object, data };
}
