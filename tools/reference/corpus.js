#!/usr/bin/env node
// Writes the adversarial tokenizer corpus: one JSON string per line. Deterministic (own PRNG, fixed seed), no
// dependencies, so the committed corpus can be regenerated and compared byte for byte.
//   node tools/reference/corpus.js [out-file]
'use strict';
const fs = require('fs');
const path = require('path');

const out = process.argv[2] ?? path.join(__dirname, '../../tests/VlmForge.Data.Tests/Tokenization/Reference/corpus.jsonl');

const next = require('./random')(0x13579bdf);
const int = (n) => next() % n;
const pick = (list) => list[int(list.length)];
const repeat = (text, n) => Array.from({ length: n }, () => text).join('');
const cp = (...points) => String.fromCodePoint(...points);

const QWEN_SPECIALS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>', '<|object_ref_start|>', '<|object_ref_end|>',
  '<|box_start|>', '<|box_end|>', '<|quad_start|>', '<|quad_end|>', '<|vision_start|>', '<|vision_end|>', '<|vision_pad|>',
  '<|image_pad|>', '<|video_pad|>', '<tool_call>', '</tool_call>', '<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>',
  '<|fim_pad|>', '<|repo_name|>', '<|file_sep|>', '<tool_response>', '</tool_response>', '<think>', '</think>'];
const LLAMA_SPECIALS = ['<|begin_of_text|>', '<|end_of_text|>', '<|start_header_id|>', '<|end_header_id|>', '<|eot_id|>',
  '<|reserved_special_token_0|>', '<|reserved_special_token_250|>', '<|finetune_right_pad_id|>', '<|eom_id|>', '<|python_tag|>'];
const SPECIALS = [...QWEN_SPECIALS, ...LLAMA_SPECIALS];
// Near misses: text that starts like a special token but is not one.
const NEAR_SPECIALS = ['<|im_end|', '<|im_end|>>', '<<|im_start|>', '<|IM_END|>', '< |im_end|>', '<|image_pad', '|>', '<|',
  '<tool_call', '</tool_call >', '<|vision_start|><', '<|eot_id|><|eot_id'];

const WORDS = ['the', 'cat', 'The', 'CAT', 'hello', 'world', 'grounding', 'phrase', 'box', 'red', 'circle', 'left', 'of',
  'a', 'I', 'x', 'naïve', 'café', 'Straße', 'façade', 'résumé', 'über', 'Ελληνικά', 'русский', 'język', 'čeština',
  'Türkçe', 'İstanbul', 'ǅemal', 'ﬁne', 'ŉ', 'ǰ', 'DŽ', 'ﬀ', 'ß', 'ı', 'İ', 'tschüß', 'עברית', 'العربية', 'हिन्दी',
  'ภาษาไทย', 'ქართული', 'Հայերեն', 'ᐃᓄᒃᑎᑐᑦ', 'ꦧꦱꦗꦮ', 'Ⅻ', 'ⅷ', 'token', 'tokenizer', 'Qwen', 'Llama'];
const CJK = ['中文', '汉字', '你好，世界！', '一二三', '東京都', 'ひらがな', 'カタカナ', 'ｶﾀｶﾅ', '한국어', '안녕하세요', '「引用」',
  '（括弧）', '。', '、', '・', 'ー', '〜', '龍', '𠀀𠀁', '𪚥', '𩸽', '丶', '々', '〇', '㐀', '﨑', '髙', '이것은 테스트입니다', '中文English混合', '１２３',
  'ＡＢＣ', 'ｱｲｳ'];
const EMOJI = ['😀', '👍', '👍🏽', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🇫🇷', '🇯🇵🇺🇸', '1️⃣', '#️⃣', '❤️', '❤', '☺︎', '🧑🏿‍🚀', '👩‍💻',
  '🫠', '🦄', '🤷‍♀️', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '©️', '™', '⌚', '🀄', '🃏', '‍', '️', '🏻'];
// Astral letters and digits: \p{L} / \p{N} outside the BMP (math alphanumerics, Deseret with case, Gothic, Brahmi).
const ASTRAL = [cp(0x1d400, 0x1d401, 0x1d402), cp(0x1d7cf), cp(0x1d7ce, 0x1d7cf, 0x1d7d0), cp(0x1d7d8, 0x1d7d9), cp(0x10400, 0x10428),
  cp(0x10330, 0x10331, 0x10332), cp(0x10341), cp(0x1104a), cp(0x11066, 0x11067), cp(0x1d49c), cp(0x1d538, 0x1d539), cp(0x20000),
  cp(0x1f100), cp(0x1f101, 0x1f102), cp(0x12000, 0x12001), cp(0x1e900, 0x1e922), cp(0x16a40), cp(0x1d360, 0x1d361),
  cp(0x10107), cp(0x1f130), cp(0x1d7ff), cp(0x104a0, 0x104a1), cp(0x1e950), cp(0xe0041), cp(0x1f3fb)];
const COMBINING = ['\u0301', '\u0308', '\u0338', '\u0323\u0302', '\u20dd', '\u0903', '\u064b', '\u0e31', '\u302a',
  '\u1ab0', cp(0x1d165), cp(0x1d167, 0x1d168), '\ufe0f', '\u200d', '\u200c', '\u034f'];
// Text whose NFC form differs from itself (composition, singletons, reordering, Hangul jamo).
const NFC_CASES = ['e\u0301', 'A\u030a', '\u212b', '\u2126', '\u212a', 'a\u0323\u0302', 'a\u0302\u0323', '\u1100\u1161\u11a8',
  '\u0344', '\u0958', 'o\u0308\u0304', '\u1e9b\u0323', 'n\u0303', '\u00c5\u0301', '\u0915\u093c', '\u2000', '\u2329', '\ufb2a',
  'ﬃ', '\uf900', '\u0340', '\u1f71', '\u0374'];
const WHITESPACE = [' ', '  ', '   ', '\t', '\t\t', '\n', '\n\n', '\r\n', '\r', ' \n', '\n ', ' \t ', '\u00a0', '\u3000',
  '\u2009', '\u200b', '\u2028', '\u2029', '\u000b', '\u000c', '\u0085', '\u1680', '\u202f', '\u205f', '\ufeff'];
const PUNCT = ['.', ',', '!', '?', ';', ':', '-', '--', '...', '…', '"', "'", '`', '(', ')', '[', ']', '{', '}', '<', '>', '/',
  '\\', '|', '_', '@', '#', '$', '%', '^', '&', '*', '+', '=', '~', '’', '“', '”', '«', '»', '¿', '¡', '§', '¶', '€', '£',
  '¥', '₹', '°', '±', '×', '÷', '→', '⇒', '∑', '√', '∞', '≠', '≤', '■', '●', '★', '♪', '✓'];
const NUMBERS = ['0', '7', '42', '123', '1234', '12345', '1234567890', '3.14159', '-0.5', '1e-4', '2E+10', '1,234,567',
  '1_000_000', '0x1F', '0b1010', '007', '99%', '$12.50', '€3,50', '10:45', '2026-12-03', '192.168.0.1', '+49 30 1234567',
  '½', '¾', '²', '³', '⁴', '₂', '①', '⑳', '٣٤٥', '۱۲', '१२३', '๑๒', '１２３', 'Ⅳ', 'ⅻ', '〇', '〺', '𝟏𝟐𝟑', cp(0x11066),
  '3rd', 'v2.5', 'x86_64', 'COVID-19', '1.0.0-beta.1'];
const CONTRACTIONS = ["don't", "DON'T", "it's", "It'S", "we've", "WE'VE", "they're", "I'm", "I'M", "you'll", "YOU'LL",
  "he'd", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "''s", "'S", "o'clock", "rock'n'roll", "y'all'd've", "can’t",
  "it’s", " 's", "'s's", "'sss", "Jones'", "'tis"];
const CODE = ['def f(x):\n    return x * 2\n', 'for (int i = 0; i < n; ++i) {\n\tsum += a[i];\n}', '    if x:\n        pass',
  'SELECT * FROM t WHERE id = 1;', '<div class="a">b</div>', 'const s = `a${b}c`;', '#include <stdio.h>', 'x => x.y?.z ?? 0',
  'a+=1;b-=2', 'fn main() { println!("{}", 1); }', '{"a": [1, 2.5, null, true], "b": {"c": "d"}}', '\\n\\t\\u0041',
  '// comment\n/* block */', 'https://example.com/path?q=1&r=%20#frag', 'user@example.org', 'C:\\Program Files\\x.exe'];
const GROUNDING = ['{"phrase_grounding": {"sentence": "A red car", "groundings": [{"phrase": "A red car", "grounding": [[120, 340, 580, 670]]}]}}',
  '<|object_ref_start|>the cat<|object_ref_end|><|box_start|>(12,34),(56,78)<|box_end|>',
  '[{"bbox_2d": [10, 20, 300, 400], "label": "dog"}]', '{"phrase_grounding":{"sentence":"","groundings":[]}}',
  '[[0, 0, 1023, 767]]', '{"x1": 0.125, "y1": 0.5}'];

const corpus = [];
const seen = new Set();
function add(text) {
  if (text.length > 0 && !seen.has(text)) {
    seen.add(text);
    corpus.push(text);
  }
}

// 1. Every fixed piece alone, and with a leading space (the pre-tokenizers treat " x" differently from "x").
for (const list of [WORDS, CJK, EMOJI, ASTRAL, NFC_CASES, WHITESPACE, PUNCT, NUMBERS, CONTRACTIONS, CODE, GROUNDING,
  SPECIALS, NEAR_SPECIALS]) {
  for (const piece of list) {
    add(piece);
    add(' ' + piece);
    add(piece + ' ');
  }
}

// 2. Combining marks and NFC cases next to every special token, on both sides (NFC must not eat a special token).
for (const special of SPECIALS) {
  for (const mark of COMBINING) {
    add(special + mark);
    add(mark + special);
  }

  add('e' + special + '\u0301');
  add(pick(NFC_CASES) + special + pick(NFC_CASES));
  add(special + special);
  add(special + ' ' + special);
  add(special + '\n' + pick(WORDS));
  add(pick(ASTRAL) + special + pick(ASTRAL));
  add(pick(EMOJI) + special);
}

// 3. Whitespace runs of every shape between words, digits and punctuation, and at the ends.
for (let i = 0; i < 500; i++) {
  const run = Array.from({ length: 1 + int(4) }, () => pick(WHITESPACE)).join('');
  const left = pick([pick(WORDS), pick(NUMBERS), pick(PUNCT), pick(CJK), '', pick(ASTRAL)]);
  const right = pick([pick(WORDS), pick(NUMBERS), pick(PUNCT), pick(CJK), '', pick(ASTRAL)]);
  add(left + run + right);
  add(repeat(pick([' ', '\t', '\n', '\u00a0']), 1 + int(40)) + pick(WORDS));
}

// 4. Numbers in context: runs of every length, digits glued to letters, astral and non-ASCII digits.
for (let i = 0; i < 400; i++) {
  const digits = Array.from({ length: 1 + int(25) }, () => String(int(10))).join('');
  add(digits);
  add(pick(WORDS) + digits + pick(WORDS));
  add(pick(NUMBERS) + pick(['', ' ', '-', '.', ',']) + pick(NUMBERS));
  add(pick(ASTRAL) + digits + pick(ASTRAL));
}

// 5. Contractions in sentences, in both cases, straight and curly apostrophes.
for (let i = 0; i < 250; i++) {
  add(`${pick(WORDS)} ${pick(CONTRACTIONS)} ${pick(WORDS)}${pick(PUNCT)}`);
  add(pick(CONTRACTIONS) + pick(CONTRACTIONS));
}

// 6. Long words (the BPE merges a long chain; Qwen's regex keeps a letter run whole).
for (let i = 0; i < 120; i++) {
  const word = Array.from({ length: 30 + int(300) }, () => pick(['a', 'b', 'e', 't', 'h', 'n', 'é', 'ö', 'x', 'z'])).join('');
  add(word);
  add(' ' + word);
  add(repeat(pick(['a', 'ab', 'the', '=', '-', '0', '中', '😀', cp(0x1d400), 'é']), 20 + int(200)));
}

// 7. Random mixtures of everything: the cases nobody thought of.
const POOLS = [WORDS, CJK, EMOJI, ASTRAL, COMBINING, NFC_CASES, WHITESPACE, PUNCT, NUMBERS, CONTRACTIONS, SPECIALS, NEAR_SPECIALS];
for (let i = 0; i < 1600; i++) {
  const parts = Array.from({ length: 1 + int(12) }, () => pick(pick(POOLS)));
  add(parts.join(pick(['', '', ' ', pick(WHITESPACE)])));
}

// 8. Random code points from chosen planes and blocks (letters, marks, digits, symbols; no lone surrogates).
const RANGES = [[0x20, 0x7e], [0xa0, 0x24f], [0x300, 0x36f], [0x370, 0x3ff], [0x400, 0x4ff], [0x590, 0x6ff], [0x900, 0x97f],
  [0xe00, 0xe7f], [0x1100, 0x11ff], [0x2000, 0x206f], [0x2100, 0x218f], [0x2460, 0x24ff], [0x3000, 0x30ff], [0x4e00, 0x4f00],
  [0xac00, 0xad00], [0xfb00, 0xfb4f], [0xff00, 0xffef], [0x10000, 0x1007f], [0x10400, 0x1044f], [0x1d400, 0x1d7ff],
  [0x1f300, 0x1faff], [0x20000, 0x20100], [0xe0000, 0xe007f]];
for (let i = 0; i < 800; i++) {
  const [low, high] = pick(RANGES);
  const n = 1 + int(10);
  let text = '';
  for (let k = 0; k < n; k++) {
    const [a, b] = int(3) === 0 ? pick(RANGES) : [low, high];
    text += String.fromCodePoint(a + int(b - a + 1));
  }

  add(text);
}

fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, corpus.map((text) => JSON.stringify(text)).join('\n') + '\n');
console.log(`${corpus.length} strings -> ${out}`);
