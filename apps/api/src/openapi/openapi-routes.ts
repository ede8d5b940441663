import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Router } from 'express';
import { HttpProblem } from '../http/problem.ts';
import { createApiDocument } from './document.ts';

const version: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;

/** Swagger UI's files, from node_modules: the page needs nothing from another origin. */
const SWAGGER_UI = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'swagger-ui.css',
  'swagger-ui-bundle.js': 'swagger-ui-bundle.js',
  'favicon-32x32.png': 'favicon-32x32.png',
};

/** The page itself: no inline script (the CSP allows only this origin's scripts). */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Sluice API reference</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/reference.js"></script>
</body>
</html>
`;

/** Starts Swagger UI on this app's own document; no validator badge (it calls out). */
const STARTER = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
});
`;

/**
 * GET /openapi.json (the OpenAPI 3.1 document, built once from
 * @sluice/contract's schemas) and GET /docs (Swagger UI on it, served from
 * this app). Public and cacheable: neither says anything about a tenant.
 */
export function openApiRoutes(): Router {
  const router = Router();
  const document = JSON.stringify(createApiDocument(version));
  router.get('/openapi.json', (_req, res) => {
    // express adds an ETag; a revalidation answers 304.
    res.setHeader('cache-control', 'public, max-age=300');
    res.type('application/json').send(document);
  });
  router.get('/docs', (_req, res) => {
    res.setHeader('cache-control', 'public, max-age=300');
    res.type('text/html').send(PAGE);
  });
  router.get('/docs/:asset', (req, res) => {
    if (req.params.asset === 'reference.js') {
      res.setHeader('cache-control', 'public, max-age=300');
      res.type('text/javascript').send(STARTER);
      return;
    }
    const file = ASSETS[req.params.asset];
    if (!Object.hasOwn(ASSETS, req.params.asset) || file === undefined) {
      throw new HttpProblem('not_found', `No asset ${JSON.stringify(req.params.asset)} of /docs.`);
    }
    // Versioned with the package: a day of caching is safe. The folder is in
    // pnpm's node_modules/.pnpm: its dot segment is ours, not the client's.
    res.sendFile(join(SWAGGER_UI, file), { maxAge: 86_400_000, dotfiles: 'allow' });
  });
  return router;
}
