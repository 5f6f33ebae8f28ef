// Reference counts for tests/unit/context/tst_tokenizer.cpp, from js-tiktoken itself.
//   node tiktoken_counts.mjs <node_modules dir> <input.json>
// input.json: {"encodings": ["cl100k_base", …], "texts": [{"u16": base64 of UTF-16LE code units}
// or {"u8": base64 of raw bytes, decoded like TextDecoder does}, optional "ids": true], …]}
// Prints {"unicode": version, "results": {encoding: [[count] or [count, [ids…]], …]}}. Special
// tokens are plain text: encode(text, [], []).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [modules, inputPath] = process.argv.slice(2);
const dist = path.join(modules, 'js-tiktoken', 'dist');
const { Tiktoken } = await import(pathToFileURL(path.join(dist, 'lite.js')).href);
const input = JSON.parse(readFileSync(inputPath, 'utf8'));

function textOf(item) {
    if (item.u8 !== undefined)
        return new TextDecoder('utf-8').decode(Buffer.from(item.u8, 'base64'));
    const bytes = Buffer.from(item.u16, 'base64');
    let text = '';
    for (let i = 0; i + 1 < bytes.length; i += 2) // code unit by code unit: lone surrogates survive
        text += String.fromCharCode(bytes[i] | (bytes[i + 1] << 8));
    return text;
}

const texts = input.texts.map(textOf);
const results = {};
for (const name of input.encodings) {
    const ranks = (await import(pathToFileURL(path.join(dist, 'ranks', `${name}.js`)).href)).default;
    const encoder = new Tiktoken(ranks);
    results[name] = texts.map((text, i) => {
        const ids = encoder.encode(text, [], []);
        return input.texts[i].ids ? [ids.length, ids] : [ids.length];
    });
}
process.stdout.write(JSON.stringify({ unicode: process.versions.unicode, results }) + '\n');
