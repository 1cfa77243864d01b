import { ruleByCode } from './rule-catalog.js';
import { defaultSeverity, type RuleCode, type Severity } from './rule-types.js';
import type { Finding } from './finding.js';

/**
 * How severe each rule is for one program: the rule's default (an [UNKNOWN] reading warns, everything
 * else is an error), unless the program's settings say otherwise for a rule Lead has since confirmed
 * (profile `rules`, or Lead's side of the sandbox). `off` drops the finding.
 */
export type RuleSetting = Severity | 'off';

export interface Judge {
  severity(code: RuleCode): RuleSetting;
}

export function createJudge(overrides: Readonly<Record<string, RuleSetting>> = {}): Judge {
  const cache = new Map<string, RuleSetting>();
  return {
    severity(code) {
      let setting = cache.get(code);
      if (setting === undefined) {
        const known = ruleByCode(code);
        setting = overrides[code] ?? (known ? defaultSeverity(known) : 'error');
        cache.set(code, setting);
      }
      return setting;
    },
  };
}

/** Collects one file's findings with the program's severity; `off` rules leave nothing. */
export class FindingList {
  readonly items: Finding[] = [];
  constructor(private readonly judge: Judge, private readonly file: string) {}

  add(line: number, column: string, rule: RuleCode, message: string): void {
    const severity = this.judge.severity(rule);
    if (severity !== 'off') this.items.push({ file: this.file, line, column, rule, severity, message });
  }

  get errors(): number {
    return this.items.filter((f) => f.severity === 'error').length;
  }
}
