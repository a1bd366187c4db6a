// French and English. French is the default (the cluster's working language); the choice is
// kept in localStorage. Messages live in messages.js as {key: [french, english]} so that a
// key can never exist in one language only.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { messages } from './messages.js';

export const LANGUAGES = ['fr', 'en'];
const LangContext = createContext(null);
const STORAGE_KEY = 'argan.lang';

function initialLanguage() {
  const stored = localStorage.getItem(STORAGE_KEY);
  return LANGUAGES.includes(stored) ? stored : 'fr';
}

// Replaces {name} placeholders with values.
function fill(text, vars) {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

export function LangProvider({ children }) {
  const [lang, setLangState] = useState(initialLanguage);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((l) => {
    localStorage.setItem(STORAGE_KEY, l);
    setLangState(l);
  }, []);
  const t = useCallback(
    (key, vars) => {
      const entry = messages[key];
      if (!entry) {
        if (import.meta.env.DEV) console.warn('missing message', key);
        return fill(key, vars);
      }
      return fill(entry[lang === 'fr' ? 0 : 1], vars);
    },
    [lang],
  );
  const formatNumber = useCallback(
    (n, digits = 2) =>
      n === null || n === undefined || Number.isNaN(n)
        ? '—'
        : new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: digits }).format(n),
    [lang],
  );
  const formatDate = useCallback(
    (iso) => {
      if (!iso) return '—';
      const d = new Date(iso);
      if (Number.isNaN(d.getTime())) return iso;
      return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
        dateStyle: 'medium',
        timeStyle: iso.length > 10 ? 'short' : undefined,
        timeZone: 'UTC',
      }).format(d);
    },
    [lang],
  );
  const value = useMemo(() => ({ lang, setLang, t, formatNumber, formatDate }), [lang, setLang, t, formatNumber, formatDate]);
  return <LangContext.Provider value={value}>{children}</LangContext.Provider>;
}

export function useI18n() {
  return useContext(LangContext);
}
