// One-time links (password reset, invitations) carry their token after "#": browsers never
// send a URL's fragment, so the token stays out of request lines, logs, Referer headers and
// history. This moves it into the page's form (data-one-time-form), hides the code field the
// page shows without JavaScript, and takes the token off the address bar. Nothing is stored.
// Loaded by the reset and invitation pages (CSP: no inline scripts).
(function () {
  "use strict";

  function take() {
    const token = new URLSearchParams(window.location.hash.slice(1)).get("token");
    if (token === null) return;
    window.history.replaceState(window.history.state, "",
                                window.location.pathname + window.location.search);
    const form = document.querySelector("form[data-one-time-form]");
    const field = form && form.querySelector("[name=token]");
    if (!token || !field) return;
    field.value = token;
    const wrap = form.querySelector(".one-time-code");
    if (wrap) wrap.hidden = true;
    // The invitation to an organisation: post the code at once to see whom it is from.
    if (form.hasAttribute("data-one-time-submit")) form.submit();
  }

  take();
  // The link opened in a tab that already shows this page changes only the fragment.
  window.addEventListener("hashchange", take);
})();
