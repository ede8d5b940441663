/**
 * `pnpm bench [scenario...]`: runs benchmark scenarios, prints one JSON line
 * per scenario and records the figures in docs/benchmarks.md. Benchmarks are
 * never tests: nothing here passes or fails on speed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { largeUploadMemory } from './large-upload-memory.ts';
import { normalizeThroughput } from './normalize-throughput.ts';

const scenarios: Record<string, { describe: string; run: () => Promise<Record<string, unknown>> }> =
  {
    'normalize-throughput': {
      describe: 'rows/s through one thread, sample 10-column shape; reference: decode + parse only',
      run: () => normalizeThroughput(Number(process.env.BENCH_ROWS ?? 400_000)),
    },
    'large-upload-memory': {
      describe: 'peak RSS of API and worker for one large upload (default 200 MB)',
      run: () => largeUploadMemory(Number(process.env.BENCH_UPLOAD_MB ?? 200)),
    },
  };

const names = process.argv.slice(2);
for (const name of names) {
  if (!scenarios[name]) {
    console.error(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(', ')}`);
    process.exit(2);
  }
}

const docs = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));
const machine = `${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}`;

function record(name: string, result: Record<string, unknown>) {
  let text = existsSync(docs)
    ? readFileSync(docs, 'utf8')
    : '# Benchmarks\n\nWritten by `pnpm bench`; each section is replaced when its scenario runs again.\n';
  const start = `<!-- scenario:${name} -->`;
  const end = `<!-- /scenario:${name} -->`;
  const section = [
    start,
    `## ${name}`,
    '',
    scenarios[name]!.describe,
    '',
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}.`,
    '',
    '| figure | value |',
    '| --- | --- |',
    ...Object.entries(result)
      .filter(([k]) => k !== 'scenario')
      .map(([k, v]) => `| ${k} | ${v} |`),
    end,
  ].join('\n');
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  text =
    i >= 0 && j > i
      ? text.slice(0, i) + section + text.slice(j + end.length)
      : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(docs, text);
}

for (const name of names.length ? names : Object.keys(scenarios)) {
  const result = await scenarios[name]!.run();
  console.log(JSON.stringify(result));
  record(name, result);
}
