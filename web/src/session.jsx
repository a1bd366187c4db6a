// Who is signed in. The session lives in an HttpOnly cookie set by POST /api/session; the
// page learns about it from GET /api/session (401 when nobody is signed in) and keeps the
// CSRF token that state-changing requests must send.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, ApiError, setCsrfToken } from './api.js';

const SessionContext = createContext(null);

export function SessionProvider({ children }) {
  const [state, setState] = useState({ loading: true, user: null, mustChangePassword: false });

  const adopt = useCallback((body) => {
    setCsrfToken(body.csrf_token);
    setState({ loading: false, user: body.user, mustChangePassword: !!body.must_change_password });
  }, []);

  const refresh = useCallback(async () => {
    try {
      adopt(await api.get('/api/session'));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      setCsrfToken('');
      setState({ loading: false, user: null, mustChangePassword: false });
    }
  }, [adopt]);

  useEffect(() => {
    refresh();
  }, [refresh]);

  const signIn = useCallback(
    async (email, password) => {
      const body = await api.post('/api/session', { email, password });
      adopt(body);
      return body;
    },
    [adopt],
  );

  const signOut = useCallback(async () => {
    try {
      await api.del('/api/session');
    } finally {
      setCsrfToken('');
      setState({ loading: false, user: null, mustChangePassword: false });
    }
  }, []);

  const passwordChanged = useCallback(() => {
    setState((s) => ({ ...s, mustChangePassword: false }));
  }, []);

  const value = useMemo(
    () => ({ ...state, signIn, signOut, refresh, passwordChanged }),
    [state, signIn, signOut, refresh, passwordChanged],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession() {
  return useContext(SessionContext);
}

// Roles as the API names them.
export const canRegister = (user) => !!user && ['member', 'lead', 'admin'].includes(user.role);
export const isAdmin = (user) => !!user && user.role === 'admin';
export const isStaff = (user) => !!user && user.role !== 'partner';
