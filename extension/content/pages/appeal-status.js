// The appeal status list: appeal ID, status, rejection reason code, date.
// For now the module marks the page as recognised; overlays build on it.
iprdesk.registerPage({
  id: "appeal-status",
  titleKey: "pageAppealStatus",
  activate(ctx) {
    ctx.showRecognised();
  },
});
