// Starts the fault suite's crash child: vite's module runner (vitest's own) loads the TypeScript
// harness as the tests see it, without a build step; the plan arrives on stdin as JSON.
import { runnerImport } from 'vite';
import { fileURLToPath } from 'node:url';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const { module } = await runnerImport(fileURLToPath(new URL('./crash-child.ts', import.meta.url)), { configFile: false, logLevel: 'error' });
await module.main(JSON.parse(input));
