// Saving bytes from the kernel (or a canvas) as a file in the browser: a Blob behind a clicked link.

/** Save ``blob`` as a download called ``name``. */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000); // the browser may read it after the click returns
}
