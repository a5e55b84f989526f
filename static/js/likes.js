/* "Like" without leaving the page: the like form is sent with fetch and the answer
   ({liked, count, summary}) updates the count and the button. Without JavaScript, or
   when the request fails, the same form posts as usual and the server redirects back. */
(function () {
  "use strict";

  var section = document.getElementById("likes");
  var form = section && section.querySelector("form.like-form");
  if (!form || !window.fetch) {
    return; // A guest's page has no form; an old browser keeps the plain one.
  }
  var action = form.elements.action;
  // Not form.action: the field named "action" hides the attribute there.
  var address = form.getAttribute("action");
  var button = form.querySelector("button[type=submit]");
  var summary = section.querySelector(".likes-summary");

  function show(answer) {
    action.value = answer.liked ? "unlike" : "like";
    button.textContent = answer.liked ? "Unlike" : "Like";
    summary.textContent = answer.summary;
    // The count by the date at the top of the post, when it shows one.
    document.querySelectorAll("[data-like-count]").forEach(function (link) {
      link.textContent = answer.count + " like" + (answer.count === 1 ? "" : "s");
      link.hidden = answer.count === 0;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (button.disabled) {
      return; // One request at a time: a double click sends one like.
    }
    button.disabled = true;
    fetch(address, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("Like failed: " + response.status);
        }
        return response.json();
      })
      .then(function (answer) {
        show(answer);
        button.disabled = false;
      })
      .catch(function () {
        form.submit(); // Let the server answer in a page of its own (sign-in, error).
      });
  });
})();
