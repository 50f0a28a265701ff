import { test } from "node:test";
import assert from "node:assert/strict";
import { cellColour, FAILED, OK, PENDING, valueRange } from "./sweep_colours.js";

const palette = ["#000", "#111", "#222", "#333"];
const colours = { failed: "#d62728", missing: "#b0b0b0" };

test("the range covers only finite values of cells that ran", () => {
  const values = new Float32Array([5, NaN, -1, 100, 2]);
  const states = new Uint8Array([OK, OK, OK, FAILED, PENDING]);
  assert.deepEqual(valueRange(values, states), [-1, 5]);
  assert.equal(valueRange(values, new Uint8Array(5)), null);
});

test("a cell is coloured by its state, then by its place in the range", () => {
  const range = [0, 10];
  assert.equal(cellColour(0, OK, range, palette, colours), "#000");
  assert.equal(cellColour(10, OK, range, palette, colours), "#333");
  assert.equal(cellColour(5, OK, range, palette, colours), "#222");
  assert.equal(cellColour(5, FAILED, range, palette, colours), "#d62728");
  assert.equal(cellColour(5, PENDING, range, palette, colours), "transparent");
  assert.equal(cellColour(NaN, OK, range, palette, colours), "#b0b0b0");
  assert.equal(cellColour(3, OK, [3, 3], palette, colours), "#222"); // one value: the middle of the palette
});
