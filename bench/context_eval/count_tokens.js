// Token counter for bench/context_eval: the same BPE (js-tiktoken) whose rank tables MU's
// core/context tokenizer loads, so MU and the BM25 baseline are measured with one ruler.
// Protocol: one JSON string per stdin line in, one integer per stdout line out.
// Usage: node count_tokens.js <path to node_modules/js-tiktoken> [cl100k_base|o200k_base]
'use strict';
const readline = require('readline');

const [, , modulePath, encodingName = 'cl100k_base'] = process.argv;
if (!modulePath) {
    process.stderr.write('usage: node count_tokens.js <js-tiktoken dir> [encoding]\n');
    process.exit(2);
}
const { getEncoding } = require(modulePath);
const encoder = getEncoding(encodingName);

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
    // Special-token text ("<|endoftext|>") in source counts as ordinary text, as MU counts it.
    const text = JSON.parse(line);
    process.stdout.write(`${encoder.encode(text, [], []).length}\n`);
});
