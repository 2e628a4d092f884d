// The case page's parts, in the order they are shown.
import complaint from "./complaint.js";
import deadlines from "./deadlines.js";
import timeline from "./timeline.js";
import preflight from "./preflight.js";
import documents from "./documents.js";
import images from "./images.js";
import oldUrls from "./old-urls.js";
import drafts from "./drafts.js";
import bundle from "./bundle.js";

export const sections = [complaint, deadlines, preflight, documents, images, oldUrls, timeline,
                         drafts, bundle];
