// Administration: the cluster's start-ups (GET/POST/PATCH /api/start-ups) and its users and
// roles (UsersAdmin.jsx), the overlaps with unshared work they broker (OverlapsAdmin.jsx).
import { useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { isAdmin, useSession } from '../session.jsx';
import { Link } from '../router.jsx';
import { useStartUps } from '../startUps.jsx';
import { ErrorMessage, Field, Loading, PageHeader, useFormError } from '../components/ui.jsx';
import { UsersAdmin } from './UsersAdmin.jsx';
import { OverlapsAdmin } from './OverlapsAdmin.jsx';

export const SECTORS = ['green_chemicals', 'waste_collection', 'waste_transport', 'waste_transformation', 'valorisation'];
export const STATUSES = ['incubating', 'active', 'graduated'];

function StartUpForm({ initial, onSaved, onCancel }) {
  const { t } = useI18n();
  const [value, setValue] = useState(initial || { name: '', sector: 'green_chemicals', status: 'incubating', description: '' });
  const [busy, setBusy] = useState(false);
  const { setError, fieldError, generalError } = useFormError();
  const set = (name) => (e) => setValue({ ...value, [name]: e.target.value });
  return (
    <form
      className="form inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          const body = { name: value.name, sector: value.sector, status: value.status, description: value.description };
          if (initial) await api.patch(`/api/start-ups/${initial.id}`, body);
          else await api.post('/api/start-ups', body);
          onSaved();
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <ErrorMessage error={generalError(['name', 'sector', 'status', 'description'])} />
      <div className="form-row">
        <Field label={t('startUp.name')} value={value.name} onChange={set('name')} error={fieldError('name')} required />
        <Field label={t('startUp.sector')} as="select" value={value.sector} onChange={set('sector')} error={fieldError('sector')}>
          {SECTORS.map((s) => (
            <option key={s} value={s}>{t('sector.' + s)}</option>
          ))}
        </Field>
        <Field label={t('startUp.status')} as="select" value={value.status} onChange={set('status')} error={fieldError('status')}>
          {STATUSES.map((s) => (
            <option key={s} value={s}>{t('startUpStatus.' + s)}</option>
          ))}
        </Field>
      </div>
      <Field label={t('startUp.description')} as="textarea" rows={2} value={value.description} onChange={set('description')}
        error={fieldError('description')} />
      <div className="form-actions">
        <button type="submit" disabled={busy}>{t('common.save')}</button>
        {onCancel && <button type="button" className="secondary" onClick={onCancel}>{t('common.cancel')}</button>}
      </div>
    </form>
  );
}

function StartUpsAdmin() {
  const { t } = useI18n();
  const startUps = useStartUps();
  const [editing, setEditing] = useState(null);
  const [adding, setAdding] = useState(false);
  return (
    <section className="panel" aria-labelledby="admin-startups">
      <div className="section-head">
        <h2 id="admin-startups">{t('admin.startUps')}</h2>
        {!adding && <button type="button" onClick={() => setAdding(true)}>{t('admin.addStartUp')}</button>}
      </div>
      {adding && <StartUpForm onSaved={() => { setAdding(false); startUps.reload(); }} onCancel={() => setAdding(false)} />}
      <ErrorMessage error={startUps.error} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('startUp.name')}</th>
              <th scope="col">{t('startUp.sector')}</th>
              <th scope="col">{t('startUp.status')}</th>
              <th scope="col">{t('startUp.members')}</th>
              <th scope="col"><span className="visually-hidden">{t('common.actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            {startUps.items.map((s) =>
              editing === s.id ? (
                <tr key={s.id}>
                  <td colSpan={5}>
                    <StartUpForm initial={s} onSaved={() => { setEditing(null); startUps.reload(); }} onCancel={() => setEditing(null)} />
                  </td>
                </tr>
              ) : (
                <tr key={s.id}>
                  <th scope="row">{s.name}</th>
                  <td>{t('sector.' + s.sector)}</td>
                  <td>{t('startUpStatus.' + s.status)}</td>
                  <td>{s.member_count}</td>
                  <td>
                    <button type="button" className="small secondary" onClick={() => setEditing(s.id)}
                      aria-label={t('admin.editNamed', { name: s.name })}>
                      {t('common.edit')}
                    </button>
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function AdminPage() {
  const { t } = useI18n();
  const { user, loading } = useSession();
  if (loading) return <Loading />;
  if (!isAdmin(user)) {
    return (
      <>
        <PageHeader title={t('admin.title')} />
        <p>{t('admin.only')}</p>
        {user && user.role === 'lead' && (
          <p><Link to="/team" className="button">{t('admin.toTeam')}</Link></p>
        )}
      </>
    );
  }
  return (
    <>
      <PageHeader title={t('admin.title')} subtitle={t('admin.subtitle')} />
      <UsersAdmin />
      <StartUpsAdmin />
      <OverlapsAdmin />
    </>
  );
}
