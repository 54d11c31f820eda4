/* Marker view (唛架): zoom with the wheel or the buttons, pan by dragging. No inline scripts
   (CSP): this file finds #marker-svg and changes its viewBox. */
(function () {
  "use strict";

  function setup() {
    var svg = document.getElementById("marker-svg");
    if (!svg || svg.dataset.jxZoom) { return; }
    svg.dataset.jxZoom = "1";
    svg.setAttribute("width", "100%");
    var home = svg.getAttribute("viewBox").split(/[\s,]+/).map(Number);
    var box = home.slice();
    var drag = null;

    function apply() { svg.setAttribute("viewBox", box.map(function (v) { return v.toFixed(3); }).join(" ")); }

    function zoom(factor, cx, cy) {
      var w = box[2] * factor, h = box[3] * factor;
      if (w > home[2] * 1.5 || w < home[2] / 200) { return; }
      if (cx === undefined) { cx = box[0] + box[2] / 2; cy = box[1] + box[3] / 2; }
      box = [cx - (cx - box[0]) * factor, cy - (cy - box[1]) * factor, w, h];
      apply();
    }

    function toSvg(evt) {
      var rect = svg.getBoundingClientRect();
      return [box[0] + (evt.clientX - rect.left) / rect.width * box[2],
              box[1] + (evt.clientY - rect.top) / rect.height * box[3]];
    }

    svg.addEventListener("wheel", function (evt) {
      evt.preventDefault();
      var p = toSvg(evt);
      zoom(evt.deltaY < 0 ? 0.8 : 1.25, p[0], p[1]);
    }, { passive: false });
    svg.addEventListener("pointerdown", function (evt) {
      drag = { x: evt.clientX, y: evt.clientY, box: box.slice() };
      svg.setPointerCapture(evt.pointerId);
    });
    svg.addEventListener("pointermove", function (evt) {
      if (!drag) { return; }
      var rect = svg.getBoundingClientRect();
      box[0] = drag.box[0] - (evt.clientX - drag.x) / rect.width * box[2];
      box[1] = drag.box[1] - (evt.clientY - drag.y) / rect.height * box[3];
      apply();
    });
    svg.addEventListener("pointerup", function () { drag = null; });
    svg.addEventListener("mouseover", function (evt) {
      var piece = evt.target.closest ? evt.target.closest("path.piece") : null;
      var out = document.getElementById("marker-hover");
      if (piece && out) {
        out.textContent = piece.dataset.piece + " " + piece.dataset.size +
          (piece.dataset.mirrored === "true" ? " (R)" : "") + " · " + piece.dataset.rotation + "°";
      }
    });
    var zin = document.getElementById("zoom-in");
    var zout = document.getElementById("zoom-out");
    var reset = document.getElementById("zoom-reset");
    if (zin) { zin.addEventListener("click", function () { zoom(0.67); }); }
    if (zout) { zout.addEventListener("click", function () { zoom(1.5); }); }
    if (reset) { reset.addEventListener("click", function () { box = home.slice(); apply(); }); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
}());
