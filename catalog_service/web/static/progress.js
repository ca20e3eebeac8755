// The upload's progress bar: poll the job state until it is done, then open the result.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var bar = document.getElementById("job-progress");
  var text = document.getElementById("job-text");
  var error = document.getElementById("job-error");
  var retry = document.getElementById("job-retry");
  var rows = new Intl.NumberFormat("sv-SE");

  function show(state) {
    bar.value = state.percent;
    bar.textContent = state.percent + " %";
    if (state.status === "done") {
      bar.value = 100;
      text.textContent = rows.format(state.rows_done) + " av " + rows.format(state.rows_expected) + " rader (100 %). Klart.";
      window.setTimeout(function () { window.location.assign(state.result_url); }, 1000);
      return false;
    }
    if (state.status === "failed") {
      text.textContent = "Inläsningen misslyckades.";
      error.textContent = state.error.message;
      error.hidden = false;
      retry.hidden = false;
      return false;
    }
    text.textContent = state.rows_expected
      ? rows.format(state.rows_done) + " av " + rows.format(state.rows_expected) + " rader (" + state.percent + " %)"
      : "Läser filen …";
    return true;
  }

  function poll() {
    fetch(box.dataset.stateUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) { if (show(state)) { window.setTimeout(poll, 300); } })
      .catch(function () { window.setTimeout(poll, 1000); });
  }
  poll();
})();
