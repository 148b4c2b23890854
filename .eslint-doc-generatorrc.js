// eslint-doc-generator: the README rules list and every docs/rules/<rule>.md header come from the
// rules' metadata and the configs. `npm run docs:rules` rewrites them; `npm test` runs `--check`.
/** @type {import('eslint-doc-generator').GenerateOptions} */
const config = {
  ruleDocTitleFormat: 'prefix-name',
  ruleDocSectionInclude: ['Examples'],
  configEmoji: [
    ['recommended', '✅'],
    ['recommended-type-checked', '☑️'],
    ['strict', '🔒'],
  ],
};

export default config;
