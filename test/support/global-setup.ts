import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import { createTemplateBuilder, type TemplateRecipe } from './template-builder.js';
import type { DatabaseKind } from './databases.js';

/**
 * Once per test run, in vitest's main process: the template builder (template-builder.ts), answering the
 * workers over HTTP on loopback. A worker asks for a template and gets its answer when the template is
 * ready, built by the first request for it and shared by every later one.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the workers ask for templates: `POST <url>` with `{ kind, recipe }`. */
    leadEtlTemplates: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const builder = await createTemplateBuilder({ ...(process.env.LEAD_ETL_TEST_DATABASE_URL ? { adminUrl: process.env.LEAD_ETL_TEST_DATABASE_URL } : {}) });
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => { body += chunk; });
    request.on('end', () => {
      const { kind, recipe } = JSON.parse(body) as { kind: DatabaseKind; recipe: TemplateRecipe };
      builder.template(kind, recipe).then(
        (ref) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(ref)),
        (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`cannot build the ${kind} template ${JSON.stringify(recipe)}: ${error.stack ?? error.message}`),
      );
    });
  });
  // A template can take longer than node's default request timeouts on a loaded machine.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  project.provide('leadEtlTemplates', `http://127.0.0.1:${(server.address() as AddressInfo).port}/template`);
  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await builder.close();
  };
}
