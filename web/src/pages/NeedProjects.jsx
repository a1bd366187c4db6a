// One research project against a need (GET /api/projects/{id}). Its start-up sees everything,
// moves it on (stage, TRL, status), chooses what the partner sees and links its own work
// (POST /api/projects/{id}/links); the partner sees only what was disclosed.
import { useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link } from '../router.jsx';
import { Empty, ErrorMessage, Field, Loading, PageHeader, useFormError, useLoad } from '../components/ui.jsx';
import { DISCLOSURES, LINK_KINDS, PROJECT_STAGES, PROJECT_STATUSES } from './needsCommon.jsx';

function linkTarget(link) {
  if (link.type === 'compound') return `/compounds/${link.record}`;
  if (link.type === 'batch') return `/compounds/${link.record.split('-F')[0]}`;
  if (link.type === 'route') return `/routes/${link.record}`;
  return `/products/${link.record}`;
}

function EditProject({ project, onSaved }) {
  const { t } = useI18n();
  const [form, setForm] = useState({
    stage: project.stage, trl: project.trl, disclosure: project.disclosure, show_start_up: project.show_start_up,
    status: project.status,
  });
  const [saved, setSaved] = useState(false);
  const { setError, fieldError, generalError } = useFormError();
  const set = (name) => (e) => {
    setSaved(false);
    setForm({ ...form, [name]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  };
  return (
    <form className="form" onSubmit={async (e) => {
      e.preventDefault();
      setError(null);
      try {
        await api.patch(`/api/projects/${project.id}`, { ...form, trl: Number(form.trl) });
        setSaved(true);
        onSaved();
      } catch (err) {
        setError(err);
      }
    }}>
      <ErrorMessage error={generalError(['stage', 'trl', 'disclosure', 'status'])} />
      <div className="form-row">
        <Field label={t('project.stage')} as="select" value={form.stage} onChange={set('stage')} error={fieldError('stage')}>
          {PROJECT_STAGES.map((s) => <option key={s} value={s}>{t('projectStage.' + s)}</option>)}
        </Field>
        <Field label={t('project.trl')} type="number" min="1" max="9" value={form.trl} onChange={set('trl')} error={fieldError('trl')} />
        <Field label={t('project.status')} as="select" value={form.status} onChange={set('status')} error={fieldError('status')}>
          {PROJECT_STATUSES.map((s) => <option key={s} value={s}>{t('projectStatus.' + s)}</option>)}
        </Field>
        <Field label={t('need.disclosure')} as="select" value={form.disclosure} onChange={set('disclosure')} error={fieldError('disclosure')}>
          {DISCLOSURES.map((d) => <option key={d} value={d}>{t('projectDisclosure.' + d)}</option>)}
        </Field>
      </div>
      <label className="checkbox"><input type="checkbox" checked={form.show_start_up} onChange={set('show_start_up')} /> {t('need.showStartUp')}</label>
      <div className="form-actions">
        <button type="submit">{t('project.save')}</button>
        {saved && <span className="notice" role="status">{t('project.saved')}</span>}
      </div>
    </form>
  );
}

function Links({ project, onChange }) {
  const { t } = useI18n();
  const [kind, setKind] = useState('route');
  const [code, setCode] = useState('');
  const { setError, fieldError, generalError, error } = useFormError();
  return (
    <>
      {project.links.length ? (
        <ul className="share-list">
          {project.links.map((l) => (
            <li key={l.id} data-link={l.record}>
              {t('recordKind.' + l.type)} <Link to={linkTarget(l)}>{l.record}</Link> · {l.label}{' '}
              <button type="button" className="small secondary" onClick={async () => {
                setError(null);
                try {
                  await api.del(`/api/projects/${project.id}/links/${l.id}`);
                  onChange();
                } catch (e) {
                  setError(e);
                }
              }}>{t('project.unlink')}</button>
            </li>
          ))}
        </ul>
      ) : <Empty>{t('project.noLinks')}</Empty>}
      <form className="form inline-form" onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        try {
          const id = kind === 'route' && /^\d+$/.test(code.trim()) ? Number(code.trim()) : code.trim();
          await api.post(`/api/projects/${project.id}/links`, { type: kind, id });
          setCode('');
          onChange();
        } catch (err) {
          setError(err);
        }
      }}>
        <ErrorMessage error={error && generalError(['id', 'type'])} />
        <div className="form-row">
          <Field label={t('need.shareKind')} as="select" value={kind} onChange={(e) => setKind(e.target.value)} error={fieldError('type')}>
            {LINK_KINDS.map((k) => <option key={k} value={k}>{t('recordKind.' + k)}</option>)}
          </Field>
          <Field label={t('need.shareCode')} value={code} onChange={(e) => setCode(e.target.value)} error={fieldError('id')} />
        </div>
        <div className="form-actions"><button type="submit" disabled={!code.trim()}>{t('project.link')}</button></div>
      </form>
    </>
  );
}

export function NeedProjectPage({ id }) {
  const { t } = useI18n();
  const [version, setVersion] = useState(0);
  const data = useLoad((signal) => api.get(`/api/projects/${encodeURIComponent(id)}`, undefined, { signal }), [id, version]);
  const reload = () => setVersion((v) => v + 1);
  if (data.loading && !data.data) return <Loading />;
  if (data.error) {
    return (
      <>
        <PageHeader title={t('project.title', { id })} />
        <ErrorMessage error={data.error} />
      </>
    );
  }
  const p = data.data;
  if (p.view !== 'full') {
    return (
      <>
        <PageHeader title={t('project.title', { id: p.id })} subtitle={p.start_up ? p.start_up.name : t('need.projects.aStartUp')} />
        <p>{t('project.disclosed')} <Link to={`/needs/${p.need.id}`}>{p.need.id} — {p.need.title}</Link></p>
        <dl className="definitions">
          <dt>{t('project.stage')}</dt><dd>{p.stage ? t('projectStage.' + p.stage) : '—'}</dd>
          <dt>{t('project.trl')}</dt><dd>{p.trl !== null ? p.trl : '—'}</dd>
          <dt>{t('project.status')}</dt><dd>{t('projectStatus.' + p.status)}</dd>
        </dl>
      </>
    );
  }
  return (
    <>
      <PageHeader title={p.title} subtitle={`${p.id} · ${p.start_up.name} · ${t('projectStage.' + p.stage)} · TRL ${p.trl}`} />
      <p><Link to={`/needs/${p.need.id}`}>{p.need.id} — {p.need.title}</Link></p>
      {p.summary && <p className="statement">{p.summary}</p>}
      <section className="panel" aria-labelledby="project-progress">
        <h2 id="project-progress">{t('project.stage')}</h2>
        <EditProject project={p} onSaved={reload} />
      </section>
      <section className="panel" aria-labelledby="project-links">
        <h2 id="project-links">{t('project.links')}</h2>
        <Links project={p} onChange={reload} />
      </section>
    </>
  );
}
