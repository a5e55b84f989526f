// The page of a queued or running import follows it in place until it ends: it reads
// itself again every few seconds and shows the new state, progress and report, where a
// timed reload would move the page under its reader. The state is announced as it changes.
"use strict";
{
  const FIELDS = ["state", "progress", "finished_at", "result"];
  const EVERY = 3000;

  function shown(root, name) {
    return root.querySelector(`.field-${name} .readonly`);
  }

  async function follow() {
    let fresh;
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      if (!response.ok) {
        throw new Error(`${response.status}`);
      }
      fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    } catch {
      window.setTimeout(follow, EVERY); // the server is busy or away: try again
      return;
    }
    for (const name of FIELDS) {
      const old = shown(document, name);
      const now = shown(fresh, name);
      if (old && now && old.innerHTML !== now.innerHTML) {
        old.innerHTML = now.innerHTML;
      }
    }
    // The page of a finished import no longer follows it.
    if (fresh.querySelector("script[data-follows-import]")) {
      window.setTimeout(follow, EVERY);
    }
  }

  shown(document, "state")?.setAttribute("aria-live", "polite");
  window.setTimeout(follow, EVERY);
}
