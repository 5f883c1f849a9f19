/* Paper form entry, keyboard only: typing an answer moves to the next row.
 *
 * Progressive enhancement: the form works without this script (Tab between rows, the server
 * reads the same keys). With it:
 *  - typing 0-4 or ? in a row moves the focus to the next row (after the last row, to the
 *    first question about the person);
 *  - the keys of a French AZERTY keyboard without Shift (à & é " ') become 0 1 2 3 4, and
 *    "," (the "?" key) or "." (numeric keypad) become "?", as the server reads them too;
 *  - Backspace in an empty row goes back to the previous row;
 *  - typing in a row replaces what it holds (a correction needs no Backspace).
 */
(function () {
  "use strict";
  var grid = document.querySelector("[data-paper-grid]");
  if (!grid) { return; }
  var inputs = Array.prototype.slice.call(grid.querySelectorAll("input[data-answer]"));
  var ALIASES = { "à": "0", "&": "1", "é": "2", "\"": "3", "'": "4", ",": "?", ".": "?" };
  var ANSWER = /^[0-4?]$/;

  function afterGrid() {
    var form = grid.closest("form");
    if (!form) { return null; }
    var fields = form.querySelectorAll("input:not([type=hidden]), select, textarea, button");
    for (var i = 0; i < fields.length; i++) {
      if (!grid.contains(fields[i])) { return fields[i]; }
    }
    return null;
  }

  function go(target) {
    if (!target) { return; }
    target.focus();
    if (typeof target.select === "function" && target.type === "text") { target.select(); }
  }

  function answerOf(key) {
    var value = Object.prototype.hasOwnProperty.call(ALIASES, key) ? ALIASES[key] : key;
    return ANSWER.test(value) ? value : null;
  }

  // The first row may have the focus (autofocus) before this script runs.
  if (inputs.indexOf(document.activeElement) >= 0) { document.activeElement.select(); }

  inputs.forEach(function (input, index) {
    input.addEventListener("focus", function () { input.select(); });

    // Touch keyboards often give no usable key on keydown: the input event does the same.
    input.addEventListener("input", function () {
      var answer = answerOf(input.value.trim());
      if (answer !== null) {
        input.value = answer;
        input.removeAttribute("aria-invalid");
        go(index + 1 < inputs.length ? inputs[index + 1] : afterGrid());
      }
    });

    input.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.altKey || event.metaKey || event.isComposing) { return; }
      var answer = answerOf(event.key);
      if (answer !== null) {
        // Replace whatever the row holds (even if it was not selected) and move on.
        event.preventDefault();
        input.value = answer;
        input.removeAttribute("aria-invalid");
        go(index + 1 < inputs.length ? inputs[index + 1] : afterGrid());
        return;
      }
      if (event.key === "Backspace" && input.value === "" && index > 0) {
        event.preventDefault();
        go(inputs[index - 1]);
      }
    });
  });
})();
