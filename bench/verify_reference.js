// What the reference Lambda authorizer does: jwk-to-pem + jsonwebtoken, JWKS from a local file.
const fs = require("fs");
const jwt = require("jsonwebtoken");
const jwkToPem = require("jwk-to-pem");
const [dir, pool, client] = process.argv.slice(2);
const jwks = JSON.parse(fs.readFileSync(`${dir}/jwks.json`, "utf8"));
const token = fs.readFileSync(`${dir}/token`, "utf8").trim();
const decoded = jwt.decode(token, { complete: true });
const jwk = jwks.keys.find((k) => k.kid === decoded.header.kid);
const claims = jwt.verify(token, jwkToPem(jwk), {
  algorithms: ["RS256"],
  issuer: `https://cognito-idp.us-east-1.amazonaws.com/${pool}`,
});
if (claims.token_use !== "access" || claims.client_id !== client) process.exit(1);
