// The product edit page: the image gallery and its upload input.
// For now the module marks the page as recognised; overlays build on it.
iprdesk.registerPage({
  id: "product-edit",
  titleKey: "pageProductEdit",
  activate(ctx) {
    ctx.showRecognised();
  },
});
