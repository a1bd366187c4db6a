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
import { useEffect, useRef } from 'react';
import { Editor } from 'ketcher-react';
import { StandaloneStructServiceProvider } from 'ketcher-standalone/dist/binaryWasmNoRender';
import 'ketcher-react/dist/index.css';

const structServiceProvider = new StandaloneStructServiceProvider();

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
  const ketcherRef = useRef(null);
  const hostRef = useRef(null);

  useEffect(() => {
    const host = hostRef.current;
    const undo = disarmButtons(host);
    const stop = (e) => e.stopPropagation();
    const stopEnter = (e) => {
      if (e.key === 'Enter') e.stopPropagation();
    };
    host.addEventListener('submit', stop);
    host.addEventListener('keydown', stopEnter);
    return () => {
      undo();
      host.removeEventListener('submit', stop);
      host.removeEventListener('keydown', stopEnter);
      ketcherRef.current = null;
    };
  }, []);

  return (
    <div className={'ketcher-host ketcher-' + mode} data-testid="ketcher" ref={hostRef} role="group" aria-label={label}>
      <Editor
        staticResourcesUrl=""
        structServiceProvider={structServiceProvider}
        disableMacromoleculesEditor
        buttons={hiddenButtons(mode)}
        errorHandler={(message) => onError && onError(String(message))}
        onInit={(ketcher) => {
          ketcherRef.current = ketcher;
          window.ketcher = ketcher; // for people and tests who want to script the editor
          const report = async () => {
            try {
              const struct = ketcher.editor.struct();
              const empty = !struct || struct.atoms.size === 0;
              let value;
              if (mode === 'reaction') {
                const arrows = struct && struct.rxnArrows ? struct.rxnArrows.size : 0;
                value = empty || arrows === 0 ? null : { smiles: await ketcher.getSmiles(), rxn: await ketcher.getRxn('v2000') };
              } else {
                value = empty ? '' : format === 'smiles' ? await ketcher.getSmiles() : await ketcher.getMolfile('v2000');
              }
              if (ketcherRef.current === ketcher) onChangeRef.current(value);
            } catch (e) {
              if (onError) onError(e.message || String(e));
            }
          };
          ketcher.editor.subscribe('change', report);
          if (initialStructure) ketcher.setMolecule(initialStructure).then(report, () => {});
          if (onReady) onReady(ketcher);
        }}
      />
    </div>
  );
}
