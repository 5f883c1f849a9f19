// Optional zoom on the territory maps: buttons to zoom in and out around the centre, and a drag
// (mouse or finger) to move the map once zoomed. Without JavaScript the map is whole, and its
// table says everything; each area's name and value show on pointing at it (its SVG <title>).
(() => {
  for (const box of document.querySelectorAll(".map-box[data-zoom-in]")) {
    const svg = box.querySelector("svg");
    if (!svg) continue;
    const whole = svg.viewBox.baseVal;
    const full = { x: whole.x, y: whole.y, width: whole.width, height: whole.height };
    let view = { ...full };
    const show = () => svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.width} ${view.height}`);
    const zoom = (factor) => {
      const width = Math.min(full.width, Math.max(full.width / 8, view.width * factor));
      const height = (width / full.width) * full.height;
      view = {
        x: view.x + (view.width - width) / 2,
        y: view.y + (view.height - height) / 2,
        width,
        height,
      };
      show();
    };
    const bar = document.createElement("div");
    bar.className = "zoom-bar";
    for (const [label, act] of [
      [box.dataset.zoomIn, () => zoom(0.5)],
      [box.dataset.zoomOut, () => zoom(2)],
      [box.dataset.zoomAll, () => { view = { ...full }; show(); }],
    ]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = label;
      button.addEventListener("click", act);
      bar.append(button);
    }
    box.before(bar);
    let drag = null;
    svg.addEventListener("pointerdown", (event) => {
      drag = { x: event.clientX, y: event.clientY, view: { ...view } };
      svg.setPointerCapture(event.pointerId);
    });
    svg.addEventListener("pointermove", (event) => {
      if (!drag || view.width >= full.width) return;
      const scale = view.width / svg.getBoundingClientRect().width;
      view.x = drag.view.x - (event.clientX - drag.x) * scale;
      view.y = drag.view.y - (event.clientY - drag.y) * scale;
      show();
    });
    svg.addEventListener("pointerup", () => { drag = null; });
  }
})();
