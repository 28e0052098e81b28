#!/usr/bin/env python3
"""Creates bench/functions as a WebSocket API in a running ministack, the way a deploy would:
three Node functions (auth, connect, post), a REQUEST authorizer reading the `token` query
parameter, $connect and $default as Lambda proxy integrations, a stage `dev`. Prints the
ws:// URL to stdout. Run by `bench/compare functions` with a Python that has boto3.

    ministack_stack.py ENDPOINT FUNCTIONS_DIR

FUNCTIONS_DIR holds handler.js and a node_modules folder; both go into the deployment zip as
real files (ministack unpacks the zip for each worker and would not follow a symlink)."""

import io
import os
import sys
import zipfile

import boto3

REGION = "us-east-1"
ROLE = "arn:aws:iam::000000000000:role/bench"


def package(folder):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for root, _, files in os.walk(folder, followlinks=True):
            for name in files:
                path = os.path.join(root, name)
                z.write(path, os.path.relpath(path, folder))
    return buf.getvalue()


def main():
    endpoint, folder = sys.argv[1], sys.argv[2]
    kw = dict(endpoint_url=endpoint, region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test")
    lam, api = boto3.client("lambda", **kw), boto3.client("apigatewayv2", **kw)
    code = package(folder)
    arns = {}
    for name in ["auth", "connect", "post"]:
        arns[name] = lam.create_function(FunctionName=f"bench-{name}", Runtime="nodejs20.x", Role=ROLE,
                                         Handler=f"handler.{name}", Code={"ZipFile": code},
                                         Timeout=30)["FunctionArn"]

    def uri(name):
        return f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{arns[name]}/invocations"

    api_id = api.create_api(Name="bench", ProtocolType="WEBSOCKET",
                            RouteSelectionExpression="$request.body.action")["ApiId"]
    authorizer = api.create_authorizer(ApiId=api_id, Name="auth", AuthorizerType="REQUEST",
                                       AuthorizerUri=uri("auth"),
                                       IdentitySource=["route.request.querystring.token"])["AuthorizerId"]
    for route, name in [("$connect", "connect"), ("$default", "post")]:
        integration = api.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY",
                                             IntegrationUri=uri(name))["IntegrationId"]
        extra = dict(AuthorizationType="CUSTOM", AuthorizerId=authorizer) if route == "$connect" else {}
        api.create_route(ApiId=api_id, RouteKey=route, Target=f"integrations/{integration}", **extra)
    api.create_stage(ApiId=api_id, StageName="dev")
    api.create_deployment(ApiId=api_id, StageName="dev")
    print(endpoint.replace("http://", "ws://") + f"/_aws/execute-api/{api_id}/dev?token=good", flush=True)


if __name__ == "__main__":
    main()
