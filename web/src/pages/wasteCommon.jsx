// Shared by the waste pages: the vocabularies (streams, source kinds, regions, containers,
// measured properties, vehicles and their emission factors), loaded once per page, and the
// words to show for them in the current language.
import { api } from '../api.js';
import { useI18n } from '../i18n.jsx';
import { useLoad } from '../components/ui.jsx';
import './waste.css';

export function useWasteVocabulary() {
  return useLoad(async (signal) => {
    const [streams, vocabulary, factors] = await Promise.all([
      api.get('/api/waste-streams', undefined, { signal }),
      api.get('/api/waste/vocabulary', undefined, { signal }),
      api.get('/api/waste/emission-factors', undefined, { signal }),
    ]);
    return { streams: streams.items, ...vocabulary, factors };
  }, []);
}

// Name of a stream key in the current language ("used_cooking_oil" → "Huiles alimentaires usagées").
export function useStreamName(vocab) {
  const { lang } = useI18n();
  return (key) => {
    const s = vocab && vocab.streams.find((x) => x.key === key);
    if (!s) return key;
    return lang === 'fr' ? s.name_fr : s.name_en;
  };
}

export function useVehicleName(vocab) {
  const { lang } = useI18n();
  return (key) => {
    const f = vocab && vocab.factors.factors.find((x) => x.vehicle === key);
    if (!f) return key;
    return lang === 'fr' ? f.label_fr : f.label_en;
  };
}

export function usePropertyLabel(vocab) {
  const { lang } = useI18n();
  return (key) => {
    const p = vocab && vocab.characterisation.find((x) => x.key === key);
    if (!p) return key;
    return `${lang === 'fr' ? p.label_fr : p.label_en} (${p.unit})`;
  };
}

// Colours per stream (stable by position in the vocabulary), for the charts and the graph.
const PALETTE = ['#2f5d3a', '#b7791f', '#2b5c8a', '#8a3b5c', '#4a8a57', '#7a5212', '#5b4a8a',
  '#2c7a7b', '#a4262c', '#6b6b2b', '#3d4a6b', '#9c6b30'];
export function streamColour(vocab, key) {
  const i = vocab ? vocab.streams.findIndex((s) => s.key === key) : -1;
  return PALETTE[(i >= 0 ? i : 0) % PALETTE.length];
}

export function today() {
  return new Date().toISOString().slice(0, 10);
}
