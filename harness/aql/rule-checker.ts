// Hooks the AQL linter into `harness check`: the catalog runs the registered checker on every rule file.
import type { Diagnostic } from '../errors.js';
import type { RuleFile } from '../model/catalog.js';
import { registerRuleChecker } from '../catalog/index.js';
import { lintAql } from './lint.js';
import { loadAqlProfile } from './evaluate.js';

// Registers lintAql (stock profile unless another is named) as the catalog's rule checker.
export function registerAqlRuleChecker(profileName?: string): void {
  registerRuleChecker((rule: RuleFile): Diagnostic[] => {
    if (!/\.aql$/i.test(rule.path)) return [];
    return lintAql(rule.text, { profile: loadAqlProfile(profileName) }, { file: rule.path });
  });
}
