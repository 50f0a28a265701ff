import assert from "node:assert/strict";
import { test } from "node:test";
import { appendChunk, createStore, decodeChunk, missedSpikes, pixels, plotArea, scaleX, scaleY, toArrayBuffer } from "./raster_logic.js";

function chunkBuffers(times, indices) {
  // a DataView at an odd offset, as a comm message may deliver it
  const raw = new ArrayBuffer(1 + times.length * 4 + indices.length * 4);
  const t = new Float32Array(times);
  const i = new Int32Array(indices);
  new Uint8Array(raw, 1, t.byteLength).set(new Uint8Array(t.buffer));
  new Uint8Array(raw, 1 + t.byteLength, i.byteLength).set(new Uint8Array(i.buffer));
  return [new DataView(raw, 1, t.byteLength), new DataView(raw, 1 + t.byteLength, i.byteLength)];
}

test("decodeChunk reads unaligned little-endian buffers", () => {
  const [tb, ib] = chunkBuffers([0.5, 1.5, 2.25], [3, 0, 7]);
  const chunk = decodeChunk(tb, ib);
  assert.deepEqual(Array.from(chunk.times), [0.5, 1.5, 2.25]);
  assert.deepEqual(Array.from(chunk.indices), [3, 0, 7]);
});

test("decodeChunk refuses mismatched lengths", () => {
  const [tb] = chunkBuffers([1, 2], [1, 2]);
  const [, ib] = chunkBuffers([1], [1]);
  assert.throws(() => decodeChunk(tb, ib), /2 times but 1 indices/);
});

test("appendChunk grows the store and keeps order", () => {
  let store = createStore(2);
  for (let c = 0; c < 5; c++) {
    store = appendChunk(store, { times: new Float32Array([c, c + 0.5, c + 0.75]), indices: new Int32Array([c, c, c]) });
  }
  assert.equal(store.length, 15);
  assert.ok(store.times.length >= 15);
  assert.equal(store.times[3], 1);
  assert.equal(store.indices[14], 4);
});

test("toArrayBuffer copies exactly the viewed bytes", () => {
  const raw = new Uint8Array([9, 1, 2, 3, 9]);
  assert.deepEqual(Array.from(new Uint8Array(toArrayBuffer(new DataView(raw.buffer, 1, 3)))), [1, 2, 3]);
});

test("scaling maps times to columns and neuron 0 to the bottom row", () => {
  assert.equal(scaleX(50, 0, 100, 200), 100);
  assert.equal(scaleX(5, 10, 10, 200), 0);
  assert.equal(scaleY(0, 10, 100), 95);
  assert.equal(scaleY(9, 10, 100), 5);
});

test("pixels drops spikes outside the view", () => {
  const chunk = { times: new Float32Array([-1, 10, 20, 30]), indices: new Int32Array([0, 1, 5, 2]) };
  const xy = pixels(chunk, { t0: 0, t1: 25, n: 4, width: 100, height: 40 });
  assert.deepEqual(Array.from(xy), [40, 25]);
});

test("the plot area leaves a band for the labels above and below, growing with the font", () => {
  const small = plotArea(640, 260, 11);
  const large = plotArea(640, 260, 18);
  assert.ok(small.top >= 11 * 1.3 && large.top >= 18 * 1.3 && large.top > small.top);
  for (const box of [small, large]) {
    assert.equal(box.top + box.height + box.top, 260); // as much room below as above
    assert.deepEqual([box.left, box.width], [1, 638]);
  }
  assert.equal(plotArea(100, 10, 18).height, 0); // too small a canvas: no area, not a negative one
});

test("pixels of a view with a plot area land inside it", () => {
  const chunk = { times: new Float32Array([0, 25]), indices: new Int32Array([0, 3]) };
  const area = plotArea(102, 100, 10);
  const xy = pixels(chunk, { t0: 0, t1: 25, n: 4, ...area });
  assert.deepEqual(Array.from(xy), [1, area.top + area.height * 7 / 8, 101, area.top + area.height / 8]);
});

test("missedSpikes sees a view that holds fewer or more spikes than the kernel", () => {
  assert.equal(missedSpikes(10, 10), false);
  assert.equal(missedSpikes(4, 10), true); // opened as chunks were streamed: the first ones never came
  assert.equal(missedSpikes(12, 10), true);
  assert.equal(missedSpikes(0, 0), false);
  assert.equal(missedSpikes(5, undefined), false); // a message without a total is trusted
});
