import { LeadEtlError } from '../core/errors.js';
import type { LoadedProfile } from '../config/load-profile.js';
import type { FileOverride, Profile, ValueMapEntries } from '../config/profile-schema.js';
import type { ColumnSpec, ColumnType, FileTypeSpec } from './file-type-spec.js';
import { FILE_TYPES } from './file-types/registry.js';
import { programSettingsOf } from './program-settings.js';

/**
 * A program's file types: Lead's specs with the program profile applied (folders, tokens, version
 * format, columns added / renamed / dropped / reordered, value maps). Every later stage reads these,
 * never the bare registry, so a partner fits lead-etl to its agreed schema without code.
 */
export interface ValueMap {
  readonly name: string;
  /** The query column holding the partner's value (consumed, not written). */
  readonly source: string;
  readonly targets: readonly string[];
  readonly entries: ValueMapEntries;
}

export interface ProgramFileType {
  readonly spec: FileTypeSpec;
  /** `V{n}`, `v{n}` or `{n:3}`. */
  readonly versionFormat: string;
  readonly valueMaps: readonly ValueMap[];
  /** Lead's column name → the program's, where the profile renames one. */
  readonly renames?: Readonly<Record<string, string>>;
}

export function formatVersion(format: string, version: number): string {
  return format.replace(/\{n(?::(\d))?\}/, (_, width: string | undefined) => String(version).padStart(Number(width ?? 1), '0'));
}

export function fileName(prefix: string, programType: ProgramFileType, version: number): string {
  return `${prefix}_${programType.spec.token}_${formatVersion(programType.versionFormat, version)}.csv`;
}

const fail = (profile: Profile, key: string, message: string) =>
  new LeadEtlError('CONFIG_INVALID', `profile ${profile.name}: ${key}: ${message}`);

/** The program's file types from a profile as config read it, optionally only some of them. */
export function programFilesOf(loaded: Pick<LoadedProfile, 'profile' | 'valueMapEntries'>, onlyFileTypes?: readonly string[]): ProgramFileType[] {
  return applyProfile(loaded.profile, loaded.valueMapEntries, onlyFileTypes);
}

export function applyProfile(
  profile: Profile,
  valueMapEntries: Readonly<Record<string, ValueMap['entries']>>,
  onlyFileTypes?: readonly string[],
): ProgramFileType[] {
  const known = new Map<string, FileTypeSpec>(FILE_TYPES.map((spec) => [spec.id, spec]));
  profile.fileTypes.forEach((id, i) => {
    if (!known.has(id)) throw fail(profile, `fileTypes[${i}]`, `unknown file type "${id}"; known: ${[...known.keys()].join(', ')}`);
  });
  for (const id of onlyFileTypes ?? []) {
    if (!profile.fileTypes.includes(id)) {
      throw new LeadEtlError('CONFIG_INVALID', `config key program.fileTypes: ${id} is not a file type of profile ${profile.name} (${profile.fileTypes.join(', ')})`);
    }
  }
  const ids = onlyFileTypes ?? profile.fileTypes;
  for (const id of Object.keys(profile.files)) {
    if (!known.has(id)) throw fail(profile, `files.${id}`, `unknown file type; known: ${[...known.keys()].join(', ')}`);
  }
  // The program's settings fail here, at start, not at the first validation (an unknown rule code...).
  const settings = programSettingsOf(profile);
  // Every query may ask where the program reports authorized users (docs/partner-queries.md).
  const queryParameters = { authorized_users_in: settings.authorizedUsers };
  const maps = new Map<string, ValueMap>(
    Object.entries(profile.valueMaps).map(([name, m]) => [name, { name, source: m.source, targets: m.targets, entries: valueMapEntries[name] ?? m.entries ?? {} }]),
  );
  // Keep Lead's object order (the registry's), whatever order the profile lists them in.
  return FILE_TYPES.filter((spec) => ids.includes(spec.id)).map((base) => {
    const override = profile.files[base.id];
    const spec: FileTypeSpec = { ...(override ? overrideSpec(profile, base, override) : base), queryParameters };
    const valueMaps = (override?.valueMaps ?? []).map((name, i) => {
      const map = maps.get(name);
      if (!map) throw fail(profile, `files.${base.id}.valueMaps[${i}]`, `no value map "${name}" in valueMaps`);
      const missing = map.targets.filter((t) => !spec.columns.some((c) => c.name === t));
      if (missing.length === map.targets.length) throw fail(profile, `valueMaps.${name}.targets`, `none of ${map.targets.join(', ')} is a column of ${base.id}`);
      return map;
    });
    const renames = override?.columns.rename ?? {};
    return { spec, versionFormat: override?.versionFormat ?? 'V{n}', valueMaps, ...(Object.keys(renames).length ? { renames } : {}) };
  });
}

function overrideSpec(profile: Profile, base: FileTypeSpec, override: FileOverride): FileTypeSpec {
  const key = `files.${base.id}.columns`;
  const has = (columns: readonly ColumnSpec[], name: string) => columns.some((c) => c.name === name);
  let columns = [...base.columns];

  for (const [i, name] of override.columns.drop.entries()) {
    if (!has(columns, name)) throw fail(profile, `${key}.drop[${i}]`, `no column "${name}" in ${base.id}`);
    if (name === base.recordIdColumn) throw fail(profile, `${key}.drop[${i}]`, `"${name}" identifies the record and cannot be dropped`);
    columns = columns.filter((c) => c.name !== name);
  }

  const renames = override.columns.rename;
  for (const from of Object.keys(renames)) {
    if (!has(columns, from)) throw fail(profile, `${key}.rename.${from}`, `no column "${from}" in ${base.id}`);
  }
  const renamed = (name: string) => renames[name] ?? name;
  columns = columns.map((c) => ({ ...c, name: renamed(c.name), type: renameInType(c.type, renamed) }));

  for (const [i, added] of override.columns.add.entries()) {
    if (has(columns, added.name)) throw fail(profile, `${key}.add[${i}]`, `${base.id} already has a column "${added.name}"`);
    const type: ColumnType = added.type === 'money'
      ? { kind: 'money', currency: added.currencyColumn ? { column: added.currencyColumn } : 'program' }
      : ({ kind: added.type } as ColumnType);
    const column: ColumnSpec = { name: added.name, type, required: added.required };
    if (added.after === undefined) {
      columns.push(column);
    } else {
      const at = columns.findIndex((c) => c.name === added.after);
      if (at < 0) throw fail(profile, `${key}.add[${i}].after`, `no column "${added.after}" in ${base.id}`);
      columns.splice(at + 1, 0, column);
    }
  }

  if (override.columns.order) {
    const order = override.columns.order;
    const names = columns.map((c) => c.name);
    const missing = names.filter((n) => !order.includes(n));
    const unknown = order.filter((n) => !names.includes(n));
    if (missing.length || unknown.length || new Set(order).size !== order.length) {
      throw fail(profile, `${key}.order`, `must list each column once${missing.length ? `; missing ${missing.join(', ')}` : ''}${unknown.length ? `; unknown ${unknown.join(', ')}` : ''}`);
    }
    columns = order.map((n) => columns.find((c) => c.name === n)!);
  }

  for (const [name, extra] of Object.entries(override.columns.enumValues)) {
    const at = columns.findIndex((c) => c.name === name);
    const column = columns[at];
    if (!column || column.type.kind !== 'enum') throw fail(profile, `${key}.enumValues.${name}`, `no enum column "${name}" in ${base.id}`);
    columns[at] = { ...column, type: { kind: 'enum', values: [...new Set([...column.type.values, ...extra])] } };
  }

  return renameSpecFields({
    ...base,
    folder: override.folder ?? base.folder,
    token: override.token ?? base.token,
    columns,
  }, renamed);
}

function renameInType(type: ColumnType, renamed: (name: string) => string): ColumnType {
  if (type.kind === 'money' && typeof type.currency === 'object' && 'column' in type.currency) {
    return { ...type, currency: { column: renamed(type.currency.column) } };
  }
  return type;
}

/** Fields of a spec that name columns follow the profile's renames. */
function renameSpecFields(spec: FileTypeSpec, renamed: (name: string) => string): FileTypeSpec {
  const out: Record<string, unknown> = { ...spec, recordIdColumn: renamed(spec.recordIdColumn) };
  for (const [field, value] of Object.entries(spec)) {
    if (field === 'columns' || field === 'recordIdColumn') continue;
    if (field.endsWith('Column') && typeof value === 'string') out[field] = renamed(value);
    else if (field.endsWith('Columns') && Array.isArray(value)) out[field] = value.map((v) => (typeof v === 'string' ? renamed(v) : v));
    else if (field === 'hashExcludes' && Array.isArray(value)) out[field] = value.map((v: string) => renamed(v));
    else if (field === 'terminal' && value && typeof value === 'object' && 'column' in value) out[field] = { ...value, column: renamed((value as { column: string }).column) };
  }
  return out as unknown as FileTypeSpec;
}
