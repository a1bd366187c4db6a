// The audit trail of a record (GET /api/{kind}/{id}/history): who did what and when, with
// the fields that changed.
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Empty, ErrorMessage, Loading, useLoad } from './ui.jsx';

// Fields whose value changed between two snapshots (objects of scalars).
function changedFields(before, after) {
  if (!before || !after || typeof before !== 'object' || typeof after !== 'object') return [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const ignored = new Set(['updated_at', 'created_at']);
  return [...keys].filter((k) => !ignored.has(k) && JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

function show(value) {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  const text = String(value);
  return text.length > 60 ? text.slice(0, 57) + '…' : text;
}

// Who did it, as a person reads it: the display name the server gives the team and
// administrators (`name`), else the e-mail of a "user:3 (karim@zitoun.ma)" label, else "a team
// member" for those who may not know who ("user:3").
export function actorLabel(label, name, t) {
  if (name) return name;
  const m = /^user:\d+ \((.*)\)$/.exec(label || '');
  if (m) return m[1];
  if (t && /^user:\d+$/.test(label || '')) return t('history.teamMember');
  return label;
}

export function History({ path, version = 0 }) {
  const { t, formatDate } = useI18n();
  const history = useLoad((signal) => api.get(path, undefined, { signal }), [path, version]);
  if (history.loading && !history.data) return <Loading />;
  if (history.error) return <ErrorMessage error={history.error} />;
  const items = history.data.items || [];
  if (!items.length) return <Empty>{t('history.empty')}</Empty>;
  return (
    <ol className="timeline">
      {items.map((e) => {
        const fields = changedFields(e.before, e.after);
        const actionKey = 'action.' + e.action;
        const action = t(actionKey) === actionKey ? e.action : t(actionKey);
        return (
          <li key={e.hash}>
            <div className="timeline-head">
              <strong>{action}</strong> <span className="mono small">{e.record_id}</span>
              <span className="muted small"> · {formatDate(e.at)} · {actorLabel(e.actor.label, e.actor.name, t)}</span>
            </div>
            {e.reason && <p className="small">{t('history.reason')} {e.reason}</p>}
            {fields.length > 0 && (
              <ul className="changes small">
                {fields.slice(0, 8).map((f) => (
                  <li key={f}>
                    <span className="mono">{f}</span>: {show(e.before[f])} → {show(e.after[f])}
                  </li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ol>
  );
}
