// How hard a new passphrase is to guess, roughly, for the feedback while the seller types it.
// The vault's only rule is its length (the agent's min_passphrase); this estimate advises.
// Guessers try common passwords, dictionary words, keyboard runs and repeats first, so those
// count for little: a word is worth what a pick from a large dictionary is, a run like "abc"
// or "111" one character, a Chinese character what a common one in a sentence is.

// Common passwords and the words a seller's would be built on: about one guess-list pick.
const COMMON = ["password", "passw0rd", "123456", "1234567890", "qwerty", "asdf", "zxcv", "abc123",
                "iloveyou", "woaini", "admin", "welcome", "letmein", "iprdesk", "joom", "vault",
                "000000", "111111", "666666", "888888", "520520", "147258", "abcdef"];
const BITS = { common: 6, wordMax: 16, letter: Math.log2(26), digit: Math.log2(10), han: 8,
               other: 5, capital: 1 };
const TOKEN = /\p{Script=Latin}+|\p{Nd}+|\p{Script=Han}|[^]/gu;

// Characters of a run that tell a guesser something: not a repeat, not the next of a sequence.
function fresh(run) {
  const chars = [...run];
  return chars.filter((c, i) => !i || Math.abs(c.codePointAt(0) - chars[i - 1].codePointAt(0)) > 1).length;
}

function bitsOf(passphrase) {
  let bits = 0;
  let text = passphrase;
  for (const word of COMMON) {
    const pattern = new RegExp(word, "gi");
    bits += (text.match(pattern) || []).length * BITS.common;
    text = text.replace(pattern, " ");
  }
  // Capitals inside a word (not only the first letter) make it a little harder.
  bits += (text.match(/\p{Ll}\p{Lu}/gu) || []).length * BITS.capital;
  for (const token of text.toLowerCase().match(TOKEN) || []) {
    if (/^\p{Script=Latin}/u.test(token)) bits += Math.min(fresh(token) * BITS.letter, BITS.wordMax);
    else if (/^\p{Nd}/u.test(token)) bits += fresh(token) * BITS.digit;
    else if (/^\p{Script=Han}$/u.test(token)) bits += BITS.han;
    else if (token !== " " || bits) bits += token === " " ? 1 : BITS.other;
  }
  return bits;
}

// { level: "short" | "weak" | "fair" | "good" | "strong", score: 0..4 }
export function passphraseStrength(passphrase, minimum) {
  const chars = [...passphrase];
  if (chars.length < minimum) return { level: "short", score: 0 };
  const bits = bitsOf(passphrase);
  if (new Set(chars).size < 5 || bits < 36) return { level: "weak", score: 1 };
  if (bits < 56) return { level: "fair", score: 2 };
  if (bits < 76) return { level: "good", score: 3 };
  return { level: "strong", score: 4 };
}
