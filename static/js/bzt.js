// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("submit", function (event) {
  // Destructive actions ask first: <form data-confirm="Weet u het zeker?">.
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
