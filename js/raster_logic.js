// Pure logic of the raster canvas: decoding binary chunks, growing stores, scaling. No DOM here,
// so node --test can check it.

/**
 * Copy a DataView/ArrayBuffer/TypedArray into a fresh ArrayBuffer (typed arrays need alignment).
 * @param {ArrayBuffer | ArrayBufferView} buffer
 * @returns {ArrayBuffer}
 */
export function toArrayBuffer(buffer) {
  if (buffer instanceof ArrayBuffer) return buffer.slice(0);
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
}

/**
 * Decode one chunk sent by Python: float32 spike times and int32 neuron indices.
 * @param {ArrayBuffer | ArrayBufferView} timesBuffer
 * @param {ArrayBuffer | ArrayBufferView} indicesBuffer
 * @returns {{times: Float32Array, indices: Int32Array}}
 */
export function decodeChunk(timesBuffer, indicesBuffer) {
  const times = new Float32Array(toArrayBuffer(timesBuffer));
  const indices = new Int32Array(toArrayBuffer(indicesBuffer));
  if (times.length !== indices.length) {
    throw new Error(`chunk has ${times.length} times but ${indices.length} indices`);
  }
  return { times, indices };
}

/**
 * An empty store of spikes with room for `capacity` of them.
 * @param {number} capacity
 */
export function createStore(capacity = 1024) {
  return { times: new Float32Array(capacity), indices: new Int32Array(capacity), length: 0 };
}

/**
 * Append a chunk to a store, doubling its capacity when needed; returns the (possibly new) store.
 * @param {{times: Float32Array, indices: Int32Array, length: number}} store
 * @param {{times: Float32Array, indices: Int32Array}} chunk
 */
export function appendChunk(store, chunk) {
  const needed = store.length + chunk.times.length;
  let out = store;
  if (needed > store.times.length) {
    let capacity = Math.max(store.times.length, 1);
    while (capacity < needed) capacity *= 2;
    out = { times: new Float32Array(capacity), indices: new Int32Array(capacity), length: store.length };
    out.times.set(store.times.subarray(0, store.length));
    out.indices.set(store.indices.subarray(0, store.length));
  }
  out.times.set(chunk.times, out.length);
  out.indices.set(chunk.indices, out.length);
  out.length = needed;
  return out;
}

/**
 * Pixel column of time t for a view [t0, t1] drawn `width` pixels wide.
 * @param {number} t @param {number} t0 @param {number} t1 @param {number} width
 */
export function scaleX(t, t0, t1, width) {
  if (!(t1 > t0)) return 0;
  return ((t - t0) / (t1 - t0)) * width;
}

/**
 * Pixel row of neuron i among n, neuron 0 at the bottom, in a canvas `height` pixels tall.
 * @param {number} i @param {number} n @param {number} height
 */
export function scaleY(i, n, height) {
  if (n <= 0) return 0;
  return height - ((i + 0.5) / n) * height;
}

/**
 * The plot area of a raster `width` x `height` pixels whose axis labels are `fontSize` pixels tall: a band
 * above it for the neuron axis, a band below it for the time axis, a pixel for the frame on each side.
 * Spikes are drawn inside it only, so no label covers a spike and a pixel check can tell them apart.
 * @param {number} width @param {number} height @param {number} fontSize
 * @returns {{left: number, top: number, width: number, height: number}}
 */
export function plotArea(width, height, fontSize) {
  const band = Math.ceil(fontSize * 1.3) + 2;
  const inner = Math.max(0, height - 2 * band);
  return { left: 1, top: band, width: Math.max(0, width - 2), height: inner };
}

/**
 * Pixel rectangles of the spikes of a chunk that fall inside the view: [x, y] pairs, offset by the view's
 * `left` and `top` (a plot area inside the canvas; 0 when absent).
 * @param {{times: Float32Array, indices: Int32Array}} chunk
 * @param {{t0: number, t1: number, n: number, width: number, height: number, left?: number, top?: number}} view
 * @returns {Float32Array}
 */
export function pixels(chunk, view) {
  const out = new Float32Array(chunk.times.length * 2);
  let k = 0;
  for (let s = 0; s < chunk.times.length; s++) {
    const t = chunk.times[s];
    const i = chunk.indices[s];
    if (t < view.t0 || t > view.t1 || i < 0 || i >= view.n) continue;
    out[k++] = (view.left || 0) + scaleX(t, view.t0, view.t1, view.width);
    out[k++] = (view.top || 0) + scaleY(i, view.n, view.height);
  }
  return out.subarray(0, k);
}

/**
 * Whether a view holding `length` spikes has missed some: an append message says how many spikes the Python
 * side holds after it (`total`; absent from older messages, which are trusted).
 * @param {number} length @param {number | undefined} total
 */
export function missedSpikes(length, total) {
  return typeof total === "number" && length !== total;
}
