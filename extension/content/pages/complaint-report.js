// The complaint report list: complaint ID, complainant, date, product IDs, type, status.
// For now the module marks the page as recognised; overlays build on it.
iprdesk.registerPage({
  id: "complaint-report",
  titleKey: "pageComplaintReport",
  activate(ctx) {
    ctx.showRecognised();
  },
});
