import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../core/package-root.js';

/**
 * The house's structure, drawn from the imports themselves. Data flows extract -> transform -> load;
 * a stage may import the stages before it, config and core, never one after it. jobs sit on top and
 * may use every stage; Lead's side (sandbox/) and the reference program stand beside the pipeline and
 * never reach into the partner's upload stage. config only checks shapes: it imports core alone.
 */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  core: [],
  config: ['core'],
  extract: ['core', 'config'],
  transform: ['core', 'config', 'extract'],
  load: ['core', 'config', 'extract', 'transform'],
  sandbox: ['core', 'config', 'transform'],
  'reference-program': ['core', 'extract', 'transform'],
  jobs: ['core', 'config', 'extract', 'transform', 'load', 'sandbox', 'reference-program'],
  bin: ['core', 'jobs'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const folderOf = (file: string) => relative(PACKAGE_ROOT, file).split(sep)[0]!;

function folderEdges(): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const folder of Object.keys(ALLOWED)) {
    for (const file of sourceFiles(join(PACKAGE_ROOT, folder))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        const target = folderOf(resolve(dirname(file), match[1]!));
        if (target === folder) continue;
        if (!edges.has(folder)) edges.set(folder, new Set());
        edges.get(folder)!.add(`${target} (${relative(PACKAGE_ROOT, file)})`);
      }
    }
  }
  return edges;
}

describe('the folders of the pipeline', () => {
  const edges = folderEdges();

  it('import only along extract -> transform -> load, with jobs on top and sandbox beside', () => {
    const against: string[] = [];
    for (const [folder, targets] of edges) {
      for (const target of targets) {
        const name = target.split(' ')[0]!;
        if (!ALLOWED[folder]!.includes(name)) against.push(`${folder} imports ${target}`);
      }
    }
    expect(against).toEqual([]);
  });

  it('form no cycle between folders', () => {
    const graph = new Map([...edges].map(([folder, targets]) => [folder, new Set([...targets].map((t) => t.split(' ')[0]!))]));
    const cycles: string[] = [];
    const visit = (node: string, path: string[]) => {
      for (const next of graph.get(node) ?? []) {
        if (path.includes(next)) cycles.push([...path.slice(path.indexOf(next)), next].join(' -> '));
        else visit(next, [...path, next]);
      }
    };
    for (const folder of graph.keys()) visit(folder, [folder]);
    expect(cycles).toEqual([]);
  });

  it('keep Lead\'s side under sandbox/ and the simulator out of extract/', () => {
    const misplaced = Object.keys(ALLOWED).filter((f) => f !== 'sandbox').flatMap((folder) => sourceFiles(join(PACKAGE_ROOT, folder)))
      .filter((file) => /embedded-sftp|sandbox-|reference-ledger/.test(relative(PACKAGE_ROOT, file)));
    expect(misplaced.map((f) => relative(PACKAGE_ROOT, f))).toEqual([]);
  });
});
