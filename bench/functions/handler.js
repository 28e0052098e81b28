// The functions bench/compare runs behind each local WebSocket API (cwsauth local from a
// template with its built-in runtime, serverless-offline in its worker threads, ministack in
// its Node workers): a REQUEST authorizer, $connect,
// and $default answering through @connections with the AWS SDK (or, for the overhead
// measurement, as a two-way route). Replies carry the handler's own time in microseconds.
"use strict";
const { ApiGatewayManagementApiClient, PostToConnectionCommand } = require("@aws-sdk/client-apigatewaymanagementapi");

const now = () => performance.timeOrigin * 1000 + performance.now() * 1000;
let client;

exports.auth = async (event) => {
  const token = (event.queryStringParameters || {}).token;
  if (token !== "good") throw new Error("Unauthorized");
  return {
    principalId: "user-1",
    policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: event.methodArn }] },
    context: { sub: "user-1", tier: "gold" },
  };
};

exports.connect = async () => ({ statusCode: 200 });

// $default through @connections, as most WebSocket backends answer.
exports.post = async (event) => {
  const started = now();
  const { domainName, stage, connectionId } = event.requestContext;
  // serverless-offline serves @connections on its own port; API Gateway (and cwsauth local)
  // at https://{domainName}/{stage}.
  client ??= new ApiGatewayManagementApiClient({
    endpoint: process.env.IS_OFFLINE ? "http://127.0.0.1:3001" : `https://${domainName}/${stage}`,
  });
  const message = JSON.parse(event.body);
  await client.send(new PostToConnectionCommand({
    ConnectionId: connectionId,
    Data: JSON.stringify({ i: message.i, d: now() - started }),
  }));
  return { statusCode: 200 };
};

// $default as a two-way route: the answer is the reply, and d is all the function's time.
exports.echo = async (event) => {
  const started = now();
  const message = JSON.parse(event.body);
  return { statusCode: 200, body: JSON.stringify({ i: message.i, d: now() - started }) };
};
