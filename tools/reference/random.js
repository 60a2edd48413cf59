'use strict';
// A seeded 32-bit generator (splitmix32 steps): the corpus and the reference decodings must not depend on Math.random
// or the Node version, so that regenerating them gives the committed files byte for byte.
module.exports = function seeded(seed) {
  let state = seed | 0;
  return function next() {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
};
