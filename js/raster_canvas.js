// RasterCanvas front end (anywidget): draws spikes on a canvas from binary chunks, appending as
// they arrive, so rasters far larger than an SVG scatter can hold stay fast.
import { appendChunk, createStore, decodeChunk, missedSpikes, pixels, plotArea } from "./raster_logic.js";
import { saveBlob } from "./download.js";

const RETRY_MS = 10000; // a request for everything unanswered this long is sent again

/** The first opaque background colour from ``node`` up the page (white if none is set). */
function pageBackground(node) {
  for (let at = node; at && at.nodeType === 1; at = at.parentElement) {
    const colour = getComputedStyle(at).backgroundColor;
    if (colour && colour !== "transparent" && !/rgba\(.*,\s*0\)$/.test(colour)) return colour;
  }
  return "#ffffff";
}

/** @param {{ model: any, el: HTMLElement }} context */
function render({ model, el }) {
  const canvas = document.createElement("canvas");
  canvas.className = "bp-raster-canvas";
  canvas.style.maxWidth = "100%"; // a narrow notebook column shows the whole raster, scaled down
  el.appendChild(canvas);
  const context = canvas.getContext("2d");
  let store = createStore();

  const area = () => plotArea(model.get("width"), model.get("height"), model.get("font_size"));
  const view = () => ({ t0: model.get("t_start"), t1: model.get("t_end"), n: model.get("n_neurons"), ...area() });

  // an empty colour follows the page: the text colour of the theme (dark on light, light on dark)
  const ink = () => model.get("color") || getComputedStyle(el).color || "#222";

  const drawChunk = (chunk) => {
    const xy = pixels(chunk, view());
    context.fillStyle = ink();
    const size = model.get("marker_size");
    for (let k = 0; k < xy.length; k += 2) context.fillRect(xy[k], xy[k + 1] - size / 2, size, size);
  };

  const drawFrame = () => {
    // a quiet frame round the plot area; the axes' labels in bands above and below it, never over a spike
    const box = area();
    canvas.dataset.plotArea = [box.left, box.top, box.width, box.height].join(",");
    context.save();
    context.globalAlpha = 0.35;
    context.strokeStyle = ink();
    context.strokeRect(box.left - 0.5, box.top - 0.5, box.width + 1, box.height + 1);
    context.globalAlpha = 0.8;
    context.fillStyle = ink();
    context.font = `${model.get("font_size")}px sans-serif`;
    context.textBaseline = "bottom";
    const below = canvas.height - 1;
    context.fillText(`${model.get("t_start")}`, 2, below);
    const end = `${model.get("t_end")}`;
    context.fillText(end, canvas.width - 2 - context.measureText(end).width, below);
    const axis = "time (ms)";
    context.fillText(axis, (canvas.width - context.measureText(axis).width) / 2, below);
    context.textBaseline = "top";
    context.fillText(`neuron index (0-${model.get("n_neurons") - 1})`, 2, 1);
    context.restore();
  };

  const redraw = () => {
    canvas.width = model.get("width");
    canvas.height = model.get("height");
    context.clearRect(0, 0, canvas.width, canvas.height);
    drawFrame();
    drawChunk({ times: store.times.subarray(0, store.length), indices: store.indices.subarray(0, store.length) });
    canvas.dataset.drawn = String(store.length);
    model.set("drawn", store.length);
    model.save_changes();
  };

  // Everything is asked for when the view opens, and again whenever a chunk shows that some were missed; a
  // request without an answer (a clear) is repeated, as a page that connects as the kernel streams may lose one.
  let asked = null;
  const askForAll = () => {
    if (asked !== null) return;
    model.send({ type: "request_all" });
    asked = setTimeout(() => { asked = null; askForAll(); }, RETRY_MS);
  };

  const onMessage = (msg, buffers) => {
    if (msg.type === "clear") {
      if (asked !== null) clearTimeout(asked);
      asked = null;
      store = createStore();
      redraw();
    } else if (msg.type === "append") {
      const chunk = decodeChunk(buffers[0], buffers[1]);
      store = appendChunk(store, chunk);
      drawChunk(chunk);
      canvas.dataset.drawn = String(store.length);
      model.set("drawn", store.length);
      model.save_changes();
      if (missedSpikes(store.length, msg.total)) askForAll();
    } else if (msg.type === "save_png") {
      // the spikes over the page's own background: a transparent PNG of dark ink vanishes in a dark viewer
      const sheet = document.createElement("canvas");
      sheet.width = canvas.width;
      sheet.height = canvas.height;
      const paper = sheet.getContext("2d");
      paper.fillStyle = pageBackground(el);
      paper.fillRect(0, 0, sheet.width, sheet.height);
      paper.drawImage(canvas, 0, 0);
      sheet.toBlob((blob) => blob && saveBlob(blob, String(msg.name || "raster.png")), "image/png");
    }
  };

  model.on("msg:custom", onMessage);
  for (const name of ["t_start", "t_end", "n_neurons", "width", "height", "color", "marker_size", "font_size"]) {
    model.on(`change:${name}`, redraw);
  }
  redraw();
  askForAll();
  return () => {
    if (asked !== null) clearTimeout(asked);
    model.off("msg:custom", onMessage);
    canvas.remove();
  };
}

export default { render };
