// A form's label in the interface language: the server writes "free form", "sodium salt,
// 1:1", "hydrate (1:2)"…; known words are translated, the rest is kept.
export function formLabel(t, label) {
  if (!label) return '';
  return label
    .replace(/^free form$/, t('formLabel.free'))
    .replace(/\b(\w+) salt\b/, (m, ion) => t('formLabel.salt', { ion: t('ion.' + ion) === 'ion.' + ion ? ion : t('ion.' + ion) }))
    .replace(/\bhydrate\b/, t('formLabel.hydrate'))
    .replace(/\bsolvate\b/, t('formLabel.solvate'));
}

