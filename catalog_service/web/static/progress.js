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

  // "1 av 1 rad", "2 av 2 rader": the noun follows the expected count, as in the page's own text.
  function counted(state) {
    return rows.format(state.rows_done) + " av " + rows.format(state.rows_expected) +
      (state.rows_expected === 1 ? " rad" : " rader");
  }

  function show(state) {
    bar.value = state.percent;
    bar.textContent = state.percent + " %";
    if (state.status === "done" && state.message) {
      // A byte-identical file: nothing new was imported; say so and link the earlier result.
      bar.value = 100;
      text.textContent = state.message + " ";
      var link = document.createElement("a");
      link.href = state.result_url;
      link.textContent = "Visa det tidigare resultatet";
      text.appendChild(link);
      return false;
    }
    if (state.status === "done") {
      bar.value = 100;
      text.textContent = counted(state) + " (100 %). Klart.";
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
      ? "Läst och bedömt " + counted(state) + " (" + state.percent + " %)"
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
