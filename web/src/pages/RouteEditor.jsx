// The route editor, reaction first: for each step the chemist pastes a reaction SMILES or an
// RXN file, or draws the reaction in the structure editor; the server reads it
// (POST /api/reactions/metrics) and the component table fills itself with the species written
// in it: role, formula, molar mass, and once amounts are typed, mmol and equivalents. The
// chemist types amounts only. Solvents and other reagents outside the reaction text are picked
// by name from the CHEM21 guide (or given by registry code). A reactant that the previous step
// makes is linked to it ("product of step 1") with that step's amount.
//   /routes/new?target=CMP-…   a new route: POST /api/routes
//   /routes/{id}/edit          a draft route: PUT /api/routes/{id} saves the name, description
//                              and every step at once (all or nothing)
// A volume of a CHEM21 solvent becomes a mass with the guide's density (GET /api/solvents)
// unless the chemist types another density.
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { Link, useQuery, useRouter } from '../router.jsx';
import { canRegister, useSession } from '../session.jsx';
import { solventByName, solventDensity, solventLabel, solventName, useSolvents, volumeToGrams } from '../solvents.js';
import { ErrorMessage, Field, Loading, PageHeader, Tabs, useFormError, useLoad } from '../components/ui.jsx';
import { MetricsTable, TrafficLights } from './Routes.jsx';

const KetcherEditor = lazy(() => import('../components/KetcherEditor.jsx'));

const ROLES = ['reactant', 'reagent', 'catalyst', 'solvent', 'product', 'by-product'];
const ORIGINS = ['', 'fossil', 'bio-based', 'waste-derived'];
const UNITS = ['mg', 'g', 'kg', 't', 'uL', 'mL', 'L', 'm3', 'umol', 'mmol', 'mol'];
const VOLUME = /^(uL|mL|L|m3)$/;
export const WORKUP = ['none', 'quench', 'filtration', 'centrifugation', 'crystallisation', 'evaporation',
  'distillation_below_140', 'sublimation', 'solvent_exchange', 'extraction', 'chromatography', 'hplc',
  'ion_exchange', 'multiple_recrystallisation', 'distillation_above_140'];
const HEADLINE = ['atom_economy', 'yield', 'reaction_mass_efficiency', 'pmi', 'e_factor_complete'];
const INPUTS = ['text', 'draw', 'file'];

const emptyExtra = () => ({ name: '', smiles: '', compound: '', substance: '', representative: '', role: 'solvent', amount: '', unit: 'g', density: '', origin: '' });
export const emptyStep = () => ({
  number: null, name: '', input: 'text', reaction: '', species: {}, extras: [], isolated_yield: '',
  temperature_c: '', time_h: '', pressure_bar: '', atmosphere: '', mode: '', workup: [], notes: '',
});

const num = (v) => (v === '' || v === undefined || v === null ? undefined : Number(v));
const isRxn = (text) => /^\s*\$RXN/.test(text);

// The density a volume is converted with: the one typed, else the CHEM21 guide's.
function densityFor(typed, known) {
  return num(typed) !== undefined ? num(typed) : known;
}

// A species row's settings as the API reads a component; `knownDensity` is the guide's
// density when the species is a CHEM21 solvent.
function componentOf(entry, smiles, knownDensity) {
  const o = { smiles };
  if (entry.role) o.role = entry.role;
  if (num(entry.amount) !== undefined) {
    o.amount = num(entry.amount);
    o.unit = entry.unit || 'g';
    const density = densityFor(entry.density, knownDensity);
    if (VOLUME.test(o.unit) && density !== undefined) o.density = density;
  }
  if (entry.origin) o.origin = entry.origin;
  if (entry.from_step) o.from_step = Number(entry.from_step);
  return o;
}

// Which row each entry of the step's `components` comes from, in the order they are sent:
// species rows the chemist filled in, then the extra solvents and reagents. Errors name
// components by this index ("components[2].amount").
function componentOrder(step, species) {
  const order = [];
  const written = new Set((species || []).map((s) => s.smiles));
  for (const [smiles, entry] of Object.entries(step.species)) {
    if (written.has(smiles) && Object.keys(componentOf(entry, smiles)).length > 1) order.push({ kind: 'species', smiles });
  }
  step.extras.forEach((x, j) => {
    if (x.name.trim() || x.smiles || x.compound || x.substance) order.push({ kind: 'extra', j });
  });
  return order;
}

// The step as the API reads it (readStep). `species` are the species the server found in the
// reaction (the last analysis); settings of species no longer written are left out.
export function stepBody(step, species) {
  const text = step.reaction.trim();
  const body = isRxn(text) ? { rxn: text } : { reaction_smiles: text };
  if (step.name.trim()) body.name = step.name.trim();
  if (num(step.isolated_yield) !== undefined) body.isolated_yield = num(step.isolated_yield);
  const conditions = {};
  for (const k of ['temperature_c', 'time_h', 'pressure_bar']) if (num(step[k]) !== undefined) conditions[k] = num(step[k]);
  if (step.atmosphere.trim()) conditions.atmosphere = step.atmosphere.trim();
  if (step.mode) conditions.mode = step.mode;
  if (Object.keys(conditions).length) body.conditions = conditions;
  if (step.workup.length) body.workup = step.workup;
  if (step.notes.trim()) body.notes = step.notes.trim();
  const components = [];
  for (const entry of componentOrder(step, species)) {
    if (entry.kind === 'species') {
      const s = (species || []).find((x) => x.smiles === entry.smiles);
      const known = s && s.solvent ? solventDensity(s.solvent.name) : undefined;
      components.push(componentOf(step.species[entry.smiles], entry.smiles, known));
      continue;
    }
    const x = step.extras[entry.j];
    const c = { role: x.role };
    if (x.substance) {
      // A substance (an oil, an extract): by mass only, or standing for its representative
      // constituent (a CMP-… code) in the reaction.
      c.substance = x.substance;
      if (x.representative.trim()) c.representative = x.representative.trim().toUpperCase();
    } else if (x.compound) c.compound = x.compound;
    else if (x.smiles) c.smiles = x.smiles;
    if (x.name.trim() && !x.substance) c.name = x.name.trim();
    if (num(x.amount) !== undefined) {
      c.amount = num(x.amount);
      c.unit = x.unit;
      const known = solventByName(x.name);
      const density = densityFor(x.density, known ? known.density : undefined);
      if (VOLUME.test(x.unit) && density !== undefined) c.density = density;
    }
    if (x.origin) c.origin = x.origin;
    components.push(c);
  }
  if (components.length) body.components = components;
  return body;
}

// A saved step (GET /api/routes/{id}) as editor state.
export function stepFromSaved(s) {
  const step = emptyStep();
  step.number = s.number;
  step.name = s.name || '';
  step.reaction = s.reaction_smiles || s.rxn || '';
  step.isolated_yield = s.isolated_yield ?? '';
  const c = s.conditions || {};
  step.temperature_c = c.temperature_c ?? '';
  step.time_h = c.time_h ?? '';
  step.pressure_bar = c.pressure_bar ?? '';
  step.atmosphere = c.atmosphere || '';
  step.mode = c.mode || '';
  step.workup = (s.workup || []).filter(Boolean);
  step.notes = s.notes || '';
  for (const comp of s.components || []) {
    const amount = comp.amount ? { amount: String(comp.amount.value), unit: comp.amount.unit || 'g' } : {};
    const common = { role: comp.role, density: comp.density ?? '', origin: comp.origin || '', from_step: comp.from_step ? String(comp.from_step) : '', ...amount };
    if (comp.side === 'extra') {
      step.extras.push(comp.substance
        ? { ...emptyExtra(), ...common, name: comp.substance, substance: comp.substance, representative: comp.compound || '' }
        : { ...emptyExtra(), ...common, name: comp.name || '', smiles: comp.smiles || '', compound: comp.compound || '' });
    } else if (comp.smiles) {
      step.species[comp.smiles] = common;
    }
  }
  return step;
}

// The error of a field of step i: from the live analysis ("components[0].amount") or from
// saving ("steps[1].components[0].amount").
function stepFieldError(analysisError, saveError, i, field) {
  if (analysisError instanceof ApiError && analysisError.field === field) return analysisError;
  if (saveError instanceof ApiError && saveError.field === `steps[${i}].${field}`) return saveError;
  return null;
}

function ReactionInput({ index, step, onChange, error }) {
  const { t } = useI18n();
  const set = (reaction) => onChange({ ...step, reaction });
  return (
    <div className="reaction-input">
      <Tabs idPrefix={`reaction-${index}`} label={t('route.reactionInput')} selected={step.input}
        onSelect={(input) => onChange({ ...step, input })} tabs={INPUTS.map((k) => [k, t('route.input.' + k)])} />
      <div role="tabpanel" id={`reaction-${index}-panel`} aria-labelledby={`reaction-${index}-tab-${step.input}`}>
        {step.input === 'text' && (
          <Field label={t('route.reactionSmiles', { n: index + 1 })} as="textarea" rows={isRxn(step.reaction) ? 6 : 2}
            className="mono-input" value={step.reaction} onChange={(e) => set(e.target.value)} error={error}
            hint={t('route.reactionHint')} spellCheck={false} />
        )}
        {step.input === 'draw' && (
          <>
            <p className="muted small">{t('route.drawHint')}</p>
            <Suspense fallback={<Loading />}>
              <KetcherEditor mode="reaction" label={t('route.reactionEditor', { n: index + 1 })}
                initialStructure={step.reaction && !isRxn(step.reaction) ? step.reaction : undefined}
                onChange={(value) => set(value ? value.smiles : '')} />
            </Suspense>
            <ErrorMessage error={error} />
          </>
        )}
        {step.input === 'file' && (
          <Field label={t('route.rxnFile')} type="file" accept=".rxn,chemical/x-mdl-rxnfile" error={error} hint={t('route.rxnHint')}
            onChange={async (e) => {
              const file = e.target.files[0];
              if (file) set(await file.text());
            }} />
        )}
      </div>
    </div>
  );
}

// What a volume weighs: "≈ 39.45 g (0.789 g/mL)", with the density typed or the guide's.
function MassOfVolume({ amount, unit, typed, known }) {
  const { t, formatNumber } = useI18n();
  const density = densityFor(typed, known);
  const grams = volumeToGrams(amount, unit, density);
  if (grams === undefined) {
    return known === undefined && num(typed) === undefined ? <p className="hint small">{t('route.densityNeeded')}</p> : null;
  }
  const [value, mass] = grams >= 1000 ? [grams / 1000, 'kg'] : [grams, 'g'];
  return (
    <p className="hint small mass-of-volume">
      {t(num(typed) !== undefined ? 'route.massOfVolume' : 'route.massOfVolumeGuide', { mass: `${formatNumber(value, 2)} ${mass}`, density: formatNumber(density, 3) })}
    </p>
  );
}

// One row per species written in the reaction, filled from the server's reading of it.
function SpeciesTable({ index, step, analysis, onChange, err, earlier }) {
  const { t, formatNumber, lang } = useI18n();
  useSolvents();
  const species = analysis ? analysis.components.filter((c) => c.side !== 'extra') : [];
  const order = componentOrder(step, species);
  if (!species.length) return null;
  const setEntry = (smiles, name, value) => {
    const entry = { ...(step.species[smiles] || {}), [name]: value };
    onChange({ ...step, species: { ...step.species, [smiles]: entry } });
  };
  return (
    <div className="table-wrap">
      <table className="species">
        <caption className="visually-hidden">{t('route.speciesCaption', { n: index + 1 })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('route.species')}</th>
            <th scope="col">{t('route.role')}</th>
            <th scope="col" className="num">{t('route.molarMass')}</th>
            <th scope="col">{t('batch.amount')}</th>
            <th scope="col" className="num">mmol</th>
            <th scope="col" className="num">{t('route.equivalents')}</th>
            <th scope="col">{t('route.origin')}</th>
          </tr>
        </thead>
        <tbody>
          {species.map((s) => {
            const entry = step.species[s.smiles] || {};
            const label = s.solvent ? solventLabel(lang, s.solvent.name) : s.formula || s.smiles;
            const knownDensity = s.solvent ? solventDensity(s.solvent.name) : undefined;
            const sent = order.findIndex((o) => o.kind === 'species' && o.smiles === s.smiles);
            const f = (name) => (sent >= 0 ? err(`components[${sent}].${name}`) : null);
            const source = earlier.find((e) => e.inchikey && e.inchikey === s.inchikey);
            return (
              <tr key={s.index} data-species={s.smiles} data-side={s.side}>
                <th scope="row">
                  <span className="species-name">{label}</span>
                  {s.coefficient > 1 && <span className="muted small"> × {s.coefficient}</span>}
                  <div className="mono small muted">{s.smiles}</div>
                  {source && (
                    <label className="small inline-check">
                      <input type="checkbox" checked={String(entry.from_step || '') === String(source.step)}
                        onChange={(e) => setEntry(s.smiles, 'from_step', e.target.checked ? String(source.step) : '')} />
                      {t('route.fromStepN', { n: source.step })}
                    </label>
                  )}
                </th>
                <td>
                  <select aria-label={t('route.roleOf', { name: label })} value={entry.role || s.role}
                    onChange={(e) => setEntry(s.smiles, 'role', e.target.value)}>
                    {ROLES.map((r) => <option key={r} value={r}>{t('role.component.' + r)}</option>)}
                  </select>
                </td>
                <td className="num">{s.molar_mass ? formatNumber(s.molar_mass, 2) : '—'}</td>
                <td>
                  <div className="amount-input">
                    <input type="number" min="0" step="any" aria-label={t('route.amountOf', { name: label })}
                      value={entry.amount ?? ''} onChange={(e) => setEntry(s.smiles, 'amount', e.target.value)}
                      aria-invalid={f('amount') ? 'true' : undefined} />
                    <select aria-label={t('route.unitOf', { name: label })} value={entry.unit || 'g'}
                      onChange={(e) => setEntry(s.smiles, 'unit', e.target.value)}>
                      {UNITS.map((u) => <option key={u} value={u}>{u.replace('u', 'µ')}</option>)}
                    </select>
                  </div>
                  {VOLUME.test(entry.unit || '') && (
                    <>
                      <input type="number" min="0" step="any" className="density"
                        placeholder={knownDensity ? formatNumber(knownDensity, 3) : t('route.density')}
                        aria-label={t('route.densityOf', { name: label })} value={entry.density ?? ''}
                        onChange={(e) => setEntry(s.smiles, 'density', e.target.value)} />
                      <MassOfVolume amount={entry.amount} unit={entry.unit} typed={entry.density} known={knownDensity} />
                    </>
                  )}
                  <ErrorMessage error={f('amount') || f('unit') || f('density')} />
                </td>
                <td className="num">{s.mmol !== null && s.mmol !== undefined ? formatNumber(s.mmol, 1) : '—'}</td>
                <td className="num">{s.equivalents !== null && s.equivalents !== undefined ? formatNumber(s.equivalents, 2) : '—'}</td>
                <td>
                  <select aria-label={t('route.originOf', { name: label })} value={entry.origin || ''}
                    onChange={(e) => setEntry(s.smiles, 'origin', e.target.value)}>
                    {ORIGINS.map((o) => <option key={o} value={o}>{t('origin.' + (o || 'unknown'))}</option>)}
                  </select>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

// Solvents, reagents and catalysts that the reaction text does not name: picked by name from
// the CHEM21 guide, or given as a registry code or a free name.
function ExtrasTable({ index, step, onChange, err, species }) {
  const { t, lang, formatNumber } = useI18n();
  const solvents = useSolvents();
  const order = componentOrder(step, species);
  const listId = `solvents-${index}`;
  const setExtra = (j, patch) => onChange({ ...step, extras: step.extras.map((x, k) => (k === j ? { ...x, ...patch } : x)) });
  return (
    <div className="extras">
      <datalist id={listId}>
        {solvents.map((s) => <option key={s.name} value={solventName(lang, s)}>{t('ranking.' + s.ranking)}</option>)}
      </datalist>
      {step.extras.map((x, j) => {
        const known = solventByName(x.name);
        const sent = order.findIndex((o) => o.kind === 'extra' && o.j === j);
        const f = (name) => (sent >= 0 ? err(`components[${sent}].${name}`) : null);
        return (
          <div key={j} className="extra-row" data-extra={j}>
            <Field className="grow" label={t('route.extraName')} value={x.name} list={listId} autoComplete="off"
              hint={known ? t('route.chem21Known', { ranking: t('ranking.' + known.ranking) || known.ranking }) : /^CMP-\d+$/i.test(x.name.trim()) ? t('route.registryCode') : x.substance ? t('route.registrySubstance') : t('route.extraHint')}
              onChange={(e) => {
                const name = e.target.value;
                const solvent = solventByName(name);
                const code = /^CMP-\d+$/i.test(name.trim()) ? name.trim().toUpperCase() : '';
                const substance = /^SUB-\d+$/i.test(name.trim()) ? name.trim().toUpperCase() : '';
                setExtra(j, { name, smiles: solvent ? solvent.smiles : '', compound: code, substance,
                  role: solvent ? 'solvent' : substance && x.role === 'solvent' ? 'reactant' : x.role });
              }} error={f('name') || f('smiles') || f('compound') || f('substance')} />
            {x.substance && (
              <Field className="grow" label={t('route.representative')} value={x.representative} hint={t('route.representativeHint')}
                onChange={(e) => setExtra(j, { representative: e.target.value })} error={f('representative')} />
            )}
            <Field label={t('route.role')} as="select" value={x.role} onChange={(e) => setExtra(j, { role: e.target.value })}>
              {ROLES.filter((r) => r !== 'product' && r !== 'by-product').map((r) => <option key={r} value={r}>{t('role.component.' + r)}</option>)}
            </Field>
            <Field label={t('batch.amount')} type="number" min="0" step="any" value={x.amount} error={f('amount')}
              onChange={(e) => setExtra(j, { amount: e.target.value })} />
            <Field label={t('batch.unit')} as="select" value={x.unit} onChange={(e) => setExtra(j, { unit: e.target.value })}>
              {UNITS.map((u) => <option key={u} value={u}>{u.replace('u', 'µ')}</option>)}
            </Field>
            {VOLUME.test(x.unit) && (
              <div className="field-group">
                <Field label={t('route.density')} type="number" min="0" step="any" value={x.density} error={f('density')}
                  placeholder={known && known.density ? formatNumber(known.density, 3) : undefined}
                  onChange={(e) => setExtra(j, { density: e.target.value })} />
                <MassOfVolume amount={x.amount} unit={x.unit} typed={x.density} known={known ? known.density : undefined} />
              </div>
            )}
            <button type="button" className="small secondary remove" aria-label={t('route.removeExtra', { name: x.name || j + 1 })}
              onClick={() => onChange({ ...step, extras: step.extras.filter((_, k) => k !== j) })}>×</button>
          </div>
        );
      })}
      <button type="button" className="small secondary" onClick={() => onChange({ ...step, extras: [...step.extras, emptyExtra()] })}>
        + {t('route.addExtra')}
      </button>
    </div>
  );
}

function StepEditor({ index, step, onChange, onRemove, saveError, earlier, onAnalysis }) {
  const { t } = useI18n();
  const [analysis, setAnalysis] = useState({ busy: false, data: null, error: null });
  const seq = useRef(0);
  const species = analysis.data ? analysis.data.components.filter((c) => c.side !== 'extra') : null;
  const body = JSON.stringify(stepBody(step, species));
  const onAnalysisRef = useRef(onAnalysis);
  onAnalysisRef.current = onAnalysis;

  useEffect(() => {
    if (!step.reaction.trim()) {
      setAnalysis({ busy: false, data: null, error: null });
      onAnalysisRef.current(null);
      return undefined;
    }
    const mine = ++seq.current;
    setAnalysis((a) => ({ ...a, busy: true }));
    const timer = setTimeout(async () => {
      try {
        const data = await api.post('/api/reactions/metrics', JSON.parse(body));
        if (mine === seq.current) {
          setAnalysis({ busy: false, data, error: null });
          onAnalysisRef.current(data);
        }
      } catch (e) {
        if (mine === seq.current) setAnalysis((a) => ({ busy: false, data: a.data, error: e }));
      }
    }, 400);
    return () => clearTimeout(timer);
  }, [body, step.reaction]);

  // A reactant made by an earlier step is linked to it, with that step's amount, unless the
  // chemist already said otherwise.
  useEffect(() => {
    if (!species || !earlier.length) return;
    let changed = false;
    const next = { ...step.species };
    for (const s of species) {
      if (s.side !== 'reactant') continue;
      const source = earlier.find((e) => e.inchikey && e.inchikey === s.inchikey);
      if (!source || next[s.smiles]) continue;
      next[s.smiles] = { from_step: String(source.step), ...(source.amount ? { amount: String(source.amount.value), unit: source.amount.unit } : {}) };
      changed = true;
    }
    if (changed) onChange({ ...step, species: next });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [analysis.data]);

  const set = (name) => (e) => onChange({ ...step, [name]: e.target.value });
  const err = (field) => stepFieldError(analysis.error, saveError, index, field);
  const reactionError = err('reaction_smiles') || err('rxn') ||
    (analysis.error instanceof ApiError && !analysis.error.field ? analysis.error : null);
  const known = (e) => e instanceof ApiError && /^(reaction_smiles|rxn|components\[)/.test(e.field || '');

  return (
    <fieldset className="panel step" data-step={index + 1}>
      <legend>{t('route.step', { n: index + 1 })}</legend>
      <div className="step-grid">
        <div>
          <Field label={t('route.stepName')} value={step.name} onChange={set('name')} error={err('name')} />
          <ReactionInput index={index} step={step} onChange={onChange} error={reactionError} />
          {analysis.data && analysis.data.balance && !analysis.data.balance.balanced && (
            <p className="warning small">{t('route.unbalanced')} {analysis.data.balance.summary}</p>
          )}
          <h3 className="small-heading">{t('route.components')}</h3>
          {!species && <p className="muted small">{t('route.componentsPrompt')}</p>}
          <SpeciesTable index={index} step={step} analysis={analysis.data} onChange={onChange} err={err} earlier={earlier} />
          <ExtrasTable index={index} step={step} onChange={onChange} err={err} species={species} />
          <details className="conditions" open={!!(step.temperature_c || step.time_h || step.workup.length || step.isolated_yield)}>
            <summary>{t('route.conditionsAndWorkup')}</summary>
            <div className="form-row">
              <Field label={t('route.yield')} type="number" min="0" max="100" step="any" value={step.isolated_yield}
                onChange={set('isolated_yield')} error={err('isolated_yield')} hint={t('route.yieldHint')} />
              <Field label={t('route.temperature')} type="number" step="any" value={step.temperature_c} onChange={set('temperature_c')}
                error={err('conditions.temperature_c')} />
              <Field label={t('route.time')} type="number" min="0" step="any" value={step.time_h} onChange={set('time_h')}
                error={err('conditions.time_h')} />
              <Field label={t('route.pressure')} type="number" min="0" step="any" value={step.pressure_bar} onChange={set('pressure_bar')}
                error={err('conditions.pressure_bar')} />
              <Field label={t('route.atmosphere')} value={step.atmosphere} onChange={set('atmosphere')} error={err('conditions.atmosphere')}
                hint={t('route.atmosphereHint')} />
              <Field label={t('route.mode')} as="select" value={step.mode} onChange={set('mode')} error={err('conditions.mode')}>
                <option value="">—</option>
                <option value="batch">{t('route.mode.batch')}</option>
                <option value="flow">{t('route.mode.flow')}</option>
              </Field>
            </div>
            <fieldset className="workup">
              <legend>{t('route.workup')}</legend>
              {WORKUP.map((w) => (
                <label key={w} className="inline-check">
                  <input type="checkbox" checked={step.workup.includes(w)}
                    onChange={(e) => onChange({ ...step, workup: e.target.checked ? [...step.workup, w] : step.workup.filter((x) => x !== w) })} />
                  {t('workup.' + w)}
                </label>
              ))}
              <ErrorMessage error={err('workup')} />
            </fieldset>
            <Field label={t('route.notes')} as="textarea" rows={2} value={step.notes} onChange={set('notes')} error={err('notes')} />
          </details>
          {onRemove && (
            <div className="form-actions">
              <button type="button" className="small secondary" onClick={onRemove}>{t('route.removeStep')}</button>
            </div>
          )}
        </div>
        <aside className="live-metrics" aria-live="polite" aria-label={t('route.liveMetrics', { n: index + 1 })} data-testid={'metrics-' + (index + 1)}>
          <h3 className="small-heading">{t('route.liveMetrics', { n: index + 1 })}</h3>
          {!step.reaction.trim() && <p className="muted small">{t('route.metricsPrompt')}</p>}
          {analysis.busy && <p className="muted small" role="status">{t('register.checking')}</p>}
          {analysis.error && !known(analysis.error) && analysis.error !== reactionError && <ErrorMessage error={analysis.error} />}
          {analysis.data && (
            <>
              <YieldNote step={step} analysis={analysis.data} />
              <MetricsTable metrics={analysis.data.metrics} only={HEADLINE} />
              <TrafficLights lights={analysis.data.traffic_lights} />
            </>
          )}
        </aside>
      </div>
    </fieldset>
  );
}

// Says which yield the metrics use when it is not the one typed (the server prefers the
// yield the product amount gives, and says so in the metric's detail).
function YieldNote({ step, analysis }) {
  const { t, formatNumber } = useI18n();
  const typed = num(step.isolated_yield);
  const used = analysis.metrics && analysis.metrics.yield;
  if (typed === undefined || !used || used.value === null || used.value === undefined) return null;
  if (Math.abs(used.value - typed) < 0.05) return null;
  return (
    <p className="warning small" role="status">
      {t('route.yieldDiffers', { typed: formatNumber(typed, 1), used: formatNumber(used.value, 1) })}
      {used.detail && <span className="muted"> ({used.detail})</span>}
    </p>
  );
}

// What each step makes, for the next steps: its desired product's InChIKey and amount.
function productsOf(analyses, steps) {
  return analyses.map((a, i) => {
    if (!a || a.desired_product < 0) return null;
    const p = a.components[a.desired_product];
    const entry = steps[i] && steps[i].species[p.smiles];
    const amount = entry && num(entry.amount) !== undefined ? { value: num(entry.amount), unit: entry.unit || 'g' } : null;
    return { step: i + 1, inchikey: p.inchikey, amount };
  });
}

// Saves a draft in one request: the server checks every step first and stores all or
// nothing, so a refusal on step 2 leaves the saved route as it was. Errors name the step
// ("steps[1].components[0].amount") as creating a route does.
async function saveExisting(route, name, description, steps, analyses) {
  await api.put(`/api/routes/${route.id}`, {
    name: name.trim(),
    description: description.trim(),
    steps: steps.map((s, i) => stepBody(s, analyses[i] ? analyses[i].components.filter((c) => c.side !== 'extra') : [])),
  });
}

export function RouteEditorPage({ id }) {
  const { t } = useI18n();
  const { user, loading } = useSession();
  const query = useQuery();
  const { navigate } = useRouter();
  const existing = useLoad((signal) => (id ? api.get(`/api/routes/${encodeURIComponent(id)}`, undefined, { signal }) : Promise.resolve(null)), [id]);
  const [target, setTarget] = useState(query.get('target') || '');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [steps, setSteps] = useState([emptyStep()]);
  const [analyses, setAnalyses] = useState([null]);
  const [busy, setBusy] = useState(false);
  const { error, setError, fieldError } = useFormError();
  const loadedRef = useRef(false);
  useSolvents(); // densities for volumes, before anything is saved

  useEffect(() => {
    const r = existing.data;
    if (!r || loadedRef.current) return;
    loadedRef.current = true;
    setTarget(r.target_compound.id);
    setName(r.name);
    setDescription(r.description || '');
    const saved = (r.steps || []).map(stepFromSaved);
    setSteps(saved.length ? saved : [emptyStep()]);
    setAnalyses(saved.map(() => null));
  }, [existing.data]);

  const earlier = useMemo(() => productsOf(analyses, steps), [analyses, steps]);

  if (loading || (id && existing.loading && !existing.data)) return <Loading />;
  if (!canRegister(user)) {
    return (
      <>
        <PageHeader title={t('route.new')} />
        <p><Link to="/login?next=/routes/new">{t('common.signInFirst')}</Link></p>
      </>
    );
  }
  if (existing.error) return <ErrorMessage error={existing.error} />;
  const route = existing.data;
  const stepError = error instanceof ApiError && /^steps(\[|$)/.test(error.field || '') ? error : null;
  const topError = error && !(error instanceof ApiError && ['target_compound', 'name', 'description'].includes(error.field)) ? error : null;

  return (
    <>
      <PageHeader title={route ? t('route.editTitle', { name: route.name, n: route.version }) : t('route.new')}
        subtitle={t('route.newSubtitle')} />
      <div className="form route-editor">
        <div className="form-row">
          <Field label={t('route.target')} value={target} onChange={(e) => setTarget(e.target.value)} error={fieldError('target_compound')}
            hint={t('route.targetHint')} required disabled={!!route} />
          <Field className="grow" label={t('route.name')} value={name} onChange={(e) => setName(e.target.value)} error={fieldError('name')} required />
        </div>
        <Field label={t('route.description')} as="textarea" rows={2} value={description} onChange={(e) => setDescription(e.target.value)}
          error={fieldError('description')} />
        {steps.map((s, i) => (
          <StepEditor
            key={i}
            index={i}
            step={s}
            saveError={stepError}
            earlier={earlier.slice(0, i).filter(Boolean)}
            onAnalysis={(a) => setAnalyses((list) => list.map((x, k) => (k === i ? a : x)))}
            onChange={(next) => setSteps((list) => list.map((x, k) => (k === i ? next : x)))}
            onRemove={steps.length > 1 ? () => { setSteps(steps.filter((_, k) => k !== i)); setAnalyses(analyses.filter((_, k) => k !== i)); } : null}
          />
        ))}
        <div className="form-actions">
          <button type="button" className="secondary" onClick={() => { setSteps([...steps, emptyStep()]); setAnalyses([...analyses, null]); }}>
            + {t('route.addStep')}
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                if (route) {
                  await saveExisting(route, name, description, steps, analyses);
                  navigate(`/routes/${route.id}`);
                } else {
                  const body = {
                    target_compound: target.trim().toUpperCase(),
                    name: name.trim(),
                    steps: steps.map((s, i) => stepBody(s, analyses[i] ? analyses[i].components.filter((c) => c.side !== 'extra') : [])),
                  };
                  if (description.trim()) body.description = description.trim();
                  const created = await api.post('/api/routes', body);
                  navigate(`/routes/${created.id}`);
                }
              } catch (err) {
                setError(err);
              } finally {
                setBusy(false);
              }
            }}
          >
            {busy ? t('register.saving') : t('route.save')}
          </button>
        </div>
        <ErrorMessage error={topError} />
      </div>
    </>
  );
}
