// The header search box suggests article titles as the reader types: a
// debounced request to /search/suggest/, a listbox under the box (ARIA
// combobox: arrow keys move, Enter opens, Escape closes), taps on phones.
(function () {
  "use strict";
  var DELAY = 200;

  function setUp(form) {
    var input = form.querySelector("input[name=q]");
    var list = form.querySelector(".suggestions");
    if (!input || !list || !window.fetch) return;
    var timer = null, active = -1, items = [], asked = "", controller = null;

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      items.forEach(function (item, i) {
        item.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(suggestions) {
      list.innerHTML = "";
      items = suggestions.map(function (s, i) {
        var li = document.createElement("li");
        li.id = "search-suggestion-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = s.title;  // text, never HTML
        li.dataset.url = s.url;
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep the focus in the box until we go
          window.location.href = s.url;
        });
        list.appendChild(li);
        return li;
      });
      if (!items.length) return close();
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function ask() {
      var q = input.value.trim();
      if (!q) return close();
      if (q === asked) return;
      asked = q;
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      fetch(form.dataset.suggest + "?q=" + encodeURIComponent(q), {
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
          if (input.value.trim() === q) show(data.suggestions || []);
        })
        .catch(function () {});
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp" && items.length) {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.href = items[active].dataset.url;
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    input.addEventListener("focus", function () { asked = ""; });
  }

  document.querySelectorAll("form.search[data-suggest]").forEach(setUp);
})();
