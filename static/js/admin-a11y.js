// Names for the admin's widgets that Django's own scripts build without one: the
// autocomplete fields (select2) and the filter boxes of the two-list selectors.
"use strict";
{
  function labelOf(id) {
    return document.querySelector(`label[for="${CSS.escape(id)}"]`);
  }

  function nameAutocompletes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach((select) => {
      const label = labelOf(select.id);
      const widget = select.nextElementSibling; // select2 puts its widget right after the select
      if (!label || !widget || !widget.classList.contains("select2")) {
        return;
      }
      label.id ||= `${select.id}_label`;
      const selection = widget.querySelector(".select2-selection");
      // A single choice is named by what is chosen, which is nothing at first.
      const shown = selection.getAttribute("aria-labelledby");
      if (!(shown || "").split(" ").includes(label.id)) {
        selection.setAttribute("aria-labelledby", [label.id, shown].filter(Boolean).join(" "));
      }
      // The box showing the choice, and the box to type a search in, are named by the label.
      widget.querySelectorAll(".select2-selection__rendered[role], .select2-search__field")
        .forEach((field) => field.setAttribute("aria-labelledby", label.id));
    });
  }

  function nameFilterIcons(root) {
    // An aria-label is not allowed on a plain span; as an image, it names the filter box.
    root.querySelectorAll(".search-label-icon[aria-label]").forEach((icon) => {
      icon.setAttribute("role", "img");
    });
  }

  function nameAll(root) {
    nameAutocompletes(root);
    nameFilterIcons(root);
  }

  // Django's scripts build these widgets at different moments (when the page is ready,
  // when it has loaded, when an inline form is added): name each as soon as it appears.
  const WIDGETS = ".select2, .select2-search, .search-label-icon";
  const isWidget = (node) =>
    node.nodeType === Node.ELEMENT_NODE && (node.matches(WIDGETS) || node.querySelector(WIDGETS));
  new MutationObserver((records) => {
    if (records.some((record) => [...record.addedNodes].some(isWidget))) {
      nameAll(document);
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
  nameAll(document);
}
