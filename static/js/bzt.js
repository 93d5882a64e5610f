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

// No page content in the browser's storage: htmx keeps no history snapshots (htmx-config historyCacheSize 0 in
// base.html; going back reloads from the server), and logging out or reaching a page without a session (the
// login page after a timeout) clears what this tab stored.
function opslagLegen() {
  try {
    window.sessionStorage.clear();
    window.localStorage.removeItem("htmx-history-cache");
  } catch (e) {
    // Storage disabled: nothing stored either.
  }
}
if (!document.querySelector('meta[name="bzt-sessie-inactief"]')) opslagLegen();
document.addEventListener("submit", function (event) {
  if (event.target.matches && event.target.matches('form[action$="/uitloggen/"]')) opslagLegen();
});

// Idle timeout (docs/security.md § Nooit getypt werk kwijt). The server logs out after a number of minutes
// without a request (bzt.auth.middleware.SessieTimeoutMiddleware, the one clock); this page follows it:
// - typing in a form counts as activity: at most once a minute a keep-alive POST renews the session;
// - shortly before the end a dialog offers "Blijf ingelogd";
// - at the end the page is replaced by the login page, so no personal data stays on an unattended screen. A form
//   with typed, unsent text is first sent with the marker _bzt_bewaren: the server keeps it (never applies it)
//   until the same user logs in again and confirms it. Nothing typed is put in the browser's storage.
(function () {
  const meta = document.querySelector('meta[name="bzt-sessie-inactief"]');
  const totaal = meta ? parseInt(meta.content, 10) : 0;
  if (!totaal) return;
  const waarschuwing = parseInt(meta.dataset.waarschuwing || "120", 10);
  const dialog = document.getElementById("sessie-waarschuwing");
  const verlengForm = document.getElementById("sessie-verlengen");
  const aftellen = document.getElementById("sessie-aftellen");
  // At most once a minute; sooner only when the timeout itself is short (a setting, e.g. in the browser test).
  const KEEPALIVE_MS = Math.min(60, Math.max(5, (totaal - waarschuwing) / 2)) * 1000;
  let einde = 0;
  let waarschuwTimer = null;
  let eindeTimer = null;
  let aftelTimer = null;
  let laatsteKeepAlive = Date.now();
  let bezig = false;
  let gewijzigd = null; // the form with typed, unsent text

  function tekst(seconden) {
    if (seconden >= 90) return Math.round(seconden / 60) + " minuten";
    if (seconden > 60) return "1 minuut en " + (seconden - 60) + " seconden";
    if (seconden === 60) return "1 minuut";
    return seconden + (seconden === 1 ? " seconde" : " seconden");
  }

  function sluitWaarschuwing() {
    window.clearInterval(aftelTimer);
    if (dialog && dialog.open) dialog.close();
  }

  function toonWaarschuwing() {
    if (!dialog || typeof dialog.showModal !== "function") return;
    const bij = function () {
      if (aftellen) aftellen.textContent = tekst(Math.max(0, Math.round((einde - Date.now()) / 1000)));
    };
    bij();
    if (!dialog.open) dialog.showModal();
    window.clearInterval(aftelTimer);
    aftelTimer = window.setInterval(bij, 1000);
  }

  function plan(seconden) {
    einde = Date.now() + seconden * 1000;
    window.clearTimeout(waarschuwTimer);
    window.clearTimeout(eindeTimer);
    sluitWaarschuwing();
    waarschuwTimer = window.setTimeout(toonWaarschuwing, Math.max(0, seconden - waarschuwing) * 1000);
    eindeTimer = window.setTimeout(afgelopen, (seconden + 2) * 1000);
  }

  function afgelopen() {
    sluitWaarschuwing();
    if (gewijzigd && document.body.contains(gewijzigd)) {
      const form = gewijzigd;
      gewijzigd = null;
      labelsToevoegen(form);
      const marker = document.createElement("input");
      marker.type = "hidden";
      marker.name = "_bzt_bewaren";
      marker.value = "1";
      form.appendChild(marker);
      HTMLFormElement.prototype.submit.call(form); // a plain POST: no htmx, no confirm; the server only keeps it
      return;
    }
    window.location.replace(window.location.pathname + window.location.search);
  }

  function verlengen() {
    if (!verlengForm || bezig) return;
    bezig = true;
    laatsteKeepAlive = Date.now();
    window.fetch(verlengForm.action, {
      method: "POST",
      body: new FormData(verlengForm),
      credentials: "same-origin",
      redirect: "manual",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      if (response.ok) return response.json().then(function (data) { plan(data.resterend); });
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) afgelopen();
    }).catch(function () {
      // Offline for a moment: the timers keep running; the next keystroke tries again.
    }).finally(function () { bezig = false; });
  }

  if (verlengForm) {
    verlengForm.addEventListener("submit", function (event) {
      event.preventDefault();
      verlengen();
    });
  }

  document.addEventListener("input", function (event) {
    const form = event.target.closest && event.target.closest("form");
    if (!form || form === verlengForm || (form.method || "").toLowerCase() !== "post") return;
    if (form.hasAttribute("data-bzt-niet-bewaren")) return; // the 2FA code: never kept, no keep-alive
    gewijzigd = form;
    // Past the end (a computer waking from sleep): keep the form first; a keep-alive would only log out.
    if (Date.now() > einde) afgelopen();
    else if (Date.now() - laatsteKeepAlive >= KEEPALIVE_MS) verlengen();
  });

  document.addEventListener("submit", function (event) {
    if (event.target === gewijzigd) gewijzigd = null;
  });

  // Every answer to a logged-in user says how much of the session is left.
  document.addEventListener("htmx:afterRequest", function (event) {
    const xhr = event.detail && event.detail.xhr;
    const over = xhr ? parseInt(xhr.getResponseHeader("X-BZT-Sessie-Resterend"), 10) : NaN;
    plan(isNaN(over) ? totaal - 60 : over);
  });

  plan(parseInt(meta.dataset.resterend || meta.content, 10));
})();

// With every POST form the labels of its fields go along (_bzt_velden), so a form kept after a timeout is shown
// with the words the user saw (bzt.auth.bewaren). Capture phase: before htmx reads the form.
function labelsToevoegen(form) {
  if (!form || (form.method || "").toLowerCase() !== "post" || !form.elements) return;
  const velden = {};
  Array.prototype.forEach.call(form.elements, function (el) {
    if (!el.name || el.name === "csrfmiddlewaretoken" || el.name.indexOf("_bzt_") === 0) return;
    const info = velden[el.name] || { label: "", opties: {} };
    const groep = el.closest("fieldset");
    const legend = groep && groep.querySelector("legend");
    const eigen = el.labels && el.labels.length ? el.labels[0].textContent.trim().replace(/\s+/g, " ") : "";
    if (el.type === "radio" || el.type === "checkbox") {
      if (legend) info.label = legend.textContent.trim().replace(/\s+/g, " ");
      else if (!info.label) info.label = eigen;
      if (el.checked) info.opties[el.value] = eigen || el.value;
    } else if (el.tagName === "SELECT") {
      info.label = info.label || eigen;
      Array.prototype.forEach.call(el.selectedOptions || [], function (o) { info.opties[o.value] = o.textContent.trim(); });
    } else if (el.type !== "hidden") {
      info.label = info.label || eigen;
    }
    velden[el.name] = info;
  });
  let veld = form.querySelector('input[name="_bzt_velden"]');
  if (!veld) {
    veld = document.createElement("input");
    veld.type = "hidden";
    veld.name = "_bzt_velden";
    form.appendChild(veld);
  }
  veld.value = JSON.stringify(velden);
}
document.addEventListener("submit", function (event) { labelsToevoegen(event.target); }, true);

// A jump link to a folded item (the MDO agenda's overview) opens it; so does arriving at #punt-N. Without
// JavaScript the item is opened by clicking its summary.
function uitklappen(hash) {
  if (!hash || hash.length < 2) return;
  const doel = document.getElementById(decodeURIComponent(hash.slice(1)));
  const details = doel && (doel.matches("details") ? doel : doel.querySelector("details"));
  if (details) details.open = true;
}
document.addEventListener("click", function (event) {
  const link = event.target.closest && event.target.closest("a[data-bzt-uitklappen]");
  if (link) uitklappen(link.hash);
});
window.addEventListener("hashchange", function () { uitklappen(window.location.hash); });
document.addEventListener("DOMContentLoaded", function () { uitklappen(window.location.hash); });

// A table wider than the screen scrolls inside its .bzt-table-wrap; a keyboard user must reach it to scroll it
// (WCAG 2.1.1, axe scrollable-region-focusable). The wrapper takes focus, named by the table's caption, only
// while it really scrolls (on a phone), so a table that fits adds no tab stop.
function scrollendeTabellen() {
  document.querySelectorAll(".bzt-table-wrap").forEach(function (wrap) {
    if (wrap.scrollWidth > wrap.clientWidth + 1) {
      const caption = wrap.querySelector("caption");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", caption ? caption.textContent.trim() : "Tabel");
    } else if (wrap.getAttribute("tabindex") === "0") {
      ["tabindex", "role", "aria-label"].forEach(function (a) { wrap.removeAttribute(a); });
    }
  });
}
document.addEventListener("DOMContentLoaded", scrollendeTabellen);
window.addEventListener("resize", scrollendeTabellen);
document.addEventListener("htmx:afterSettle", scrollendeTabellen);
