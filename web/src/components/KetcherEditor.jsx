// The Ketcher structure editor (ketcher-react + ketcher-standalone: Indigo compiled to
// WebAssembly runs in the browser, nothing leaves the page). Reports the drawn structure as
// a V2000 Molfile through onChange (empty string when the canvas is empty).
import { useEffect, useRef } from 'react';
import { Editor } from 'ketcher-react';
import { StandaloneStructServiceProvider } from 'ketcher-standalone';
import 'ketcher-react/dist/index.css';

const structServiceProvider = new StandaloneStructServiceProvider();

export default function KetcherEditor({ onChange, onReady, onError, initialStructure }) {
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const ketcherRef = useRef(null);

  useEffect(() => () => {
    ketcherRef.current = null;
  }, []);

  return (
    <div className="ketcher-host" data-testid="ketcher">
      <Editor
        staticResourcesUrl=""
        structServiceProvider={structServiceProvider}
        disableMacromoleculesEditor
        errorHandler={(message) => onError && onError(String(message))}
        onInit={(ketcher) => {
          ketcherRef.current = ketcher;
          window.ketcher = ketcher; // for people and tests who want to script the editor
          const report = async () => {
            try {
              const empty = !ketcher.editor.struct() || ketcher.editor.struct().atoms.size === 0;
              const molfile = empty ? '' : await ketcher.getMolfile('v2000');
              if (ketcherRef.current === ketcher) onChangeRef.current(molfile);
            } catch (e) {
              if (onError) onError(e.message || String(e));
            }
          };
          ketcher.editor.subscribe('change', report);
          if (initialStructure) ketcher.setMolecule(initialStructure).catch(() => {});
          if (onReady) onReady(ketcher);
        }}
      />
    </div>
  );
}
