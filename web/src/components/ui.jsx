// Small building blocks shared by the pages: fields with their error, error banners,
// depictions, pagers, badges.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { ApiError, depictionUrl } from '../api.js';
import { useI18n } from '../i18n.jsx';

// Server messages are written for API users; the parts that only make sense to a developer
// (endpoints, JSON bodies, documentation paths) are cut before a person reads them.
export function humanize(message) {
  return String(message || '')
    .replace(/\s*\((?:see )?docs\/[^)]*\)/g, '')
    .replace(/[:;,]?\s*(?:with |by )?(?:GET|POST|PUT|PATCH|DELETE)\s+(?:\/api\/\S*\s*)?(?:\{[^}]*\})?(?:\s*\([^)]*\))?/g, '')
    .replace(/\s*\{"[^}]*\}/g, '')
    .replace(/\s+([,.;:])/g, '$1')
    .replace(/[,;:]\s*$/, '')
    .trim();
}

// Stable refusal reasons (details.reason) the pages say in their own words.
const REASONS = new Set(['visibility_rule', 'not_owner', 'retired', 'parent_visibility', 'route_not_draft',
  'route_incomplete', 'target_mismatch', 'compound_mismatch', 'no_session']);
// Those whose server message names the exact problem (which step, which structure).
const STEP_DETAIL = new Set(['route_incomplete', 'target_mismatch', 'compound_mismatch']);

// The page's own sentence for errors it can name from their code and details (the server's
// text is English and for developers); null for the others.
function knownError(t, error) {
  const d = error.details || {};
  if (error.code === 'NETWORK') return t('error.NETWORK');
  if (d.reason === 'csrf') return t('error.reason.csrf');
  if (d.reason === 'password_change') return t('error.reason.password_change');
  if (d.rule === 'minimum_team') return t('error.rule.minimum_team');
  if (REASONS.has(d.reason)) {
    const said = t('error.reason.' + d.reason, { parent: d.parent || '', step: d.step || '' });
    // Refusals about one step keep the server's precise words after the page's sentence.
    return STEP_DETAIL.has(d.reason) ? `${said} ${humanize(error.message)}` : said;
  }
  if (error.code === 'UNAUTHENTICATED' && error.status === 401 && !d.field) return t('error.reason.signed_out');
  if (error.code === 'RESOURCE_EXHAUSTED') return t('error.reason.too_many');
  if (error.code === 'PAYLOAD_TOO_LARGE' || error.status === 413) return t('error.reason.too_large');
  return null;
}

// Plain words for an API error: the page's own sentence when it knows the error, else a
// short sentence for its kind followed by the server's message (which names the problem
// precisely, e.g. the atom or line), shown as English when the page is in French.
export function errorText(t, error) {
  if (!error) return '';
  if (error instanceof ApiError) {
    const known = knownError(t, error);
    if (known) return known;
    const kind = t('error.' + error.code);
    const message = humanize(error.message);
    return kind !== 'error.' + error.code ? `${kind} ${message}` : message;
  }
  return error.message || String(error);
}

// Keeps the last API error of a form and says which field it concerns.
export function useFormError() {
  const [error, setError] = useState(null);
  const fieldError = useCallback(
    (name) => (error instanceof ApiError && error.field === name ? error : null),
    [error],
  );
  // The error to show at the top of the form: any error not tied to a field shown below.
  const generalError = useCallback(
    (fields) => (error && !(error instanceof ApiError && fields.includes(error.field)) ? error : null),
    [error],
  );
  return { error, setError, fieldError, generalError };
}

export function ErrorMessage({ error, id }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <p className="error" role="alert" id={id}>
      {errorText(t, error)}
    </p>
  );
}

// A labelled input. `error` (an ApiError for this field) is shown under it and linked with
// aria-describedby; `as` picks input/select/textarea.
export function Field({ label, error, hint, as = 'input', children, className = '', ...inputProps }) {
  const id = useId();
  const Tag = as;
  const errorId = error ? id + '-error' : undefined;
  const hintId = hint ? id + '-hint' : undefined;
  return (
    <div className={'field ' + (error ? 'has-error ' : '') + className}>
      <label htmlFor={id}>{label}</label>
      <Tag
        id={id}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={[errorId, hintId].filter(Boolean).join(' ') || undefined}
        {...inputProps}
      >
        {children}
      </Tag>
      {hint && (
        <small className="hint" id={hintId}>
          {hint}
        </small>
      )}
      <ErrorMessage error={error} id={errorId} />
    </div>
  );
}

export function Depiction({ compound, width = 300, height = 200, highlight, alt, className = '' }) {
  const { t } = useI18n();
  const [failed, setFailed] = useState(false);
  if (!compound) return null;
  const id = typeof compound === 'string' ? compound : compound.id;
  if (failed) return <div className={'depiction missing ' + className} style={{ width, height }}>{t('depiction.missing')}</div>;
  return (
    <img
      className={'depiction ' + className}
      src={depictionUrl(id, { width, height, highlight })}
      width={width}
      height={height}
      alt={alt || t('depiction.alt', { id })}
      loading="lazy"
      onError={() => setFailed(true)}
    />
  );
}

// An SVG string from the API (preview), shown as an image so no markup is injected.
export function SvgImage({ svg, alt, width, height }) {
  if (!svg) return null;
  const src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg);
  return <img className="depiction" src={src} alt={alt} width={width} height={height} />;
}

// `atLeast`: the total is a lower bound (a search stopped by its cap or time budget); the
// next page stays reachable while the current one is full.
export function Pager({ page, pageSize, total, onPage, atLeast = false }) {
  const { t } = useI18n();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (total <= pageSize && page === 0 && !atLeast) return null;
  return (
    <nav className="pager" aria-label={t('pager.label')}>
      <button type="button" disabled={page <= 0} onClick={() => onPage(page - 1)}>
        ← {t('pager.previous')}
      </button>
      <span>{t(atLeast ? 'pager.positionAtLeast' : 'pager.position', { page: page + 1, pages, total })}</span>
      <button type="button" disabled={page + 1 >= pages && !atLeast} onClick={() => onPage(page + 1)}>
        {t('pager.next')} →
      </button>
    </nav>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      {t('loading')}
    </p>
  );
}

export function VisibilityBadge({ visibility }) {
  const { t } = useI18n();
  if (!visibility) return null;
  return <span className={'badge visibility-' + visibility}>{t('visibility.' + visibility)}</span>;
}

// Loads data with `load(signal)` whenever `deps` change; gives {data, error, loading, reload}.
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true, error: null }));
    loadRef
      .current(controller.signal)
      .then((data) => {
        if (!controller.signal.aborted) setState({ data, error: null, loading: false });
      })
      .catch((error) => {
        if (!controller.signal.aborted) setState({ data: null, error, loading: false });
      });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

// The page title shown in the browser tab.
export function usePageTitle(title) {
  useEffect(() => {
    document.title = title ? `${title} · Argan` : 'Argan';
  }, [title]);
}

export function PageHeader({ title, subtitle, actions }) {
  usePageTitle(title);
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle && <p className="subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="actions">{actions}</div>}
    </header>
  );
}

export function Empty({ children }) {
  return <p className="empty">{children}</p>;
}

// Tabs as the WAI-ARIA pattern has them: one tab stop, arrow keys (and Home/End) move
// between tabs and select them. `tabs` is [[key, label], ...]; the panel is the caller's,
// labelled by `tabId(key)`.
export function Tabs({ tabs, selected, onSelect, label, idPrefix }) {
  const refs = useRef({});
  const keys = tabs.map(([k]) => k);
  const onKeyDown = (e) => {
    const i = keys.indexOf(selected);
    const next = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: keys.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const key = keys[(next + keys.length) % keys.length];
    onSelect(key);
    if (refs.current[key]) refs.current[key].focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
      {tabs.map(([key, text]) => (
        <button key={key} type="button" role="tab" id={`${idPrefix}-tab-${key}`} aria-selected={selected === key}
          aria-controls={`${idPrefix}-panel`} tabIndex={selected === key ? 0 : -1}
          ref={(el) => { refs.current[key] = el; }} onClick={() => onSelect(key)}>
          {text}
        </button>
      ))}
    </div>
  );
}

// A button for a consequential action: it opens a modal dialog that says what will happen
// (`message`), optionally asks for a reason, and acts only on "confirm". `onConfirm(reason)`
// may throw an ApiError, shown in the dialog.
export function ConfirmButton({ children, title, message, confirmLabel, onConfirm, reason: askReason = false,
  reasonLabel, className = '', danger = false, disabled, ...rest }) {
  const { t } = useI18n();
  const dialogRef = useRef(null);
  const openerRef = useRef(null);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const id = useId();
  // The dialog exists only while it is open, so a closed one is never found by its label.
  useEffect(() => {
    if (open && dialogRef.current && !dialogRef.current.open) dialogRef.current.showModal();
  }, [open]);
  const close = () => {
    setOpen(false);
    if (openerRef.current) openerRef.current.focus();
  };
  const confirm = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onConfirm(reason.trim());
      close();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className={className} ref={openerRef} disabled={disabled} {...rest}
        onClick={() => {
          setError(null);
          setReason('');
          setOpen(true);
        }}>
        {children}
      </button>
      {open && (
        <dialog ref={dialogRef} className="confirm-dialog" aria-labelledby={id + '-title'} aria-describedby={id + '-text'}
          onCancel={(e) => {
            e.preventDefault();
            close();
          }}>
          <form method="dialog" onSubmit={confirm} className="form">
            <h2 id={id + '-title'}>{title}</h2>
            <p id={id + '-text'}>{message}</p>
            {askReason && (
              <Field label={reasonLabel || t('confirm.reason')} as="textarea" rows={2} value={reason}
                onChange={(e) => setReason(e.target.value)} required autoFocus
                error={error instanceof ApiError && error.field === 'reason' ? error : null} />
            )}
            <ErrorMessage error={error instanceof ApiError && error.field === 'reason' ? null : error} />
            <div className="form-actions">
              <button type="submit" className={danger ? 'danger' : undefined} disabled={busy || (askReason && !reason.trim())}>
                {confirmLabel}
              </button>
              <button type="button" className="secondary" onClick={close}>{t('common.cancel')}</button>
            </div>
          </form>
        </dialog>
      )}
    </>
  );
}

// Sorting and paging of a table the page already holds. `columns` maps a column key to a
// function giving the value to sort on. Returns the rows to show and the pieces of the table
// head and foot.
export function useTable(items, columns, { initial = null, pageSizes = [10, 25, 50] } = {}) {
  const [sort, setSort] = useState(initial); // {key, dir: 1 | -1}
  const [pageSize, setPageSize] = useState(pageSizes[0]);
  const [page, setPage] = useState(0);
  const rows = [...(items || [])];
  if (sort && columns[sort.key]) {
    const value = columns[sort.key];
    rows.sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (x === y) return 0;
      if (x === null || x === undefined || x === '') return 1;
      if (y === null || y === undefined || y === '') return -1;
      return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true })) * sort.dir;
    });
  }
  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  const current = Math.min(page, pages - 1);
  return {
    rows: rows.slice(current * pageSize, (current + 1) * pageSize),
    total: rows.length,
    sort,
    toggle: (key) => {
      setSort((s) => (s && s.key === key ? { key, dir: -s.dir } : { key, dir: 1 }));
      setPage(0);
    },
    page: current,
    pageSize,
    pageSizes,
    setPage,
    // The page holding the first row for which `pred` is true (null when none is).
    pageOf: (pred) => {
      const i = rows.findIndex(pred);
      return i < 0 ? null : Math.floor(i / pageSize);
    },
    setPageSize: (n) => {
      setPageSize(n);
      setPage(0);
    },
  };
}

// A column heading that sorts the table (aria-sort says how it is sorted).
export function SortHeader({ table, column, children, className }) {
  const { t } = useI18n();
  const active = table.sort && table.sort.key === column;
  const dir = active ? (table.sort.dir > 0 ? 'ascending' : 'descending') : 'none';
  return (
    <th scope="col" aria-sort={dir} className={className}>
      <button type="button" className="sort-button" onClick={() => table.toggle(column)} title={t('sort.by', { column: typeof children === 'string' ? children : column })}>
        {children}
        <span aria-hidden="true" className="sort-mark">{active ? (table.sort.dir > 0 ? '▲' : '▼') : '↕'}</span>
      </button>
    </th>
  );
}

// Page size and pager under a table held by useTable.
export function TableFoot({ table }) {
  const { t } = useI18n();
  if (table.total <= table.pageSizes[0]) return null;
  return (
    <div className="table-foot">
      <label className="page-size">
        {t('pager.pageSize')}{' '}
        <select value={table.pageSize} onChange={(e) => table.setPageSize(Number(e.target.value))}>
          {table.pageSizes.map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
      </label>
      <Pager page={table.page} pageSize={table.pageSize} total={table.total} onPage={table.setPage} />
    </div>
  );
}
