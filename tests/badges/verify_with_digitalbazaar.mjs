// Verifies credentials with Digital Bazaar's Data Integrity stack, an implementation independent
// of ours (jsonld.js and rdf-canonize instead of pyld, @noble/ed25519 instead of OpenSSL).
//
// Reads one JSON object on stdin: {"documents": {url: document}, "credentials": [credential]}.
// `documents` holds everything the verifier may load: our pinned contexts and the issuers'
// profiles. A key `https://…/issuer#z6Mk…` is the Multikey of that id in its issuer's profile.
// Any other URL is refused, so nothing ever comes from the network.
// Writes one JSON array on stdout: {"verified": boolean, "error": string | null} per credential.
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import jsigs from 'jsonld-signatures';
import {readFileSync} from 'node:fs';

const {documents, credentials} = JSON.parse(readFileSync(0, 'utf8'));

function load(url) {
  if(Object.hasOwn(documents, url)) {
    return {contextUrl: null, documentUrl: url, document: documents[url]};
  }
  const [base] = url.split('#');
  const profile = Object.hasOwn(documents, base) ? documents[base] : null;
  const method = (profile?.verificationMethod ?? []).find(key => key.id === url);
  if(method) {
    const document = {'@context': profile['@context'], ...method};
    return {contextUrl: null, documentUrl: url, document};
  }
  throw new Error(`refused to load ${url}: not a pinned document`);
}

async function documentLoader(url) {
  return load(url);
}

// The controller is given to the purpose rather than fetched and framed by it: framing needs
// the security v2 context, which the credentials do not use and which is not ours to pin.
function controllerOf(credential) {
  const proofs = [credential.proof].flat();
  const method = load(proofs[0]?.verificationMethod).document;
  return load(method.controller).document;
}

async function verify(credential) {
  try {
    const purpose = new jsigs.purposes.AssertionProofPurpose({
      controller: controllerOf(credential)
    });
    const suite = new DataIntegrityProof({cryptosuite});
    const result = await jsigs.verify(credential, {suite, purpose, documentLoader});
    const errors = [result.error?.errors ?? result.error].flat().filter(Boolean);
    return {verified: result.verified, error: errors.map(describe).join('; ') || null};
  } catch(error) {
    return {verified: false, error: describe(error)};
  }
}

// jsonld.js wraps what the loader threw: its message alone would not say the loader refused.
function describe(error) {
  const cause = error.details?.cause;
  return cause ? `${error.message} (${describe(cause)})` : error.message;
}

const results = [];
for(const credential of credentials) {
  results.push(await verify(credential));
}
process.stdout.write(JSON.stringify(results));
