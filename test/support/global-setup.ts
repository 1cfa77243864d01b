import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import { createOncePerRunRegistry } from './once-per-run-registry.js';

/**
 * Once per test run, in vitest's main process: the registry of the set-ups made once per run
 * (once-per-run.ts), answering the workers over HTTP on loopback. `POST /ask` answers with what was made,
 * or with the place where the asking worker is to make it, and waits while another worker makes it;
 * `POST /made` reports it made.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    /** The registry's base URL. */
    leadEtlOncePerRun: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const registry = await createOncePerRunRegistry({ ...(process.env.LEAD_ETL_TEST_DATABASE_URL ? { adminUrl: process.env.LEAD_ETL_TEST_DATABASE_URL } : {}) });
  // One connection per answer: a kept-alive socket that the server closes as idle just when the client
  // reuses it fails the request ("other side closed").
  const answer = (response: ServerResponse, status: number, body: string) =>
    response.writeHead(status, { 'content-type': status === 200 ? 'application/json' : 'text/plain', connection: 'close' }).end(body);
  const server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => { text += chunk; });
    request.on('end', () => {
      const { key, value, error } = JSON.parse(text) as { key: string; value?: unknown; error?: string };
      if (request.url === '/made') {
        registry.made(key, error === undefined ? { value } : { error });
        answer(response, 200, '{}');
        return;
      }
      registry.ask(key).then(
        (reply) => answer(response, 200, JSON.stringify(reply)),
        (failure: Error) => answer(response, 500, `${key} could not be made: ${failure.message}`),
      );
    });
  });
  // Making something can take longer than node's default request timeouts on a loaded machine.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  project.provide('leadEtlOncePerRun', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await registry.close();
  };
}
