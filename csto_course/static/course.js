/* The course's script for every page (added by csto_course/sphinx_ext.py).

   Sidebar buttons. sphinx-book-theme 1.3 with pydata-sphinx-theme 0.17 wire the sidebar
   toggles to the first .primary-toggle / .secondary-toggle of the page: the navbar's,
   which this layout hides. The buttons readers see, in the article header, did nothing
   (with the mouse or the keyboard): on a phone the contents could not be opened. Their
   clicks are passed on to the wired buttons, which open the sidebar (a dialog on a
   narrow screen) or fold it away (on a wide one). */
document.addEventListener("DOMContentLoaded", function () {
  ["primary", "secondary"].forEach(function (side) {
    var buttons = document.querySelectorAll("." + side + "-toggle");
    var wired = buttons[0];
    Array.prototype.slice.call(buttons, 1).forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        wired.click();
      });
    });
  });
});
