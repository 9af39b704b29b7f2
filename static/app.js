// Progressive enhancement only: every page works without this file.
// Buttons with data-countdown="N" stay disabled for N seconds, with a visible countdown.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-countdown]").forEach(function (button) {
    var left = parseInt(button.getAttribute("data-countdown"), 10) || 0;
    var label = button.parentElement.querySelector("[data-countdown-label]");
    if (left <= 0) return;
    var text = label ? label.textContent : "";
    button.disabled = true;
    var tick = function () {
      left -= 1;
      if (label) label.textContent = text.replace(/\d+/, String(Math.max(left, 0)));
      if (left <= 0) {
        button.disabled = false;
        if (label) label.remove();
        clearInterval(timer);
      }
    };
    var timer = setInterval(tick, 1000);
  });

  // Checkout: one total that follows the delivery choice (without JS: «Пересчитать»).
  document.querySelectorAll("form.checkout-form").forEach(function (form) {
    var total = form.querySelector("[data-testid=total]");
    var cost = form.querySelector("[data-testid=delivery-cost]");
    var update = function () {
      var m = form.querySelector("input[name=method]:checked");
      var how = m && m.value === "courier" ? "courier" : "point";
      if (total) total.textContent = form.getAttribute("data-total-" + how);
      if (cost) cost.textContent = form.getAttribute("data-cost-" + how);
    };
    form.querySelectorAll("input[name=method]").forEach(function (r) { r.addEventListener("change", update); });
    update();
  });
  // Pickup points: «Рядом со мной» asks the browser where we are and fills the coordinates.
  document.querySelectorAll("[data-near-me]").forEach(function (button) {
    if (!navigator.geolocation) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var form = button.form;
      var status = form.querySelector("[data-near-status]");
      if (status) status.textContent = button.getAttribute("data-wait") || "";
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.querySelector("[name=lat]").value = pos.coords.latitude.toFixed(5);
        form.querySelector("[name=lon]").value = pos.coords.longitude.toFixed(5);
        form.submit();
      }, function () {
        if (status) status.textContent = button.getAttribute("data-denied") || "";
      }, { timeout: 10000, maximumAge: 600000 });
    });
  });
});
