import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../config/load-profile.js';
import { packagePath } from '../../core/package-root.js';
import { programFilesOf } from '../../transform/program-file-types.js';
import { validateFiles } from '../../transform/validation/validate-files.js';

/**
 * What a program profile says for Lead's checks: a reading Lead confirmed made an error, or one it
 * ruled out turned off; where authorized users are reported. Only [UNKNOWN] readings can be changed.
 */
const CASES = packagePath('test', 'fixtures', 'validation', 'cases');

function profile(body: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'lead-etl-settings-'));
  writeFileSync(join(dir, 'p.json'), JSON.stringify({ name: 'p', kind: 'deposit', fileTypes: ['cards'], ...body }));
  return () => {
    const loaded = loadProfile(join(dir, 'p.json'), dir);
    return { files: programFilesOf(loaded), profile: loaded.profile };
  };
}

const rulesOf = async (dir: string, program?: ReturnType<ReturnType<typeof profile>>) =>
  (await validateFiles([join(CASES, dir, 'cards')], program ? { program } : {})).findings.map((f) => `${f.rule}:${f.severity}`);

describe('a program profile\'s rule settings', () => {
  it('leave an [UNKNOWN] reading a warning by default, make it an error once Lead confirms it, or turn it off', async () => {
    expect(await rulesOf('format-boolean-literal')).toEqual(['format.boolean.literal:warning']);
    expect(await rulesOf('format-boolean-literal', profile({ rules: { 'format.boolean.literal': 'error' } })())).toEqual(['format.boolean.literal:error']);
    expect(await rulesOf('format-boolean-literal', profile({ rules: { 'format.boolean.literal': 'off' } })())).toEqual([]);
  });

  it('refuse a documented rule or a code that does not exist, at start', () => {
    expect(profile({ rules: { 'format.boolean': 'warning' } })).toThrow(/rules\.format\.boolean: Lead documents this rule \(inferred\); it is always an error/);
    expect(profile({ rules: { 'format.nothing_like_it': 'off' } })).toThrow(/rules\.format\.nothing_like_it: no such rule/);
  });

  it('say where authorized users are reported, one way only', () => {
    expect(profile({ authorizedUsers: 'authorized_users_file' })).toThrow(/authorizedUsers: authorized_users_file needs authorized_users in fileTypes/);
    expect(profile({ fileTypes: ['accounts', 'authorized_users'], authorizedUsers: 'accounts_column' })).toThrow(/authorizedUsers: accounts_column: a program reports authorized users one way/);
  });

  it('make the Accounts file\'s authorized_users an error for a program that sends the Authorized Users file', async () => {
    const withFile = profile({ fileTypes: ['accounts', 'authorized_users'] })();
    const accounts = join(CASES, 'record-authorized-users-both-ways', 'accounts');
    // (The date's Authorized Users file is missing too: a program sending it sends it every day.)
    expect((await validateFiles([accounts], { program: withFile })).findings.map((f) => `${f.line}:${f.column}:${f.rule}`))
      .toEqual(['0::cross.daily_file_missing', '3:authorized_users:record.authorized_users_both_ways']);
    // The same file for a program reporting them in the column is fine.
    const inColumn = profile({ fileTypes: ['accounts'] })();
    expect((await validateFiles([accounts], { program: inColumn })).findings).toEqual([]);
  });
});
