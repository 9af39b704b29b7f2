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
});
