// Autocomplete for every search box with data-suggest-url: titles by prefix, also by pinyin.
// Progressive enhancement: without JavaScript the boxes are plain GET forms.
(function () {
  "use strict";
  function attach(input) {
    if (input.dataset.suggestReady) return;
    input.dataset.suggestReady = "1";
    var list = document.getElementById(input.getAttribute("aria-controls"));
    if (!list) return;
    var timer = null, active = -1, last = "";
    function close() { list.hidden = true; list.innerHTML = ""; active = -1; input.setAttribute("aria-expanded", "false"); }
    function show(items) {
      list.innerHTML = "";
      items.forEach(function (item, i) {
        var li = document.createElement("li"), a = document.createElement("a");
        li.setAttribute("role", "option"); li.id = list.id + "-" + i;
        a.href = item.url; a.textContent = item.title;
        if (item.subtitle) { var small = document.createElement("small"); small.textContent = " " + item.subtitle.split("\n")[0]; a.appendChild(small); }
        li.appendChild(a); list.appendChild(li);
      });
      list.hidden = !items.length; active = -1;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
    }
    function fetchSuggestions() {
      var q = input.value.trim();
      if (q === last) return;
      last = q;
      if (!q || q.length > 50) { close(); return; }
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (input.value.trim() === q) show(data.suggestions || []); })
        .catch(close);
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(fetchSuggestions, 150); });
    input.addEventListener("keydown", function (e) {
      var options = list.querySelectorAll("li");
      if (e.key === "Escape") { close(); return; }
      if (!options.length || (e.key !== "ArrowDown" && e.key !== "ArrowUp" && e.key !== "Enter")) return;
      if (e.key === "Enter") { if (active >= 0) { e.preventDefault(); window.location = options[active].querySelector("a").href; } return; }
      e.preventDefault();
      active = (active + (e.key === "ArrowDown" ? 1 : -1) + options.length) % options.length;
      options.forEach(function (o, i) { o.classList.toggle("active", i === active); o.setAttribute("aria-selected", i === active); });
      input.setAttribute("aria-activedescendant", options[active].id);
    });
    input.addEventListener("blur", function () { setTimeout(close, 200); });
  }
  function init() {
    document.querySelectorAll("input[data-suggest-url]").forEach(attach);
    // facets start folded on a phone, so the results come first
    if (window.matchMedia && window.matchMedia("(max-width: 47.99rem)").matches) {
      document.querySelectorAll("details[data-close-on-phone]").forEach(function (d) { d.open = false; });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
