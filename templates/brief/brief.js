{% raw %}
(function () {
  "use strict";
  var status = document.querySelector(".status");

  function announce(text) {
    status.textContent = text;
    status.classList.add("shown");
    window.clearTimeout(announce.timer);
    announce.timer = window.setTimeout(function () { status.classList.remove("shown"); }, 1600);
  }

  // Where the Clipboard API is missing or refused (some browsers on file:// pages),
  // copy through a hidden text area, the way pages did before it existed.
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "-1000px";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    document.body.removeChild(area);
    return copied ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  function select(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy"));
    copy(source.textContent).then(function () {
      button.textContent = "Copied";
      announce("Search copied to the clipboard");
      window.setTimeout(function () { button.textContent = "Copy"; }, 1600);
    }, function () {
      select(source);
      announce("Press Ctrl+C (or Cmd+C) to copy the selected search");
    });
  });
})();
{% endraw %}
