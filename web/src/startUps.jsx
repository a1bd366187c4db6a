// The cluster's start-ups (GET /api/start-ups), loaded once and shared by every page.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api } from './api.js';

const StartUpsContext = createContext(null);

export function StartUpsProvider({ children }) {
  const [items, setItems] = useState([]);
  const [error, setError] = useState(null);
  const reload = useCallback(async () => {
    try {
      const body = await api.get('/api/start-ups');
      setItems(body.items || []);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => {
    reload();
  }, [reload]);
  const value = useMemo(() => {
    const byId = new Map(items.map((s) => [s.id, s]));
    return { items, error, reload, name: (id) => (byId.get(id) ? byId.get(id).name : id ? '#' + id : '—') };
  }, [items, error, reload]);
  return <StartUpsContext.Provider value={value}>{children}</StartUpsContext.Provider>;
}

export function useStartUps() {
  return useContext(StartUpsContext);
}
