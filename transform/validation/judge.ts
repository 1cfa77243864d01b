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

/**
 * Collects one file's findings with the program's severity; `off` rules leave nothing.
 *
 * With `warningsPerRule`, only the first that many warnings of each rule are kept and the rest are only
 * counted (`leftOut`): a rule that warns on every row of a 1M-row file would otherwise hold a finding per
 * row for the whole run. Errors are always kept, every one: each names a record the run must not send.
 */
export class FindingList {
  readonly items: Finding[] = [];
  /** Warnings past the cap, by rule: counted, not kept. */
  readonly leftOut = new Map<RuleCode, number>();
  private readonly keptWarnings = new Map<RuleCode, number>();
  constructor(private readonly judge: Judge, private readonly file: string, private readonly warningsPerRule = Infinity) {}

  add(line: number, column: string, rule: RuleCode, message: string): void {
    const severity = this.judge.severity(rule);
    if (severity === 'off') return;
    if (severity === 'warning' && this.warningsPerRule !== Infinity) {
      const kept = this.keptWarnings.get(rule) ?? 0;
      if (kept >= this.warningsPerRule) {
        this.leftOut.set(rule, (this.leftOut.get(rule) ?? 0) + 1);
        return;
      }
      this.keptWarnings.set(rule, kept + 1);
    }
    this.items.push({ file: this.file, line, column, rule, severity, message });
  }

  /** Drops the findings (kept and counted) of the rules `keep` says no to. */
  retain(keep: (rule: RuleCode) => boolean): void {
    let at = 0;
    for (const finding of this.items) if (keep(finding.rule)) this.items[at++] = finding;
    this.items.length = at;
    for (const rule of [...this.leftOut.keys()]) if (!keep(rule)) this.leftOut.delete(rule);
  }

  get errors(): number {
    return this.items.filter((f) => f.severity === 'error').length;
  }
}
