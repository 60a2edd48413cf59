// Drives `vlmforge serve` with the official `openai` npm client (installed by .ci/run into artifacts/node).
// usage: node openai-client.cjs <openai module folder> <base url> <model> <png file>
// Prints one JSON object: the models listed, a plain answer, the streamed answer, and the error of a bad image.
const [modulePath, baseURL, model, png] = process.argv.slice(2);
const openai = require(modulePath);
const OpenAI = openai.OpenAI ?? openai.default ?? openai;
const fs = require('node:fs');

const client = new OpenAI({ baseURL, apiKey: 'not-needed', maxRetries: 0 });
const image = `data:image/png;base64,${fs.readFileSync(png).toString('base64')}`;
const messages = url => [{ role: 'user', content: [{ type: 'text', text: 'What color is the circle?' }, { type: 'image_url', image_url: { url } }] }];

(async () => {
  const models = [];
  for await (const m of client.models.list()) models.push(m.id);
  const plain = await client.chat.completions.create({ model, messages: messages(image) });
  let streamed = '';
  let finish = null;
  const stream = await client.chat.completions.create({ model, messages: messages(image), stream: true });
  for await (const chunk of stream) {
    streamed += chunk.choices[0]?.delta?.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  let error = null;
  try {
    await client.chat.completions.create({ model, messages: messages('data:image/png;base64,!!!') });
  } catch (e) {
    error = { status: e.status, type: e.type ?? e.error?.type, param: e.param ?? e.error?.param, isApiError: e instanceof OpenAI.APIError };
  }
  console.log(JSON.stringify({ models, plain: plain.choices[0].message.content, usage: plain.usage, streamed, finish, error }));
})().catch(e => { console.error(e); process.exit(1); });
