// Bulk import of an SD, SMILES or CSV file as a background job: POST /api/imports
// (multipart: file, start_up, format), then GET /api/imports/{id} once a second for the
// progress and the counts until the job is finished or failed; the rejected records are
// listed with the line and field they concern (GET /api/imports/{id}?verdict=rejected).
import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link } from '../router.jsx';
import { canRegister, useSession } from '../session.jsx';
import { useStartUps } from '../startUps.jsx';
import { ErrorMessage, Field, Loading, PageHeader, useFormError, useLoad } from '../components/ui.jsx';

const FORMATS = ['', 'sdf', 'smiles', 'csv'];
const COUNTS = ['registered', 'new_form', 'new_batch', 'already_imported', 'rejected'];

function ImportProgress({ id, onFinished }) {
  const { t, formatNumber } = useI18n();
  const [job, setJob] = useState(null);
  const [rejected, setRejected] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let stopped = false;
    let timer;
    const poll = async () => {
      try {
        const body = await api.get(`/api/imports/${id}`, { limit: 1 });
        if (stopped) return;
        setJob(body);
        if (body.status === 'queued' || body.status === 'running') {
          timer = setTimeout(poll, 1000);
        } else {
          const list = await api.get(`/api/imports/${id}`, { verdict: 'rejected', limit: 200 });
          if (!stopped) {
            setRejected(list.records);
            if (onFinished) onFinished();
          }
        }
      } catch (e) {
        if (!stopped) setError(e);
      }
    };
    poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id]);
  if (error) return <ErrorMessage error={error} />;
  if (!job) return <Loading />;
  const running = job.status === 'queued' || job.status === 'running';
  return (
    <section className="panel" aria-labelledby="import-progress" aria-live="polite">
      <h2 id="import-progress">{t('import.job', { id: job.id, file: job.file_name })}</h2>
      <p>
        <strong>{t('importStatus.' + job.status)}</strong> · {t('import.records', { n: job.records_done })}
      </p>
      <progress max="1" value={job.progress} aria-label={t('import.progress')} className="import-progress">
        {formatNumber(job.progress * 100, 0)} %
      </progress>
      <dl className="definitions columns">
        {COUNTS.map((k) => (
          <div key={k} style={{ display: 'contents' }}>
            <dt>{t('import.count.' + k)}</dt>
            <dd data-count={k}>{job.counts[k]}</dd>
          </div>
        ))}
      </dl>
      {job.error && <p className="error">{job.error}</p>}
      {!running && (
        <p className="small">
          <a href={job.links.report_csv}>{t('import.reportCsv')}</a> · <a href={job.links.report_json}>{t('import.reportJson')}</a>
        </p>
      )}
      {rejected && rejected.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('import.rejected')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('import.record')}</th>
                <th scope="col">{t('import.line')}</th>
                <th scope="col">{t('import.field')}</th>
                <th scope="col">{t('import.message')}</th>
              </tr>
            </thead>
            <tbody>
              {rejected.map((r) => (
                <tr key={r.record}>
                  <td>{r.record}{r.title ? ` — ${r.title}` : ''}</td>
                  <td>{r.line}</td>
                  <td className="mono">{r.field || '—'}</td>
                  <td>{r.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

// The start-up's earlier imports (GET /api/imports), newest first; one opens its progress.
function RecentImports({ version, onOpen }) {
  const { t, formatDate } = useI18n();
  const list = useLoad((signal) => api.get('/api/imports', { limit: 10 }, { signal }), [version]);
  if (!list.data || list.data.items.length === 0) return <ErrorMessage error={list.error} />;
  return (
    <section className="panel" aria-labelledby="recent-imports">
      <h2 id="recent-imports">{t('import.recent')}</h2>
      <ul>
        {list.data.items.map((job) => (
          <li key={job.id}>
            <button type="button" className="link-button" onClick={() => onOpen(job.id)}>
              {t('import.job', { id: job.id, file: job.file_name })}
            </button>{' '}
            <span className="muted small">
              {t('importStatus.' + job.status)} · {formatDate(job.created_at)} · {t('import.records', { n: job.records_done })}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ImportPage() {
  const { t } = useI18n();
  const { user, loading } = useSession();
  const startUps = useStartUps();
  const [file, setFile] = useState(null);
  const [format, setFormat] = useState('');
  const [startUp, setStartUp] = useState('');
  const [busy, setBusy] = useState(false);
  const [jobId, setJobId] = useState(null);
  const [finished, setFinished] = useState(0);
  const { setError, fieldError, generalError } = useFormError();
  if (loading) return <Loading />;
  if (!canRegister(user)) {
    return (
      <>
        <PageHeader title={t('import.title')} />
        <p><Link to="/login?next=/import">{t('common.signInFirst')}</Link></p>
      </>
    );
  }
  return (
    <>
      <PageHeader title={t('import.title')} subtitle={t('import.subtitle')} />
      <form
        className="form narrow"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            const form = new FormData();
            if (file) form.append('file', file, file.name);
            if (format) form.append('format', format);
            const owner = user.start_up || (startUp ? Number(startUp) : null);
            if (owner) form.append('start_up', String(owner));
            const job = await api.upload('/api/imports', form);
            setJobId(job.id);
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <ErrorMessage error={generalError(['file', 'format', 'start_up'])} />
        {!user.start_up && (
          <Field label={t('register.startUp')} as="select" value={startUp} onChange={(e) => setStartUp(e.target.value)} error={fieldError('start_up')}>
            <option value="">{t('register.chooseStartUp')}</option>
            {startUps.items.map((s) => (
              <option key={s.id} value={s.id}>{s.name}</option>
            ))}
          </Field>
        )}
        <Field label={t('import.file')} type="file" accept=".sdf,.sd,.mol,.smi,.smiles,.csv,.txt" error={fieldError('file')}
          onChange={(e) => setFile(e.target.files[0] || null)} hint={t('import.fileHint')} />
        <Field label={t('import.format')} as="select" value={format} onChange={(e) => setFormat(e.target.value)} error={fieldError('format')}>
          {FORMATS.map((f) => (
            <option key={f} value={f}>{t('import.format.' + (f || 'auto'))}</option>
          ))}
        </Field>
        <button type="submit" disabled={busy || !file}>{t('import.start')}</button>
      </form>
      {jobId && <ImportProgress key={jobId} id={jobId} onFinished={() => setFinished((n) => n + 1)} />}
      <RecentImports version={`${jobId}-${finished}`} onOpen={setJobId} />
    </>
  );
}
