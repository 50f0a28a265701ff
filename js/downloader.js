// Downloader front end (anywidget): each {type: "download", name, mime} message with one buffer becomes a file.
import { saveBlob } from "./download.js";

/** @param {{ model: any, el: HTMLElement }} context */
function render({ model, el }) {
  el.classList.add("bp-downloader");
  const onMessage = (msg, buffers) => {
    if (msg && msg.type === "download" && buffers && buffers.length === 1) {
      saveBlob(new Blob([buffers[0]], { type: String(msg.mime || "application/octet-stream") }), String(msg.name));
      model.set("saved", model.get("saved") + 1);
      model.save_changes();
    }
  };
  model.on("msg:custom", onMessage);
  return () => model.off("msg:custom", onMessage);
}

export default { render };
