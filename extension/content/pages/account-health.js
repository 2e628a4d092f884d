// The account pages: funds on hold, suspension, Pending IPR Review banners.
// For now the module marks the page as recognised; overlays build on it.
iprdesk.registerPage({
  id: "account-health",
  titleKey: "pageAccountHealth",
  activate(ctx) {
    ctx.showRecognised();
  },
});
