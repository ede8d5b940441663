/**
 * `node test/bench/profile-summary.ts FILE.cpuprofile [TOP]`: the functions
 * with the most self time in a V8 CPU profile (what `--cpu-prof` and
 * `pnpm bench --profile` write), and self time summed by source: each
 * dependency as one line (node_modules/<package>), each of our files as one.
 * A text view of what a flame graph shows as the widest bottom frames.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `file:///…/node_modules/.pnpm/x@1/node_modules/x/dist/a.js` → `node_modules/x`; our files relative. */
function sourceOf(url: string): string {
  if (url === '') return '(native / V8)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = path.slice(modules + '/node_modules/'.length).split('/');
    return `node_modules/${rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  return path.startsWith('/') ? relative(ROOT, path) : path;
}

function top(totals: Map<string, number>, all: number, count: number): string[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(
      ([what, us]) =>
        `${((100 * us) / all).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${what}`,
    );
}

const [file, count = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node test/bench/profile-summary.ts FILE.cpuprofile [TOP]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const byFunction = new Map<string, number>();
const bySource = new Map<string, number>();
let all = 0;
profile.samples.forEach((id, i) => {
  const us = profile.timeDeltas[i] ?? 0;
  const frame = byId.get(id)!.callFrame;
  const source = sourceOf(frame.url);
  const name = `${frame.functionName || '(anonymous)'}  ${source}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  bySource.set(source, (bySource.get(source) ?? 0) + us);
  all += us;
});
console.log(`${file}: ${(all / 1000).toFixed(0)} ms sampled\n\nself time by function:`);
console.log(top(byFunction, all, Number(count)).join('\n'));
console.log('\nself time by source:');
console.log(top(bySource, all, Number(count)).join('\n'));
