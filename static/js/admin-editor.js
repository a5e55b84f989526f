/* Drag an image onto the Markdown editor: ask for its alt text, upload it as an
   image record, and insert its reference (![alt](image:ID)) at the cursor. */
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

  function insertAtCursor(editor, text) {
    var start = editor.selectionStart, end = editor.selectionEnd;
    var before = editor.value.slice(0, start), after = editor.value.slice(end);
    var block = (before && !before.endsWith("\n\n") ? "\n\n" : "") + text + "\n\n";
    editor.value = before + block + after;
    editor.selectionStart = editor.selectionEnd = start + block.length;
    editor.dispatchEvent(new Event("input", { bubbles: true }));
    editor.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
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
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (result.ok) {
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
    // Capture the drop before django-markdownx's own handler, which asks for no alt text.
    box.addEventListener("dragover", function (event) {
      event.preventDefault();
      box.classList.add("is-dragover");
    }, true);
    box.addEventListener("dragleave", function () { box.classList.remove("is-dragover"); }, true);
    box.addEventListener("drop", function (event) {
      box.classList.remove("is-dragover");
      var files = Array.prototype.filter.call(event.dataTransfer.files || [], function (file) {
        return file.type.indexOf("image/") === 0;
      });
      if (!files.length) return;
      event.preventDefault();
      event.stopPropagation();
      files.forEach(function (file) { upload(editor, file); });
    }, true);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea.markdownx-editor").forEach(enhance);
  });
})();
