import type { DatasetBody } from '@sluice/contract';
import { api } from './api.ts';

/** The tenant's datasets (the first 1000, the most a page holds), for an import's choice. */
export async function listDatasets(): Promise<DatasetBody[]> {
  return (await (await api('/v1/datasets?limit=1000')).json()) as DatasetBody[];
}

/** One dataset's columns, key and required flags (GET /v1/datasets/{name}). */
export async function getDataset(name: string): Promise<DatasetBody> {
  return (await (await api(`/v1/datasets/${encodeURIComponent(name)}`)).json()) as DatasetBody;
}
