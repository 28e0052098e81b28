// aws-jwt-verify's CognitoJwtVerifier with the JWKS from a local file; `loop SECONDS` measures
// verifySync throughput over the distinct tokens.
const fs = require("fs");
const { CognitoJwtVerifier } = require("aws-jwt-verify");
const [dir, pool, client, mode, seconds] = process.argv.slice(2);
const verifier = CognitoJwtVerifier.create({ userPoolId: pool, tokenUse: "access", clientId: client });
verifier.cacheJwks(JSON.parse(fs.readFileSync(`${dir}/jwks.json`, "utf8")));
if (mode === "loop") {
  const tokens = fs.readFileSync(`${dir}/tokens.txt`, "utf8").split("\n");
  const deadline = process.hrtime.bigint() + BigInt(Math.round(Number(seconds) * 1e9));
  const start = process.hrtime.bigint();
  let n = 0;
  while (process.hrtime.bigint() < deadline) {
    for (const t of tokens) verifier.verifySync(t);
    n += tokens.length;
  }
  console.log(Math.round(n / (Number(process.hrtime.bigint() - start) / 1e9)));
} else {
  verifier.verifySync(fs.readFileSync(`${dir}/token`, "utf8").trim());
}
