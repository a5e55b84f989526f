/* Drag an image onto the Markdown editor (or paste one into it): ask for its alt
   text, upload it as an image record, and insert its reference (![alt](image:ID))
   at the cursor. */
(function () {
  "use strict";

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function postId() {
    var match = window.location.pathname.match(/\/blog\/post\/(\d+)\/change\//);
    return match ? match[1] : "";
  }

  function imageFiles(transfer) {
    return Array.prototype.filter.call((transfer && transfer.files) || [], function (file) {
      return file.type.indexOf("image/") === 0;
    });
  }

  function insertAtCursor(editor, text) {
    var start = editor.selectionStart, end = editor.selectionEnd;
    var before = editor.value.slice(0, start), after = editor.value.slice(end);
    var block = (before && !before.endsWith("\n\n") ? (before.endsWith("\n") ? "\n" : "\n\n") : "") +
      text + "\n\n";
    editor.value = before + block + after;
    editor.selectionStart = editor.selectionEnd = start + block.length;
    // django-markdownx refreshes its preview on input.
    editor.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function readAnswer(response) {
    return response.json().then(
      function (body) { return { ok: response.ok, body: body }; },
      function () {
        return { ok: false, body: { message: "the server answered " + response.status + "." } };
      }
    );
  }

  function upload(editor, file) {
    var alt = window.prompt("Describe “" + file.name + "” for readers who cannot see it (alt text):", "");
    if (alt === null) return;
    alt = alt.trim();
    if (!alt) {
      window.alert("The image was not added: alt text is required.");
      return;
    }
    var data = new FormData();
    data.append("image", file);
    data.append("alt_text", alt);
    data.append("post", postId());
    editor.setAttribute("aria-busy", "true");
    fetch(editor.dataset.markdownxUploadUrlsPath, {
      method: "POST",
      body: data,
      headers: { "X-CSRFToken": csrfToken() },
      credentials: "same-origin"
    })
      .then(readAnswer)
      .then(function (result) {
        if (result.ok && result.body.image_code) {
          insertAtCursor(editor, result.body.image_code);
        } else {
          window.alert("The image was not added: " + (result.body.message || "upload failed."));
        }
      })
      .catch(function () { window.alert("The image was not added: the upload failed."); })
      .finally(function () { editor.removeAttribute("aria-busy"); });
  }

  function enhance(editor) {
    var box = editor.closest(".markdownx") || editor;
    // Listen in the capture phase, before django-markdownx's own drop and paste
    // handlers, which upload with no alt text (refused, leaving "Invalid response"
    // in the text).
    box.addEventListener("dragover", function (event) {
      event.preventDefault();
      box.classList.add("is-dragover");
    }, true);
    box.addEventListener("dragleave", function (event) {
      if (!box.contains(event.relatedTarget)) box.classList.remove("is-dragover");
    }, true);
    box.addEventListener("drop", function (event) {
      box.classList.remove("is-dragover");
      var files = imageFiles(event.dataTransfer);
      if (!files.length) return;
      event.preventDefault();
      event.stopPropagation();
      files.forEach(function (file) { upload(editor, file); });
    }, true);
    box.addEventListener("paste", function (event) {
      var files = imageFiles(event.clipboardData);
      if (!files.length) return;
      event.preventDefault();
      event.stopPropagation();
      files.forEach(function (file) { upload(editor, file); });
    }, true);
  }

  function start() {
    document.querySelectorAll("textarea.markdownx-editor").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
