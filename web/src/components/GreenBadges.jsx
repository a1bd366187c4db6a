// Green-metrics badges for a product: the route metrics (per kg of final product, computed by
// the server: GET /api/routes/{id}/metrics) of a synthesis route the viewer may see that makes
// the product's compound — a validated route first, else the most recent one. Badges the
// server puts in the catalogue view (`catalogue.badges`) are shown instead when there are any.
// Nothing is computed here; a product without a visible route simply has no badge.
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link } from '../router.jsx';
import { useLoad } from './ui.jsx';

const BADGES = [
  ['atom_economy', 'badge.atomEconomy', 0],
  ['pmi', 'badge.pmi', 1],
  ['e_factor_complete', 'badge.eFactor', 1],
  ['renewable_input_share', 'badge.renewable', 0],
];

async function bestRouteMetrics(compoundId, signal) {
  const routes = await api.get('/api/routes', { target: compoundId, page_size: 20 }, { signal });
  if (!routes.items.length) return null;
  const route = routes.items.find((r) => r.status === 'validated') || routes.items[routes.items.length - 1];
  return api.get(`/api/routes/${route.id}/metrics`, undefined, { signal });
}

export function GreenBadges({ compoundId, serverBadges }) {
  const { t, formatNumber } = useI18n();
  const given = serverBadges && serverBadges.length > 0;
  const data = useLoad(
    (signal) => (given || !compoundId ? Promise.resolve(null) : bestRouteMetrics(compoundId, signal)),
    [compoundId, given],
  );
  if (given) {
    return (
      <ul className="green-badges">
        {serverBadges.map((b, i) => (
          <li key={i} className="badge metric">{typeof b === 'string' ? b : b.label || b.name}</li>
        ))}
      </ul>
    );
  }
  const m = data.data;
  if (!m) return null;
  const shown = BADGES.filter(([key]) => m.metrics[key] && m.metrics[key].value !== null && m.metrics[key].value !== undefined);
  if (!shown.length) return null;
  return (
    <ul className="green-badges" aria-label={t('badge.label')} data-route={m.route.id}>
      {shown.map(([key, label, digits]) => (
        <li key={key} className="badge metric" data-metric={key} title={m.metrics[key].definition}>
          {t(label, { v: formatNumber(m.metrics[key].value, digits) })}
        </li>
      ))}
      <li className="badge-source small">
        <Link to={`/routes/${m.route.id}`}>{t('badge.source', { name: m.route.name })}</Link>
      </li>
    </ul>
  );
}
