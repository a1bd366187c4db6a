// Download buttons for the export endpoints: compounds as SDF, CSV or JSON
// (GET /api/export/compounds), routes with their metrics as CSV, reaction SMILES or RXN
// (GET /api/export/routes), substances with their composition as CSV (one row per
// constituent) or JSON (GET /api/export/substances). Visibility applies on the server: each file holds what the viewer
// may see.
import { useI18n } from '../i18n.jsx';

const COMPOUND_FORMATS = [['sdf', 'SDF'], ['csv', 'CSV'], ['json', 'JSON']];
const ROUTE_FORMATS = [['csv', 'CSV'], ['smiles', 'SMILES'], ['rxn', 'RXN']];
const SUBSTANCE_FORMATS = [['csv', 'CSV'], ['json', 'JSON']];

export function ExportLinks({ kind = 'compounds', startUp }) {
  const { t } = useI18n();
  const formats = kind === 'routes' ? ROUTE_FORMATS : kind === 'substances' ? SUBSTANCE_FORMATS : COMPOUND_FORMATS;
  return (
    <div className="export-links" role="group" aria-label={t('export.' + kind)}>
      <span className="muted small">{t('export.' + kind)}</span>
      {formats.map(([format, label]) => {
        const query = new URLSearchParams({ format });
        if (startUp) query.set('start_up', String(startUp));
        return (
          <a key={format} className="button small secondary" href={`/api/export/${kind}?${query}`} download
            aria-label={t('export.as', { what: t('export.' + kind), format: label })}>
            {label}
          </a>
        );
      })}
    </div>
  );
}
