import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderValidationRulesDoc, VALIDATION_RULES_DOC } from '../../jobs/document-validation-rules.js';
import { FILE_TYPES } from '../../transform/file-types/registry.js';
import { VALIDATION_RULES } from '../../transform/validation/rule-catalog.js';

describe('the validation rule table', () => {
  it('gives every rule a unique code named after its stage, a description, a source note and its basis', () => {
    const codes = VALIDATION_RULES.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    const prefixes = { 1: 'integrity.', 2: 'format.', 3: 'record.', 4: 'cross.' } as const;
    for (const rule of VALIDATION_RULES) {
      expect(rule.code.startsWith(prefixes[rule.stage]), rule.code).toBe(true);
      expect(rule.description, rule.code).toMatch(/\.$/);
      expect(rule.source, rule.code).toMatch(/\.md/);
      expect(['doc', 'inferred', 'unknown'], rule.code).toContain(rule.basis);
      // An [UNKNOWN] reading never rejects by default.
      if (rule.basis === 'unknown') expect(rule.severity ?? 'warning', rule.code).toBe('warning');
    }
  });

  it('names as sources only notes of ../shared/lead-spec: a file type\'s note or one of the general ones', () => {
    const known = new Set([
      ...FILE_TYPES.map((s) => s.source.replace(/^lead-spec\//, '')),
      'sftp-process.md', 'file-exchange.md', 'use-cases-day0.md', 'api-rules.md', 'financial-validations.md',
    ]);
    for (const rule of VALIDATION_RULES) {
      for (const note of rule.source.match(/[a-z-]+\.md/g) ?? []) expect(known, `${rule.code}: ${note}`).toContain(note);
    }
  });
});

describe('docs/validation-rules.md', () => {
  it('is the rendering of the rule table (run `npm run docs:validation-rules` after changing a rule)', () => {
    expect(readFileSync(VALIDATION_RULES_DOC, 'utf8')).toBe(renderValidationRulesDoc());
  });

  it('lists every code', () => {
    const doc = renderValidationRulesDoc();
    for (const rule of VALIDATION_RULES) expect(doc).toContain(`| \`${rule.code}\` |`);
  });
});
