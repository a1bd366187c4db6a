// Import of substances from a file (POST /api/substances/import?start_up=: the file is the
// body): CSV with one row per constituent, property or monomer (the columns of the export),
// or the JSON of the export. Each substance gets its verdict — new substance, new batch of an
// existing one, already registered, or refused with its line and reason.
import { useState } from 'react';
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link } from '../router.jsx';
import { useSession } from '../session.jsx';
import { useStartUps } from '../startUps.jsx';
import { ErrorMessage, Field, useFormError } from '../components/ui.jsx';

const COUNTS = ['new_substance', 'new_batch', 'already_registered', 'rejected'];

export function SubstanceImport({ onImported }) {
  const { t } = useI18n();
  const { user } = useSession();
  const startUps = useStartUps();
  const [file, setFile] = useState(null);
  const [startUp, setStartUp] = useState('');
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState(null);
  const { setError, fieldError, generalError } = useFormError();
  return (
    <details className="panel substance-import">
      <summary>{t('substanceImport.title')}</summary>
      <form
        className="form"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          setReport(null);
          try {
            const owner = user.start_up || (startUp ? Number(startUp) : undefined);
            const format = /\.json$/i.test(file.name) ? 'json' : 'csv';
            const result = await api.upload('/api/substances/import', file, { query: { start_up: owner, format } });
            setReport(result);
            if (onImported) onImported();
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <p className="small muted">{t('substanceImport.hint')}</p>
        <ErrorMessage error={generalError(['file', 'start_up'])} />
        {!user.start_up && (
          <Field label={t('register.startUp')} as="select" value={startUp} onChange={(e) => setStartUp(e.target.value)} error={fieldError('start_up')}>
            <option value="">{t('register.chooseStartUp')}</option>
            {startUps.items.map((s) => (
              <option key={s.id} value={s.id}>{s.name}</option>
            ))}
          </Field>
        )}
        <Field label={t('substanceImport.file')} type="file" accept=".csv,.json,.txt" error={fieldError('file')}
          onChange={(e) => setFile(e.target.files[0] || null)} />
        <button type="submit" disabled={busy || !file}>{t('substanceImport.start')}</button>
      </form>
      {report && (
        <div aria-live="polite" data-testid="substance-import-report">
          <p>
            {COUNTS.map((k) => t('substanceImport.count.' + k, { n: report.counts[k] })).join(' · ')}
          </p>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">{t('substanceImport.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('substanceImport.record')}</th>
                  <th scope="col">{t('substanceImport.line')}</th>
                  <th scope="col">{t('substanceImport.outcome')}</th>
                  <th scope="col">{t('substanceImport.message')}</th>
                </tr>
              </thead>
              <tbody>
                {report.verdicts.map((v, i) => (
                  <tr key={i}>
                    <td>{v.id ? <Link to={`/substances/${v.id.replace(/-B\d+$/, '')}`}>{v.substance}</Link> : v.substance}</td>
                    <td>{v.line || '—'}</td>
                    <td>{t('substanceImport.outcome.' + v.outcome)}</td>
                    <td>{v.outcome === 'rejected' ? v.message : v.id && v.id !== v.substance ? v.id : '—'}{v.field ? <span className="mono small muted"> ({v.field})</span> : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </details>
  );
}
