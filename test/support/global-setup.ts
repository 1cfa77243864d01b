import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import { createTemplateRegistry, type TemplateRecipe, type TemplateRef } from './templates.js';
import type { DatabaseKind } from './databases.js';

/**
 * Once per test run, in vitest's main process: the template registry (templates.ts), answering the workers
 * over HTTP on loopback. `POST /ask` answers with a ready template, or with the place where the asking
 * worker is to build it, and waits while another worker builds it; `POST /built` reports a build done.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    /** The registry's base URL. */
    leadEtlTemplates: string;
  }
}

type Body = { kind: DatabaseKind; recipe: TemplateRecipe; ref?: TemplateRef; error?: string };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const registry = await createTemplateRegistry({ ...(process.env.LEAD_ETL_TEST_DATABASE_URL ? { adminUrl: process.env.LEAD_ETL_TEST_DATABASE_URL } : {}) });
  // One connection per answer: a kept-alive socket that the server closes as idle just when the client
  // reuses it fails the request ("other side closed").
  const answer = (response: ServerResponse, status: number, body: string) =>
    response.writeHead(status, { 'content-type': status === 200 ? 'application/json' : 'text/plain', connection: 'close' }).end(body);
  const server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => { text += chunk; });
    request.on('end', () => {
      const { kind, recipe, ref, error } = JSON.parse(text) as Body;
      if (request.url === '/built') {
        registry.built(kind, recipe, ref ? { ref } : { error: error ?? 'the build failed' });
        answer(response, 200, '{}');
        return;
      }
      registry.ask(kind, recipe).then(
        (reply) => answer(response, 200, JSON.stringify(reply)),
        (failure: Error) => answer(response, 500, `the ${kind} template ${JSON.stringify(recipe)} could not be built: ${failure.message}`),
      );
    });
  });
  // A build can take longer than node's default request timeouts on a loaded machine.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  project.provide('leadEtlTemplates', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await registry.close();
  };
}
