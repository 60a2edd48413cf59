#!/usr/bin/env node
// Load test for `vlmforge serve` over loopback, with plain fetch (Node 18+, no packages):
//   node scripts/serve-load.mjs --url http://127.0.0.1:8000/v1 --model NAME --images DIR [--requests 200] [--concurrency 16] [--max-tokens 16]
// First asks each distinct (image, question) once, alone, then sends --requests requests, --concurrency at a time,
// greedy (temperature 0), and checks that none is lost and every batched answer equals the answer alone.
// Prints p50/p99 latency and generated tokens/s; the last line is a JSON summary. Exit code 1 when any was lost or differed.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
  arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs, []));
const url = args.url ?? 'http://127.0.0.1:8000/v1';
const requests = Number(args.requests ?? 200);
const concurrency = Number(args.concurrency ?? 16);
const maxTokens = Number(args['max-tokens'] ?? 16);
if (!args.model || !args.images) {
  console.error('usage: node scripts/serve-load.mjs --url URL --model NAME --images DIR|FILE [--requests N] [--concurrency C] [--max-tokens T]');
  process.exit(2);
}
const files = statSync(args.images).isDirectory()
  ? readdirSync(args.images).filter(f => /\.(png|jpe?g)$/i.test(f)).sort().slice(0, 4).map(f => join(args.images, f))
  : [args.images];
const questions = ['What color is the shape?', 'Describe the image.'];
const prompts = files.flatMap(file => questions.map(question => ({
  question,
  image: `data:image/${file.toLowerCase().endsWith('png') ? 'png' : 'jpeg'};base64,${readFileSync(file).toString('base64')}`,
})));

async function ask(prompt) {
  const started = performance.now();
  const response = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: args.model, temperature: 0, max_tokens: maxTokens,
      messages: [{ role: 'user', content: [{ type: 'text', text: prompt.question }, { type: 'image_url', image_url: { url: prompt.image } }] }],
    }),
  });
  const body = await response.json();
  return { status: response.status, ms: performance.now() - started, text: body.choices?.[0]?.message?.content, tokens: body.usage?.completion_tokens ?? 0, body };
}

const expected = [];
for (const prompt of prompts) {
  const alone = await ask(prompt);
  if (alone.status !== 200) { console.error(`reference request failed: ${alone.status} ${JSON.stringify(alone.body)}`); process.exit(1); }
  expected.push(alone.text);
}

const results = [];
let next = 0;
const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (next < requests) {
    const index = next++;
    try {
      const result = await ask(prompts[index % prompts.length]);
      results.push({ ...result, index });
    } catch (error) {
      results.push({ status: 0, ms: 0, index, error: String(error) });
    }
  }
}));
const seconds = (performance.now() - started) / 1000;

const ok = results.filter(r => r.status === 200);
const mismatched = ok.filter(r => r.text !== expected[r.index % prompts.length]);
const latencies = ok.map(r => r.ms).sort((a, b) => a - b);
const percentile = p => latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)] : NaN;
const tokens = ok.reduce((sum, r) => sum + r.tokens, 0);
const summary = {
  requests, concurrency, ok: ok.length, lost: requests - ok.length, mismatched: mismatched.length,
  p50_ms: Math.round(percentile(0.5)), p99_ms: Math.round(percentile(0.99)),
  tokens, seconds: Number(seconds.toFixed(2)), tokens_per_s: Number((tokens / seconds).toFixed(1)),
  requests_per_s: Number((ok.length / seconds).toFixed(2)),
};
console.log(`${summary.ok}/${requests} answered (${summary.lost} lost, ${summary.mismatched} differ from the answer alone) in ${summary.seconds} s`);
console.log(`latency p50 ${summary.p50_ms} ms, p99 ${summary.p99_ms} ms; ${summary.tokens_per_s} generated tokens/s, ${summary.requests_per_s} requests/s`);
for (const r of results.filter(r => r.status !== 200).slice(0, 3)) console.log(`failed: ${r.status} ${r.error ?? JSON.stringify(r.body)}`);
console.log(JSON.stringify(summary));
process.exit(summary.lost === 0 && summary.mismatched === 0 ? 0 : 1);
