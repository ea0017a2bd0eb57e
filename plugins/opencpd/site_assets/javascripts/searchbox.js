// "/" jumps to the header search box, as in Material's own search (which this site replaces).
addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest?.("input, textarea, select, [contenteditable]")) return;
  const box = document.querySelector("#opencpd-q, .opencpd-searchbox__input");
  const visible = box && box.offsetParent !== null ? box : null;
  const field = visible ?? document.querySelector(".opencpd-searchbox__button");
  if (!field) return;
  event.preventDefault();
  field.focus();
});
