// Overlaps between start-ups involving unshared compounds (GET /api/overlaps), for the
// cluster's administrators, who broker contact: nobody else is ever told about them
// (docs/threat-model.md, "Overlap signals"). Overlaps whose newer side was registered in bulk
// or recently are held back and must not be passed on; probing alerts name the start-ups
// whose registrations look like guessing.
import { Link } from '../router.jsx';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { useStartUps } from '../startUps.jsx';
import { Empty, ErrorMessage, Loading, useLoad, VisibilityBadge } from '../components/ui.jsx';

function Side({ side }) {
  const { t } = useI18n();
  const startUps = useStartUps();
  return (
    <>
      <Link to={`/compounds/${side.compound}`} className="mono">{side.compound}</Link>{' '}
      <span className="small">{startUps.name(side.start_up)}</span>{' '}
      <VisibilityBadge visibility={side.visibility} />
      {side.bulk && <span className="badge">{t('overlaps.bulk')}</span>}
      {side.recent && <span className="badge">{t('overlaps.recent')}</span>}
    </>
  );
}

export function OverlapsAdmin() {
  const { t, formatNumber } = useI18n();
  const startUps = useStartUps();
  const report = useLoad((signal) => api.get('/api/overlaps', undefined, { signal }), []);
  const data = report.data;
  return (
    <section className="panel" aria-labelledby="admin-overlaps">
      <h2 id="admin-overlaps">{t('overlaps.heading')}</h2>
      <p className="muted small">{t('overlaps.hint')}</p>
      {report.loading && !data && <Loading />}
      <ErrorMessage error={report.error} />
      {data && data.alerts.length > 0 && (
        <ul className="alerts">
          {data.alerts.map((a) => (
            <li key={a.start_up} className="notice" role="alert">
              {t('overlaps.alert', { name: startUps.name(a.start_up), n: a.unshared_compounds_hit })}
            </li>
          ))}
        </ul>
      )}
      {data && data.overlaps.length === 0 && <Empty>{t('overlaps.none')}</Empty>}
      {data && data.overlaps.length > 0 && (
        <div className="table-wrap">
          <table data-testid="overlaps">
            <thead>
              <tr>
                <th scope="col">{t('overlaps.first')}</th>
                <th scope="col">{t('overlaps.second')}</th>
                <th scope="col">{t('overlaps.similarity')}</th>
                <th scope="col">{t('overlaps.status')}</th>
              </tr>
            </thead>
            <tbody>
              {data.overlaps.map((o) => (
                <tr key={o.a.compound + '-' + o.b.compound} data-brokerable={o.brokerable}>
                  <td><Side side={o.a} /></td>
                  <td><Side side={o.b} /></td>
                  <td className="num">{o.identical ? t('overlaps.identical') : formatNumber(o.similarity, 2)}</td>
                  <td>{o.brokerable ? t('overlaps.brokerable') : t('overlaps.held.' + o.held_because)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && !data.complete && <p className="small">{t('overlaps.incomplete', { n: data.compounds })}</p>}
    </section>
  );
}
