// A searchable choice of several entries (nationalities, languages): progressive enhancement of a
// <select multiple data-multichoice>. The select stays in the form, hidden, and is what is submitted;
// the chosen entries show as chips with a remove button, a text field filters the options
// (ARIA combobox with a listbox). Works without JavaScript as the plain select.
(function () {
  "use strict";

  var counter = 0;

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function enhance(select) {
    if (select.dataset.multichoiceReady) {
      return;
    }
    select.dataset.multichoiceReady = "1";
    counter += 1;
    var base = (select.id || "multichoice") + "-mc" + counter;
    var removeLabel = select.getAttribute("data-remove-label") || "Remove: %s";
    var placeholder = select.getAttribute("data-placeholder") || "";
    var emptyText = select.getAttribute("data-empty-text") || "";

    var box = document.createElement("div");
    box.className = "multichoice form-control";
    if (select.classList.contains("is-invalid")) {
      box.classList.add("is-invalid");
    }
    var chips = document.createElement("ul");
    chips.className = "multichoice-chips";
    var input = document.createElement("input");
    input.type = "text";
    input.id = base + "-input";
    input.className = "multichoice-input";
    input.autocomplete = "off";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", base + "-list");
    if (placeholder) {
      input.placeholder = placeholder;
    }
    var described = select.getAttribute("aria-describedby");
    if (described) {
      input.setAttribute("aria-describedby", described);
    }
    if (select.getAttribute("aria-invalid")) {
      input.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));
    }
    var list = document.createElement("ul");
    list.id = base + "-list";
    list.className = "multichoice-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var empty = document.createElement("li");
    empty.className = "multichoice-empty";
    empty.textContent = emptyText;
    empty.hidden = true;

    // The field's label now names the text field, and the list of options.
    if (select.id) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      if (label) {
        label.htmlFor = input.id;
        label.id = label.id || base + "-label";
        list.setAttribute("aria-labelledby", label.id);
        chips.setAttribute("aria-labelledby", label.id);
      }
    }

    box.appendChild(chips);
    box.appendChild(input);
    var wrapper = document.createElement("div");
    wrapper.className = "multichoice-wrapper";
    wrapper.appendChild(box);
    wrapper.appendChild(list);
    select.hidden = true;
    select.classList.add("multichoice-source");
    select.tabIndex = -1;
    select.parentNode.insertBefore(wrapper, select.nextSibling);

    var items = [];
    Array.prototype.forEach.call(select.options, function (option, index) {
      var item = document.createElement("li");
      item.id = base + "-option-" + index;
      item.setAttribute("role", "option");
      item.className = "multichoice-option";
      item.textContent = option.text;
      item.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep the focus in the text field
      });
      item.addEventListener("click", function () {
        choose(option);
        input.focus();
      });
      list.appendChild(item);
      items.push({ option: option, item: item, key: fold(option.text) + " " + fold(option.value) });
    });
    list.appendChild(empty);

    var active = -1; // index into visible()

    function visible() {
      return items.filter(function (entry) {
        return !entry.item.hidden;
      });
    }

    function setActive(index) {
      var shown = visible();
      shown.forEach(function (entry) {
        entry.item.classList.remove("active");
      });
      active = shown.length ? Math.max(0, Math.min(index, shown.length - 1)) : -1;
      if (active >= 0) {
        var entry = shown[active];
        entry.item.classList.add("active");
        input.setAttribute("aria-activedescendant", entry.item.id);
        entry.item.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function filter() {
      var query = fold(input.value.trim());
      var count = 0;
      items.forEach(function (entry) {
        var show = !entry.option.selected && !entry.option.disabled && entry.option.value !== "";
        show = show && (!query || entry.key.indexOf(query) !== -1);
        entry.item.hidden = !show;
        entry.item.setAttribute("aria-selected", "false");
        if (show) {
          count += 1;
        }
      });
      empty.hidden = count > 0;
      setActive(0);
    }

    function open() {
      filter();
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function renderChips() {
      chips.textContent = "";
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.selected) {
          return;
        }
        var chip = document.createElement("li");
        chip.className = "multichoice-chip";
        var text = document.createElement("span");
        text.textContent = option.text;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "multichoice-remove";
        remove.setAttribute("aria-label", removeLabel.replace("%s", option.text));
        remove.textContent = "\u00d7";
        remove.addEventListener("click", function () {
          option.selected = false;
          changed();
          input.focus();
        });
        chip.appendChild(text);
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
    }

    function changed() {
      renderChips();
      select.dispatchEvent(new Event("change", { bubbles: true }));
      if (!list.hidden) {
        filter();
      }
    }

    function choose(option) {
      option.selected = true; // adds to the choice; the others stay chosen
      input.value = "";
      changed();
      open();
    }

    input.addEventListener("input", open);
    input.addEventListener("click", open);
    input.addEventListener("keydown", function (event) {
      var shown;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) {
          open();
        } else {
          setActive(active + 1);
        }
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (!list.hidden) {
          setActive(active - 1);
        }
      } else if (event.key === "Enter") {
        shown = visible();
        if (!list.hidden && active >= 0 && shown[active]) {
          event.preventDefault(); // choose, do not submit the form
          choose(shown[active].option);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        } else if (input.value) {
          input.value = "";
        }
      } else if (event.key === "Backspace" && input.value === "") {
        var chosen = Array.prototype.filter.call(select.options, function (option) {
          return option.selected;
        });
        if (chosen.length) {
          chosen[chosen.length - 1].selected = false;
          changed();
        }
      }
    });
    wrapper.addEventListener("focusout", function (event) {
      if (!wrapper.contains(event.relatedTarget)) {
        close();
      }
    });
    box.addEventListener("click", function (event) {
      if (event.target === box || event.target === chips) {
        input.focus();
        open();
      }
    });
    renderChips();
  }

  function enhanceAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    Array.prototype.forEach.call(scope.querySelectorAll("select[multiple][data-multichoice]"), enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      enhanceAll(document);
    });
  } else {
    enhanceAll(document);
  }
  // Forms swapped in by htmx (the case page's quick forms) are enhanced too.
  document.addEventListener("htmx:load", function (event) {
    enhanceAll(event.detail && event.detail.elt);
  });
})();
