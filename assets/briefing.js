/* Presenter keys in briefing mode: what a presentation clicker sends.
   →/PageDown next scene, ←/PageUp previous, 1-9 jump to scene, space play/pause, Esc exit.
   Keys typed into form fields are left alone. */
document.addEventListener("keydown", function (event) {
  if (!document.querySelector(".page.brief")) { return; }
  var target = event.target || {};
  var tag = (target.tagName || "").toLowerCase();
  if (tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable) { return; }
  function press(id) {
    var el = document.getElementById(id);
    if (el) { el.click(); event.preventDefault(); }
  }
  if (event.key === "ArrowRight" || event.key === "PageDown") { press("brief-next"); }
  else if (event.key === "ArrowLeft" || event.key === "PageUp") { press("brief-prev"); }
  else if (event.key === " ") { press("play-button"); }
  else if (event.key === "Escape") { press("brief-exit"); }
  else if (/^[1-9]$/.test(event.key) && window.dash_clientside && window.dash_clientside.set_props) {
    window.dash_clientside.set_props("brief-goto", {value: event.key});
    event.preventDefault();
  }
});
