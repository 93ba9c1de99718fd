// Writes Stark ECDSA vectors signed by @scure/starknet, the signer starknet.js and wallets use. It follows
// StarkWare's reference nonce derivation (cairo-lang's generate_k_rfc6979): a message hash of 249 to 251
// bits (63 hex digits) is multiplied by 16 before it seeds RFC 6979. smainer-sdk's StarkSignVectorsTest
// checks the SDK against this file; this script shares no code with the SDK. Re-run after a change:
//   cd tools/stark-sign-vectors && npm ci && node gen-stark-sign-vectors.mjs \
//     > ../../smainer-sdk/src/test/resources/io/smainer/crypto/stark-sign-vectors.json
// (node_modules stays here, untracked; package-lock.json pins the exact packages.)
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { getStarkKey, sign, verify, getPublicKey } from '@scure/starknet';

const require = createRequire(import.meta.url);
const scureVersion = require('@scure/starknet/package.json').version;
const HASH_BOUND = 1n << 251n;
// The Stark curve's order n (cairo-lang's EC_ORDER); @scure/starknet does not export it.
const CURVE_ORDER = 0x800000000000010ffffffffffffffffb781126dcae7b2321e66a241adc64d2fn;

// Deterministic "random" numbers: SHA-256 of a label, so the file is the same on every run.
function draw(label, bits, bound) {
  let counter = 0;
  for (;;) {
    const digest = createHash('sha256').update(`${label}/${counter++}`).digest('hex');
    const v = BigInt('0x' + digest) >> BigInt(256 - bits);
    if (v > 0n && v < bound) return v;
  }
}

const hex = (v) => '0x' + v.toString(16);
const vectors = [];
function add(key, hash, note) {
  const sig = sign(hex(hash), hex(key));
  if (!verify(sig, hex(hash), getPublicKey(hex(key)))) throw new Error('scure does not verify its own signature');
  vectors.push({
    note,
    private_key: hex(key),
    public_key: getStarkKey(hex(key)),
    message_hash: hex(hash),
    hash_bits: hash.toString(2).length,
    r: hex(sig.r),
    s: hex(sig.s),
  });
}

// Every hash length near the boundary, with a few keys each: 249 to 251 bits are the lengths whose
// nonce seed StarkWare's reference multiplies by 16; 248 and below are seeded as they are.
for (const bits of [1, 8, 64, 128, 200, 244, 245, 246, 247, 248, 249, 250, 251]) {
  for (let i = 0; i < 3; i++) {
    add(draw(`key/${bits}/${i}`, 252, CURVE_ORDER), draw(`hash/${bits}/${i}`, bits, HASH_BOUND) | (1n << BigInt(bits - 1)),
      `${bits}-bit hash`);
  }
}
add(1n, 1n, 'smallest key and hash');
add(CURVE_ORDER - 1n, HASH_BOUND - 1n, 'largest key and hash');
add(CURVE_ORDER - 1n, 1n << 248n, 'the smallest 249-bit hash');
add(1n, (1n << 248n) - 1n, 'the largest 248-bit hash');
for (let i = 0; i < 24; i++) {
  add(draw(`random-key/${i}`, 252, CURVE_ORDER), draw(`random-hash/${i}`, 251, HASH_BOUND), 'uniform key and hash');
}

process.stdout.write(JSON.stringify({
  _comment: 'Stark ECDSA signatures by @scure/starknet (StarkWare reference nonce derivation); written by '
    + 'tools/stark-sign-vectors/gen-stark-sign-vectors.mjs. Do not edit by hand.',
  generator: `@scure/starknet ${scureVersion}`,
  vectors,
}, null, 2) + '\n');
