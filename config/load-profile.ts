import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { LeadEtlError } from '../core/errors.js';
import { packagePath } from '../core/package-root.js';
import { describeIssues } from './describe-issues.js';
import { profileSchema, type Profile, type ValueMapEntries } from './profile-schema.js';

/** Profiles that ship with lead-etl, for the program kinds the reference ledger covers. */
export const BUILT_IN_PROFILES_DIR = packagePath('config', 'profiles');

export function builtInProfileNames(): string[] {
  if (!existsSync(BUILT_IN_PROFILES_DIR)) return [];
  return readdirSync(BUILT_IN_PROFILES_DIR).filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -'.json'.length)).sort();
}

/**
 * A profile as read and checked for shape; applying it to Lead's file types is transform's work
 * (`programFilesOf` in transform/program-file-types.ts).
 */
export interface LoadedProfile {
  readonly profile: Profile;
  readonly path: string;
  /** The value-map tables the profile keeps in files of their own (`entriesFile`), by map name. */
  readonly valueMapEntries: Readonly<Record<string, ValueMapEntries>>;
}

/** `ref` is a built-in profile name or a path to a profile JSON file (relative to `baseDir`). */
export function loadProfile(ref: string, baseDir: string): LoadedProfile {
  const builtIn = /^[a-z][a-z0-9-]*$/.test(ref) && !ref.endsWith('.json');
  const path = builtIn ? join(BUILT_IN_PROFILES_DIR, `${ref}.json`) : isAbsolute(ref) ? ref : resolve(baseDir, ref);
  if (!existsSync(path)) {
    throw new LeadEtlError('CONFIG_INVALID', builtIn
      ? `config key program.profile: no built-in profile "${ref}"; built in: ${builtInProfileNames().join(', ')}, or give a path to a JSON file`
      : `config key program.profile: profile file ${path} does not exist`);
  }
  const raw = readJson(path, 'program.profile');
  const parsed = profileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new LeadEtlError('CONFIG_INVALID', `profile ${path}: ${describeIssues(parsed.error)}`);
  }
  const profile = parsed.data;
  const entries: Record<string, ValueMapEntries> = {};
  for (const [name, map] of Object.entries(profile.valueMaps)) {
    if (!map.entriesFile) continue;
    const file = resolve(dirname(path), map.entriesFile);
    const table = z.record(z.string(), z.record(z.string(), z.string().nullable())).safeParse(readJson(file, `valueMaps.${name}.entriesFile`));
    if (!table.success) throw new LeadEtlError('CONFIG_INVALID', `profile ${path}: valueMaps.${name}.entriesFile ${file}: ${describeIssues(table.error)}`);
    entries[name] = table.data;
  }
  return { profile, path, valueMapEntries: entries };
}

function readJson(path: string, key: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new LeadEtlError('CONFIG_UNREADABLE', `${key}: cannot read ${path} as JSON: ${(cause as Error).message}`, { cause });
  }
}
