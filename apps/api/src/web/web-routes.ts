import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { HttpProblem } from '../http/problem.ts';

/** The web app's build (apps/web: `pnpm --filter @sluice/web build`, run by ./dev start and test). */
const WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** Where the web app lives on this origin: its page and its hashed assets (document.ts lists them as outside the contract). */
export const WEB_PATHS = ['/', '/assets'] as const;

/**
 * The web app (apps/web) at `/`: index.html is revalidated on every load
 * (no-cache: a new build shows at once), the assets Vite names by content
 * hash are cached for a year, immutable. The compression middleware before
 * this compresses them like any other answer. Without a build (an API run
 * on its own from a fresh checkout) `/` is a 404 problem that says so.
 */
export function webRoutes(dist: string = WEB_DIST): Router {
  const router = Router();
  const index = join(dist, 'index.html');
  router.get('/', (_req, res) => {
    if (!existsSync(index)) {
      throw new HttpProblem(
        'not_found',
        'The web app is not built here: `pnpm --filter @sluice/web build` (./dev start does it).',
      );
    }
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
  // fallthrough: an unknown asset reaches routeNotFound (404 problem+json).
  router.use(
    '/assets',
    express.static(join(dist, 'assets'), {
      immutable: true,
      maxAge: 365 * 86_400_000,
      index: false,
      redirect: false,
    }),
  );
  return router;
}
