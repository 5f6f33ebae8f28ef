// Prints how JS RegExp ('u' flag, this Node's ICU) classes every code point for tiktoken's split
// patterns, as runs "first last flags" (hex, hex, decimal), flags as in core/context/pretokenizer.h:
// 1 \p{L}, 2 \p{N}, 4 \s, 8 [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}], 16 [\p{Ll}\p{Lm}\p{Lo}\p{M}].
// The first line is "unicode <version>". Used by tests/unit/context/tst_tokenizer.cpp.
const classes = [
    [1, /^\p{L}$/u],
    [2, /^\p{N}$/u],
    [4, /^\s$/u],
    [8, /^[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]$/u],
    [16, /^[\p{Ll}\p{Lm}\p{Lo}\p{M}]$/u],
];
const out = [`unicode ${process.versions.unicode}`];
let runStart = 0;
let runFlags = -1;
for (let cp = 0; cp <= 0x110000; ++cp) {
    let flags = -2;
    if (cp <= 0x10ffff) {
        const s = String.fromCodePoint(cp);
        flags = 0;
        for (const [bit, re] of classes)
            if (re.test(s))
                flags |= bit;
    }
    if (flags !== runFlags) {
        if (runFlags >= 0)
            out.push(`${runStart.toString(16)} ${(cp - 1).toString(16)} ${runFlags}`);
        runStart = cp;
        runFlags = flags;
    }
}
process.stdout.write(out.join('\n') + '\n');
