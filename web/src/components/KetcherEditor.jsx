// The Ketcher structure editor (ketcher-react + ketcher-standalone: Indigo compiled to
// WebAssembly runs in the browser, nothing leaves the page).
//
// mode "molecule" reports the drawn structure as a V2000 Molfile (or, with format="smiles", a
// SMILES) through onChange ('' when the canvas is empty); mode "reaction" reports {smiles, rxn} (reaction SMILES and a V2000
// RXN) once the drawing has an arrow, or null.
//
// The editor never acts on a surrounding page: Ketcher's own toolbar buttons have no `type`
// (so inside a <form> each one would submit it). Pages render the editor outside their forms,
// and this component also gives every button it contains type="button" and keeps submit and
// Enter key events from leaving the editor, so that no click in the editor can save anything.
import { useEffect, useMemo, useRef } from 'react';
import { Editor } from 'ketcher-react';
import { StandaloneStructServiceProvider } from 'ketcher-standalone/dist/binaryWasmNoRender';
import 'ketcher-react/dist/index.css';

const structServiceProvider = new StandaloneStructServiceProvider();

// Indigo writes ChemAxon extensions after the SMILES (" |f:0.1|" groups fragments); the
// registry reads plain (reaction) SMILES.
const plainSmiles = (smiles) => String(smiles || '').replace(/\s+\|[^|]*\|\s*$/, '').trim();

// Buttons that lead outside the page (help and about open ketcher's web site), recognise
// images through a server we do not have, or belong to the macromolecule editor.
const ALWAYS_HIDDEN = ['help', 'about', 'fullscreen', 'recognize', 'miew', 'create-monomer'];
// A compound is one molecule: the reaction tools only confuse the registration page.
const REACTION_TOOLS = ['reaction-plus', 'arrows', 'reaction-mapping-tools', 'reaction-automap', 'reaction-map', 'reaction-unmap'];

function hiddenButtons(mode) {
  const names = mode === 'reaction' ? ALWAYS_HIDDEN : [...ALWAYS_HIDDEN, ...REACTION_TOOLS];
  return Object.fromEntries(names.map((n) => [n, { hidden: true }]));
}

// Gives every button under `root` (now and later) an explicit type="button".
function disarmButtons(root) {
  const disarm = (node) => {
    if (!(node instanceof Element)) return;
    const buttons = node.matches('button') ? [node] : node.querySelectorAll('button');
    for (const b of buttons) if (!b.hasAttribute('type') || b.type === 'submit') b.type = 'button';
  };
  disarm(root);
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes') disarm(r.target);
      for (const n of r.addedNodes) disarm(n);
    }
  });
  observer.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ['type'] });
  return () => observer.disconnect();
}

export default function KetcherEditor({ mode = 'molecule', format = 'molfile', onChange, onReady, onError, initialStructure, label }) {
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;
  const ketcherRef = useRef(null);
  const hostRef = useRef(null);
  const subscribedRef = useRef(new WeakSet());
  // Ketcher announces a change while it is still applying it, and Indigo answers
  // asynchronously, one question at a time (a question asked while another is pending may
  // never be answered): the drawing is read once it has settled, one reading at a time, and
  // read again when it changed meanwhile; a refused or lost reading is tried again.
  const reading = useRef({ seq: 0, timer: null, last: undefined, busy: false, again: false });
  const readRef = useRef(null);
  readRef.current = async (attempt = 0) => {
    const ketcher = ketcherRef.current;
    const state = reading.current;
    if (!ketcher) return;
    if (state.busy) {
      state.again = true;
      return;
    }
    state.busy = true;
    state.again = false;
    const mine = state.seq;
    let retry = false;
    try {
      const struct = ketcher.editor.struct();
      const empty = !struct || struct.atoms.size === 0;
      const ask = (question) =>
        Promise.race([question, new Promise((_, reject) => setTimeout(() => reject(new Error('the structure editor did not answer')), 8000))]);
      let value;
      if (mode === 'reaction') {
        const arrows = struct && struct.rxnArrows ? struct.rxnArrows.size : 0;
        value = empty || arrows === 0 ? null : { smiles: plainSmiles(await ask(ketcher.getSmiles())) };
      } else {
        value = empty ? '' : format === 'smiles' ? plainSmiles(await ask(ketcher.getSmiles())) : await ask(ketcher.getMolfile('v2000'));
      }
      if (mine === state.seq && ketcherRef.current === ketcher && JSON.stringify(value) !== JSON.stringify(state.last)) {
        state.last = value;
        onChangeRef.current(value);
      }
    } catch (e) {
      if (attempt < 3) retry = true;
      else if (onErrorRef.current) onErrorRef.current(e.message || String(e));
    } finally {
      state.busy = false;
    }
    if (retry) setTimeout(() => readRef.current(attempt + 1), 300 * (attempt + 1));
    else if (state.again || mine !== state.seq) readRef.current();
  };
  const reportRef = useRef(() => {
    const state = reading.current;
    state.seq += 1;
    clearTimeout(state.timer);
    state.timer = setTimeout(() => readRef.current(), 200);
  });

  useEffect(() => {
    const host = hostRef.current;
    const undo = disarmButtons(host);
    const stop = (e) => e.stopPropagation();
    const stopEnter = (e) => {
      if (e.key === 'Enter') e.stopPropagation();
    };
    // Ketcher does not announce every change to its listeners: the drawing is also read after
    // each click and key in the editor.
    const reread = () => reportRef.current();
    host.addEventListener('submit', stop);
    host.addEventListener('keydown', stopEnter);
    host.addEventListener('pointerup', reread, true);
    host.addEventListener('keyup', reread, true);
    return () => {
      undo();
      host.removeEventListener('submit', stop);
      host.removeEventListener('keydown', stopEnter);
      host.removeEventListener('pointerup', reread, true);
      host.removeEventListener('keyup', reread, true);
      ketcherRef.current = null;
      clearTimeout(reading.current.timer);
    };
  }, []);

  // The editor element is made once, so that new props never restart Ketcher; callbacks are
  // read through refs.
  const editor = useMemo(
    () => (
      <Editor
        staticResourcesUrl=""
        structServiceProvider={structServiceProvider}
        disableMacromoleculesEditor
        buttons={hiddenButtons(mode)}
        errorHandler={(message) => onErrorRef.current && onErrorRef.current(String(message))}
        onInit={(ketcher) => {
          ketcherRef.current = ketcher;
          window.ketcher = ketcher; // for people and tests who want to script the editor
          // Ketcher may call onInit more than once for the same instance: listen once.
          if (!subscribedRef.current.has(ketcher)) {
            subscribedRef.current.add(ketcher);
            ketcher.editor.subscribe('change', () => reportRef.current());
            if (initialStructure) ketcher.setMolecule(initialStructure).then(() => reportRef.current(), () => {});
          }
          if (onReady) onReady(ketcher);
        }}
      />
    ),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );

  return (
    <div className={'ketcher-host ketcher-' + mode} data-testid="ketcher" ref={hostRef} role="group" aria-label={label}>
      {editor}
    </div>
  );
}
