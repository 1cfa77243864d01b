import type { Profile } from '../config/profile-schema.js';
import { LeadEtlError } from '../core/errors.js';
import { defaultSeverity, ruleByCode } from './validation/rule-catalog.js';
import type { RuleSetting } from './validation/judge.js';

/**
 * What a program's profile says beyond its file types, for the checks Lead makes: the program's kind,
 * where it reports authorized users (the Accounts column or the Authorized Users file), and the rules
 * Lead has since confirmed (an [UNKNOWN] reading made an error) or ruled out (turned off). Lead's side
 * of the sandbox has settings of its own, in the same shape (sandbox/lead-programs.ts).
 */
export interface ProgramSettings {
  readonly kind?: string;
  readonly authorizedUsers: 'accounts_column' | 'authorized_users_file';
  readonly rules: Readonly<Record<string, RuleSetting>>;
}

export function programSettingsOf(profile: Profile): ProgramSettings {
  return {
    kind: profile.kind,
    authorizedUsers: profile.authorizedUsers ?? (profile.fileTypes.includes('authorized_users') ? 'authorized_users_file' : 'accounts_column'),
    rules: checkedRules(profile.rules, `profile ${profile.name}: rules`),
  };
}

/**
 * A rule's severity may be set only for a rule that warns by default (an [UNKNOWN] reading, or a
 * practice Lead lists no check for): what Lead documents as a rejection stays an error.
 */
export function checkedRules(rules: Readonly<Record<string, RuleSetting>>, key: string): Readonly<Record<string, RuleSetting>> {
  for (const code of Object.keys(rules)) {
    const known = ruleByCode(code);
    if (!known) throw new LeadEtlError('CONFIG_INVALID', `${key}.${code}: no such rule; see docs/validation-rules.md`);
    if (defaultSeverity(known) === 'error') {
      throw new LeadEtlError('CONFIG_INVALID', `${key}.${code}: Lead documents this rule (${known.basis}); it is always an error and cannot be changed`);
    }
  }
  return rules;
}
