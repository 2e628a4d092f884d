// The popup's feature sections, in display order. Each module exports
// { id, render(container, status) }: it fills its own <section> and may re-render itself.
// Add a feature by adding its module here; popup.js stays as it is.
import cases from "./cases.js";
import evidence from "./evidence.js";
import oldUrls from "./old-urls.js";
import pageReport from "./page-report.js";
import teach from "./teach.js";

export const sections = [teach, cases, evidence, oldUrls, pageReport];
