// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("submit", function (event) {
  // Destructive actions ask first: <form data-confirm="Weet u het zeker?">.
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// Triage: show the 3-uit-8 score while ticking leefgebieden (the server computes it again on save). The
// threshold comes from the server (data-drempel, rendered from meldpunt.doelgroep.DOELGROEP_DREMPEL).
document.addEventListener("change", function (event) {
  const score = document.getElementById("triage-score");
  if (!score || !event.target.closest(".bzt-leefgebied")) return;
  const n = document.querySelectorAll(".bzt-leefgebied input[type=checkbox]:checked").length;
  const drempel = parseInt(score.dataset.drempel, 10);
  score.textContent = n + " van 8 leefgebieden" + (n >= drempel ? " — doelgroep: naar het MDO" : " — niet de doelgroep");
});

// An in-place update that fails must say so: nothing may look saved when it was not.
document.addEventListener("htmx:responseError", function (event) {
  const main = document.getElementById("inhoud");
  if (!main) return;
  const alert = document.createElement("div");
  alert.className = "utrecht-alert utrecht-alert--error";
  alert.setAttribute("role", "alert");
  alert.textContent = "Er ging iets mis bij het opslaan (fout " + event.detail.xhr.status + "). Uw wijziging is niet opgeslagen; probeer het opnieuw.";
  main.prepend(alert);
});

// Idle timeout: the server logs out after a number of minutes without a request. Go to the page again when
// that time has passed, so the login page replaces personal data left on the screen.
(function () {
  const meta = document.querySelector('meta[name="bzt-sessie-inactief"]');
  const seconds = meta ? parseInt(meta.content, 10) : 0;
  if (!seconds) return;
  let timer = null;
  function restart() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      window.location.replace(window.location.pathname + window.location.search);
    }, (seconds + 5) * 1000);
  }
  document.addEventListener("htmx:afterRequest", restart);
  restart();
})();
