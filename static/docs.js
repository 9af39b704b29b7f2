// /api/docs: sends a request from an operation's «Попробовать» form and shows the answer.
// Progressive enhancement only: the reference itself is rendered by the server.
document.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("docs");
  if (!root || !window.fetch) return;
  var token = root.querySelector(".docs-token");
  if (token) token.hidden = false;

  root.querySelectorAll("form.try").forEach(function (form) {
    form.querySelector("button[type=submit]").disabled = false;
    var note = form.querySelector(".needs-js");
    if (note) note.remove();
    var key = form.querySelector("[data-in=header][name=Idempotency-Key]");
    if (key && !key.value && window.crypto && crypto.randomUUID) key.value = crypto.randomUUID();

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var out = form.querySelector(".answer");
      var method = form.dataset.method;
      var path = form.dataset.path;
      var query = new URLSearchParams();
      var headers = { Accept: "application/json" };
      var body;
      form.querySelectorAll("[data-in]").forEach(function (field) {
        var value = field.value.trim();
        var where = field.dataset.in;
        if (where === "body") {
          if (value) { body = value; headers["Content-Type"] = "application/json"; }
        } else if (!value) {
          return;
        } else if (where === "path") {
          path = path.replace("{" + field.name + "}", encodeURIComponent(value));
        } else if (where === "query") {
          query.append(field.name, value);
        } else if (where === "header") {
          headers[field.name] = value;
        }
      });
      var bearer = document.getElementById("docs-token");
      if (bearer && bearer.value.trim()) headers.Authorization = "Bearer " + bearer.value.trim();
      var url = path + (query.toString() ? "?" + query : "");
      show(out, method + " " + url, "", root.dataset.sending);
      fetch(url, { method: method, headers: headers, body: body, credentials: "same-origin" })
        .then(function (res) {
          return res.text().then(function (text) {
            try { text = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON */ }
            show(out, res.status + " " + res.statusText, res.ok ? "ok" : "err", text);
          });
        })
        .catch(function (err) { show(out, root.dataset.failed, "err", String(err)); });
    });
  });

  function show(out, head, kind, text) {
    out.hidden = false;
    out.textContent = "";
    if (head) {
      var status = document.createElement("span");
      if (kind) status.className = "code-" + kind;
      status.textContent = head;
      out.append(status, "\n");
    }
    out.append(text);
  }
});
