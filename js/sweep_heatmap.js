// SweepHeatmap front end (anywidget): one div per grid point, coloured from a binary array of values and
// one of states, so a point that arrives costs the kernel one array cell and the page one repaint.

import { cellColour, PENDING, valueRange } from "./sweep_colours.js";

/** A typed array over a copy of a synced bytes trait (a DataView, an ArrayBuffer or nothing yet). */
function view(buffer, Type) {
  // a copy, so the array starts on an aligned offset (a DataView into a message may not); this module
  // ships alone, without the raster's buffer helpers
  if (!buffer) return new Type(0);
  if (buffer instanceof ArrayBuffer) return new Type(buffer.slice(0));
  return new Type(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
}

/** @param {{ model: any, el: HTMLElement }} context */
function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "bp-sweep-heatmap";
  root.style.display = "grid"; // items stretch to their cells: a cell's div is as large as its grid cell
  el.appendChild(root);
  let cells = [];

  const label = (text, style) => {
    const node = document.createElement("div");
    node.textContent = text;
    Object.assign(node.style, { fontSize: "10px", whiteSpace: "nowrap", overflow: "hidden" }, style);
    return node;
  };

  const build = () => {
    root.replaceChildren();
    const rows = model.get("n_rows");
    const columns = model.get("n_columns");
    const px = model.get("cell_px");
    const rowLabels = model.get("row_labels");
    const columnLabels = model.get("column_labels");
    // a label every few cells when cells are too small to hold one each
    const every = Math.max(1, Math.ceil(28 / px));
    root.style.gridTemplateColumns = `70px 60px repeat(${columns}, ${px}px)`;
    root.style.gridAutoRows = `${px}px`;
    root.style.gap = px >= 12 ? "1px" : "0";
    cells = new Array(rows * columns);
    for (let shown = 0; shown < rows; shown++) {
      const row = rows - 1 - shown; // the highest row value on top, as on a plot's y axis
      root.appendChild(label(shown === 0 ? model.get("row_name") : "", { fontWeight: "bold", lineHeight: `${px}px` }));
      const tick = (rows - 1 - row) % every === 0 ? rowLabels[row] : "";
      root.appendChild(label(tick, { textAlign: "right", paddingRight: "4px", lineHeight: `${px}px` }));
      for (let column = 0; column < columns; column++) {
        const k = row * columns + column;
        const cell = document.createElement("div");
        cell.className = "bp-sweep-cell";
        cell.style.cursor = "pointer";
        cell.addEventListener("mouseenter", () => model.send({ type: "tip", cell: k }));
        cell.addEventListener("click", () => model.send({ type: "select", cell: k }));
        cells[k] = cell;
        root.appendChild(cell);
      }
    }
    root.appendChild(label("", {}));
    root.appendChild(label("", {}));
    for (let column = 0; column < columns; column++) {
      const text = column % every === 0 ? columnLabels[column] : "";
      root.appendChild(label(text, { textAlign: "left", overflow: "visible" }));
    }
    root.appendChild(label("", {}));
    root.appendChild(label("", {}));
    root.appendChild(label(model.get("column_name"), { fontWeight: "bold", gridColumn: `3 / span ${columns}` }));
    paint();
  };

  const paint = () => {
    const values = view(model.get("values"), Float32Array);
    const states = view(model.get("states"), Uint8Array);
    const palette = model.get("palette");
    const colours = { failed: model.get("failed_color"), missing: model.get("missing_color") };
    const range = valueRange(values, states);
    const selected = model.get("selected");
    for (let k = 0; k < cells.length; k++) {
      const cell = cells[k];
      if (!cell) continue;
      cell.style.backgroundColor = cellColour(values[k], states[k], range, palette, colours);
      cell.style.outline = states[k] === PENDING ? "1px solid rgba(128,128,128,0.25)" : "";
      cell.style.boxShadow = k === selected ? "inset 0 0 0 2px currentColor" : "";
    }
  };

  model.on("change:values", paint);
  model.on("change:states", paint);
  model.on("change:selected", paint);
  for (const name of ["n_rows", "n_columns", "cell_px", "row_labels", "column_labels"]) {
    model.on(`change:${name}`, build);
  }
  model.on("msg:custom", (message) => {
    if (message && message.type === "tip" && cells[message.cell]) cells[message.cell].title = message.text;
  });
  build();
}

export default { render };
