// Pieces the needs board's pages share: labels of vocabularies, the need's properties, the
// matches list, badges.
import { useI18n } from '../i18n.jsx';
import { Link } from '../router.jsx';
import { Empty } from '../components/ui.jsx';

export const SECTORS = ['cosmetics', 'paints_coatings', 'food_packaging', 'food', 'agriculture', 'pharmaceuticals',
  'detergents', 'textiles', 'plastics', 'construction', 'energy', 'other'];
export const FUNCTIONS = ['solvent', 'coalescent', 'surfactant', 'emulsifier', 'antioxidant', 'antimicrobial',
  'preservative', 'plasticiser', 'fertiliser', 'biostimulant', 'lubricant', 'binder', 'fragrance', 'pigment',
  'thickener', 'fuel', 'other'];
export const REGULATORY = ['reach_registered', 'food_contact', 'cosmetics', 'biodegradable', 'no_svhc', 'halal',
  'organic', 'ecolabel'];
export const PROPERTY_UNITS = {
  boiling_point: '°C', flash_point: '°C', melting_point: '°C', viscosity: 'mPa·s', purity: '%',
  bio_based_content: '%', water_solubility: 'g/L', voc_content: 'g/L', price_per_kg: 'MAD/kg',
  volume_per_year: 't/year', custom: '',
};
export const OUTCOMES = ['solution_found', 'no_suitable_proposal', 'solved_elsewhere', 'withdrawn'];
export const PROJECT_STAGES = ['framing', 'lab', 'pilot', 'industrial_trial', 'delivered'];
export const DISCLOSURES = ['hidden', 'exists', 'stage', 'stage_trl'];
export const PROJECT_STATUSES = ['active', 'paused', 'stopped', 'completed'];
export const SHARE_KINDS = ['compound', 'batch', 'route', 'product', 'document'];
export const LINK_KINDS = ['compound', 'batch', 'route', 'product'];

export function NeedBadges({ need }) {
  const { t } = useI18n();
  return (
    <span className="badges">
      <span className={'badge need-status-' + need.status}>{t('needStatus.' + need.status)}</span>
      {need.sector && <span className="badge">{t('sector.' + need.sector)}</span>}
      {need.function && <span className="badge">{t('function.' + need.function)}</span>}
    </span>
  );
}

export function companyOf(t, need) {
  return need.company || t('needs.anonymous');
}

export function PropertiesTable({ properties }) {
  const { t, formatNumber } = useI18n();
  if (!properties.length) return null;
  return (
    <div className="table-wrap">
      <table className="properties-table">
        <caption className="visually-hidden">{t('need.properties')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('need.property')}</th>
            <th scope="col">{t('need.range')}</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {properties.map((p, i) => (
            <tr key={i} data-property={p.key}>
              <th scope="row">{p.label || t('property.' + p.key)}</th>
              <td>
                {p.min !== null && p.max !== null
                  ? `${formatNumber(p.min)} – ${formatNumber(p.max)} ${p.unit || ''}`
                  : p.min !== null
                    ? `${t('need.min', { v: formatNumber(p.min) })} ${p.unit || ''}`
                    : `${t('need.max', { v: formatNumber(p.max) })} ${p.unit || ''}`}
              </td>
              <td>{p.required ? t('need.required') : t('need.desired')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// The matches the caller may see (GET /api/needs/{id}/matches).
export function MatchList({ matches }) {
  const { t, formatNumber } = useI18n();
  if (!matches.items.length) return <Empty>{t('need.matches.none')}</Empty>;
  return (
    <ul className="match-list">
      {matches.items.map((m) => (
        <li key={m.kind + m.id} className={'match match-' + m.kind} data-match={m.id}>
          {m.kind === 'compound' && (
            <img className="depiction" src={`/api/compounds/${encodeURIComponent(m.id)}/depiction.svg?width=160&height=110`}
              width={160} height={110} alt={m.smiles || m.id} loading="lazy" />
          )}
          <div>
            <p className="match-title">
              <Link to={m.kind === 'compound' ? `/compounds/${m.id}` : `/products/${m.id}`}>{m.id}</Link>{' '}
              <span className="muted">{t('recordKind.' + m.kind)} · {m.label}</span>{' '}
              <span className={'badge visibility-' + m.visibility}>{t('visibility.' + m.visibility)}</span>
            </p>
            <p className="small muted">
              {m.start_up.name}
              {' · '}
              {m.reasons.map((r) => t('reason.' + r)).join(', ')}
              {m.via && ` ${m.via}`}
              {m.replaces && ` ${m.replaces}`}
              {m.score !== null && ` · ${t('need.matches.score', { v: formatNumber(m.score, 2) })}`}
            </p>
          </div>
        </li>
      ))}
    </ul>
  );
}
