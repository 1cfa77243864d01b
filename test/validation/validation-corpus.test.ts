import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../config/load-profile.js';
import { packagePath } from '../../core/package-root.js';
import { programFilesOf } from '../../transform/program-file-types.js';
import { ruleByCode, VALIDATION_RULES } from '../../transform/validation/rule-catalog.js';
import { defaultSeverity } from '../../transform/validation/rule-types.js';
import { validateFiles, type ValidationOptions } from '../../transform/validation/validate-files.js';
import { memoryHistory, type HistoryData } from '../support/memory-history.js';

/**
 * The project's corpus (test/fixtures/validation/): `good/` is a clean set of every outbound file type
 * over two dates (Day 0 and the day after); each folder under `cases/` holds one defect, alone or with
 * the files it needs for context, and its `.expected.json` names exactly the findings it must yield (an
 * [UNKNOWN] reading's are warnings); each folder under `valid/` holds unusual files Lead takes, which
 * must yield no error. A case folder may hold `.profile.json`, the program profile to validate with.
 */
const FIXTURES = packagePath('test', 'fixtures', 'validation');
const GOOD = join(FIXTURES, 'good');

type Expected = [file: string, line: number, column: string, rule: string];

interface CaseFile {
  readonly findings: Expected[];
  readonly fromDay0?: boolean;
  readonly day0?: string;
  readonly history?: HistoryData;
}

const META = ['.expected.json', '.profile.json'];

function caseOf(dir: string): { paths: string[]; expected: CaseFile; options: ValidationOptions } {
  const expected = JSON.parse(readFileSync(join(dir, '.expected.json'), 'utf8')) as CaseFile;
  const paths = readdirSync(dir).filter((entry) => !META.includes(entry)).map((entry) => join(dir, entry));
  const loaded = existsSync(join(dir, '.profile.json')) ? loadProfile(join(dir, '.profile.json'), dir) : undefined;
  const options: ValidationOptions = {
    ...(expected.fromDay0 ? { fromDay0: true } : {}),
    ...(expected.day0 ? { day0: expected.day0 } : {}),
    ...(expected.history ? { history: memoryHistory(expected.history) } : {}),
    ...(loaded ? { program: { files: programFilesOf(loaded), profile: loaded.profile } } : {}),
  };
  return { paths, expected, options };
}

const folders = (dir: string) => readdirSync(dir).filter((entry) => statSync(join(dir, entry)).isDirectory()).sort();
const CASES = folders(join(FIXTURES, 'cases'));
const VALID = folders(join(FIXTURES, 'valid'));

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((entry) => (statSync(join(dir, entry)).isDirectory() ? filesUnder(join(dir, entry)) : [join(dir, entry)]));

describe('the validation corpus', () => {
  it('finds nothing in the good set, as one set spanning two dates, from Day 0 or not', async () => {
    for (const fromDay0 of [false, true]) {
      const report = await validateFiles([GOOD], { fromDay0 });
      expect(report.findings, `fromDay0 ${fromDay0}`).toEqual([]);
      expect(report.summary).toMatchObject({ errors: 0, warnings: 0, filesWithErrors: 0 });
    }
  });

  it('finds nothing in each good file on its own', async () => {
    for (const file of filesUnder(GOOD)) {
      expect((await validateFiles([file])).findings, relative(GOOD, file)).toEqual([]);
    }
  });

  it.each(CASES)('%s yields exactly its finding', async (name) => {
    const dir = join(FIXTURES, 'cases', name);
    const { paths, expected, options } = caseOf(dir);
    const report = await validateFiles(paths, options);
    const found = report.findings.map((f): Expected => [relative(dir, f.file), f.line, f.column, f.rule]);
    expect(found).toEqual(expected.findings);
    for (const f of report.findings) {
      expect(f.severity, f.rule).toBe(defaultSeverity(ruleByCode(f.rule)!));
      expect(f.message.length).toBeGreaterThan(10);
    }
  });

  it.each(VALID)('%s is taken as Lead takes it: no error, from Day 0 or not', async (name) => {
    for (const fromDay0 of [true, false]) {
      const report = await validateFiles([join(FIXTURES, 'valid', name)], { fromDay0 });
      expect(report.findings.filter((f) => f.severity === 'error'), `fromDay0 ${fromDay0}`).toEqual([]);
    }
  });

  it('has a case for every rule, named after it', () => {
    const covered = new Map<string, string[]>();
    for (const name of CASES) {
      for (const [, , , rule] of caseOf(join(FIXTURES, 'cases', name)).expected.findings) covered.set(rule, [...(covered.get(rule) ?? []), name]);
    }
    expect(VALIDATION_RULES.map((r) => r.code).filter((code) => !covered.has(code))).toEqual([]);
    // Each rule's own case is the folder named after its code.
    const named = VALIDATION_RULES.map((r) => r.code).filter((code) => !CASES.includes(code.replaceAll(/[._]/g, '-')));
    expect(named).toEqual([]);
  });
});
