#!/usr/bin/env node
import { tuneHeap } from '../core/heap.js';
import { defaultIo, runCli } from '../jobs/cli.js';

tuneHeap();
process.exitCode = await runCli(process.argv.slice(2), defaultIo());
