/* "Reply" without leaving the page: the reply form (#respond) moves to just under the
   comment, with its hidden `parent` field set; "Cancel reply" puts it back. Without
   JavaScript the same links load ?replytocom=ID#respond and the server does the work.

   An old link names a comment by its anchor (#comment-123), perhaps one on another
   comment page (?cpage=N): when no element here has that id, ask the server where it is.
   The discussion's data-anchor-url is that address with 0 in place of the number. */
(function () {
  "use strict";

  var match = /^#comment-(\d+)$/.exec(window.location.hash);
  var discussion = document.querySelector(".discussion[data-anchor-url]");
  if (!match || !discussion || document.getElementById("comment-" + match[1])) {
    return;
  }
  // Should the page we are sent to lack the comment after all, do not go round in circles.
  var key = "comment-anchor-sought:" + match[1];
  try {
    if (Date.now() - Number(window.sessionStorage.getItem(key)) < 10000) {
      return;
    }
    window.sessionStorage.setItem(key, String(Date.now()));
  } catch (error) {
    return; // No storage to remember the attempt in: better no redirect than a loop.
  }
  window.location.replace(
    discussion.getAttribute("data-anchor-url").replace(/\/0\/$/, "/" + match[1] + "/")
  );
})();

(function () {
  "use strict";

  var respond = document.getElementById("respond");
  var form = respond && respond.querySelector("form.comment-form");
  var title = document.getElementById("reply-title-text");
  var cancel = respond && respond.querySelector(".cancel-reply");
  if (!form || !form.elements.parent || !title || !cancel) {
    return; // Comments are closed here, or this page has no reply form.
  }
  var parentField = form.elements.parent;
  var textarea = form.elements.body;
  var defaultTitle = title.getAttribute("data-default") || "Leave a reply";
  var active = null; // The Reply link of the comment the form sits under.

  // Marks the form's own place, so "Cancel reply" knows where to put it back.
  var home = document.createElement("div");
  home.className = "respond-home";
  home.hidden = true;
  respond.before(home);

  function plainClick(event) {
    return event.button === 0 && !(event.ctrlKey || event.metaKey || event.shiftKey || event.altKey);
  }

  function open(link) {
    if (active) {
      active.setAttribute("aria-expanded", "false");
    }
    active = link;
    link.setAttribute("aria-expanded", "true");
    link.closest("article").after(respond);
    parentField.value = link.getAttribute("data-reply-to");
    title.textContent = "Reply to " + link.getAttribute("data-reply-name");
    cancel.hidden = false;
  }

  function close() {
    var link = active;
    active = null;
    home.after(respond);
    parentField.value = "";
    title.textContent = defaultTitle;
    cancel.hidden = true;
    forgetReplyInAddress();
    if (link) {
      link.setAttribute("aria-expanded", "false");
      link.focus();
    } else {
      textarea.focus();
    }
  }

  // After a server-side reply (?replytocom=ID), a reload should not reopen it.
  function forgetReplyInAddress() {
    var url = new URL(window.location.href);
    if (url.searchParams.has("replytocom")) {
      url.searchParams.delete("replytocom");
      window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
    }
  }

  document.querySelectorAll(".comment-reply-link").forEach(function (link) {
    link.setAttribute("aria-controls", "respond");
    link.setAttribute("aria-expanded", "false");
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".comment-reply-link");
    if (link && plainClick(event)) {
      event.preventDefault();
      open(link);
      textarea.focus();
    }
  });

  cancel.addEventListener("click", function (event) {
    if (plainClick(event)) {
      event.preventDefault();
      close();
    }
  });

  // The server already set up a reply (?replytocom=ID, or a reply sent back with
  // errors): show the form under that comment, as a click would have.
  if (parentField.value) {
    var link = document.querySelector(
      '.comment-reply-link[data-reply-to="' + CSS.escape(parentField.value) + '"]'
    );
    if (link) {
      open(link);
    }
  }
})();
