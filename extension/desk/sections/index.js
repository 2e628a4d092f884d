// The desk's feature sections, in display order. Each module exports
// { id, titleKey, render(container, { status, signal, redraw, refresh }) }: it fills its own
// <section>, ties its listeners and timers to `signal`, and may draw itself again (`redraw`)
// or ask other sections to (`refresh(id, ...)`). Add a feature by adding its module here.
import cases from "./cases.js";
import importNotice from "./import.js";
import penalties from "./penalties.js";
import provenance from "./provenance.js";
import provenanceAudit from "./provenance-audit.js";
import vault from "./vault.js";

export const sections = [cases, importNotice, vault, provenance, provenanceAudit, penalties];
