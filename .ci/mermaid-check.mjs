// Parses Mermaid files with Mermaid's own parser (in jsdom, as Mermaid
// wants a DOM): envdoctor graph's goldens must be diagrams GitHub and
// GitLab render. Usage: node mermaid-check.mjs FILE... (run from a
// directory where mermaid and jsdom are installed). Exit status: the
// number of files that do not parse.
import fs from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!DOCTYPE html><body></body>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

// The parser must reject a broken diagram, or this check proves nothing.
let rejects = false;
try { await mermaid.parse('flowchart LR\n  a[["x"'); } catch { rejects = true; }
if (!rejects) {
  console.error('mermaid.parse accepted a broken diagram');
  process.exit(100);
}
let bad = 0;
for (const file of process.argv.slice(2)) {
  try {
    const r = await mermaid.parse(fs.readFileSync(file, 'utf8'));
    console.log(`${file}: ${r.diagramType}`);
  } catch (e) {
    bad++;
    console.error(`${file}: ${e.message}`);
  }
}
process.exit(bad);
