import { loadConfig, type Config, type LoadConfigOptions } from '../config/load-config.js';
import { REFERENCE_LEDGER_QUERIES_DIR } from '../reference-program/paths.js';
import { programFilesOf, type ProgramFileType } from '../transform/program-file-types.js';

/**
 * The configuration the jobs run on: config's checked shapes, with the program's file types resolved
 * by transform (Lead's specs with the profile applied, in Lead's object order) and the queries folder
 * settled. Config never runs stage code; this is where the two meet.
 */
export interface PipelineConfig extends Omit<Config, 'program' | 'queries'> {
  readonly program: Config['program'] & {
    /** The program's file types with its profile applied, in Lead's object order. */
    readonly files: readonly ProgramFileType[];
  };
  readonly queries: {
    readonly dir: string;
    readonly fetchSize: number;
    /** True when no queries.dir was named and the reference program's queries serve (embedded ledger only). */
    readonly reference: boolean;
  };
}

export function toPipelineConfig(config: Config): PipelineConfig {
  return {
    ...config,
    program: { ...config.program, files: programFilesOf(config.program, config.program.fileTypes) },
    queries: {
      dir: config.queries.dir ?? REFERENCE_LEDGER_QUERIES_DIR,
      fetchSize: config.queries.fetchSize,
      reference: config.queries.dir === undefined,
    },
  };
}

export function loadPipelineConfig(options: LoadConfigOptions = {}): PipelineConfig {
  return toPipelineConfig(loadConfig(options));
}
