// cwsauth local's runtime for nodejs* functions: the Lambda Runtime API loop as the managed
// runtime runs it, with Node's standard library only. It loads _HANDLER ("index.handler",
// "src/app.handler", nested "mod.obj.fn") from LAMBDA_TASK_ROOT (CommonJS or ES module, as Node
// decides from the extension and the nearest package.json), follows the runtime the template
// declares (CWSAUTH_NODE_RUNTIME: callback handlers work before nodejs24.x and are refused from
// it on, as on Lambda), reports an init failure to /runtime/init/error, then answers
// /runtime/invocation/next forever. Written into the function's temporary folder by cwsauth.
"use strict";

const fs = require("fs");
const http = require("http");
const path = require("path");
const url = require("url");

const [HOST, PORT] = process.env.AWS_LAMBDA_RUNTIME_API.split(":");
const PREFIX = "/2018-06-01/runtime";
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const RUNTIME = process.env.CWSAUTH_NODE_RUNTIME || "nodejs20.x";
const CALLBACKS_REMOVED = (parseInt(RUNTIME.replace(/^nodejs/, ""), 10) || 0) >= 24;

function call(method, target, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: HOST, port: PORT, method, path: PREFIX + target, agent, headers: headers || {} },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function errorBody(error) {
  if (error instanceof Error) {
    return {
      errorType: error.name,
      errorMessage: error.message,
      trace: String(error.stack || "").split("\n"),
    };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

class InitError extends Error {
  constructor(type, message) {
    super(message);
    this.name = type;
  }
}

async function initFailed(error) {
  const body = errorBody(error);
  console.error(`ERROR\tInit Error \t${JSON.stringify(body)}`);
  await call("POST", "/init/error", JSON.stringify(body), {
    "Lambda-Runtime-Function-Error-Type": body.errorType,
    "Content-Type": "application/json",
  });
  process.exit(1);
}

// Whether Node loads `file` as an ES module: .mjs yes, .cjs no, .js as the nearest
// package.json says.
function isModule(file) {
  if (file.endsWith(".mjs")) return true;
  if (file.endsWith(".cjs")) return false;
  let dir = path.dirname(file);
  for (;;) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg)) {
      try {
        return JSON.parse(fs.readFileSync(pkg, "utf8")).type === "module";
      } catch (_) {
        return false;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir || path.basename(dir) === "node_modules") return false;
    dir = parent;
  }
}

async function loadHandler() {
  const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const handler = process.env._HANDLER || "";
  if (handler.includes("..")) {
    throw new InitError(
      "Runtime.MalformedHandlerName",
      `'${handler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const match = path.basename(handler).match(/^([^.]*)\.(.*)$/);
  if (!match) throw new InitError("Runtime.MalformedHandlerName", "Bad handler");
  const [, moduleName, handlerPath] = match;
  const base = path.resolve(root, path.dirname(handler), moduleName);
  const file = ["", ".js", ".mjs", ".cjs"].map((e) => base + e).find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
  if (!file) {
    throw new InitError("Runtime.ImportModuleError", `Error: Cannot find module '${moduleName}'`);
  }
  let loaded;
  try {
    loaded = isModule(file) ? await import(url.pathToFileURL(file).href) : require(file);
  } catch (e) {
    const type = e instanceof SyntaxError ? "Runtime.UserCodeSyntaxError" : "Runtime.ImportModuleError";
    throw new InitError(type, `${e.name}: ${e.message}`);
  }
  const find = (from) => handlerPath.split(".").reduce((o, k) => (o == null ? undefined : o[k]), from);
  let fn = find(loaded);
  if (fn === undefined && loaded && loaded.default) fn = find(loaded.default);
  if (fn === undefined) {
    throw new InitError("Runtime.HandlerNotFound", `${moduleName}.${handlerPath} is undefined or not exported`);
  }
  if (typeof fn !== "function") {
    throw new InitError("Runtime.HandlerNotFound", `${moduleName}.${handlerPath} is not a function`);
  }
  if (CALLBACKS_REMOVED && fn.length >= 3) {
    throw new InitError(
      "Runtime.CallbackHandlerDeprecated",
      "ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.",
    );
  }
  return fn;
}

function parseJson(text) {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch (_) {
    return undefined;
  }
}

// Runs one invocation: an async handler's promise, or (before nodejs24.x) the callback and
// context.succeed/fail/done; the first answer counts.
function invoke(fn, event, context) {
  return new Promise((resolve) => {
    let done = false;
    const finish = (error, result) => {
      if (done) return;
      done = true;
      resolve({ error, result });
    };
    if (!CALLBACKS_REMOVED) {
      context.callbackWaitsForEmptyEventLoop = true;
      context.succeed = (result) => finish(undefined, result);
      context.fail = (error) => finish(error === undefined ? "handled" : error);
      context.done = (error, result) => finish(error == null ? undefined : error, result);
    }
    let returned;
    try {
      returned = fn(event, context, (error, result) => finish(error == null ? undefined : error, result));
    } catch (e) {
      return finish(e);
    }
    if (returned && typeof returned.then === "function") {
      returned.then((r) => finish(undefined, r), (e) => finish(e === undefined ? "handled" : e));
    } else if (CALLBACKS_REMOVED) {
      // nodejs24.x awaits whatever the handler returns.
      finish(undefined, returned);
    } else if (fn.length < 3) {
      // Before nodejs24.x a plain function's return value is ignored: the answer is null
      // once its work is done (Lambda waits for the event loop; here, for this turn of it).
      setImmediate(() => finish(undefined, null));
    }
  });
}

async function main() {
  let fn;
  try {
    fn = await loadHandler();
  } catch (e) {
    return initFailed(e);
  }
  for (;;) {
    const next = await call("GET", "/invocation/next");
    const h = next.headers;
    const requestId = h["lambda-runtime-aws-request-id"];
    const deadline = parseInt(h["lambda-runtime-deadline-ms"] || "0", 10);
    if (h["lambda-runtime-trace-id"]) process.env._X_AMZN_TRACE_ID = h["lambda-runtime-trace-id"];
    else delete process.env._X_AMZN_TRACE_ID;
    const context = {
      awsRequestId: requestId,
      invokedFunctionArn: h["lambda-runtime-invoked-function-arn"],
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      clientContext: parseJson(h["lambda-runtime-client-context"]),
      identity: parseJson(h["lambda-runtime-cognito-identity"]),
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };
    let event;
    try {
      event = JSON.parse(next.body.toString("utf8"));
    } catch (e) {
      await answerError(requestId, new InitError("Runtime.UnmarshalError", `Unable to unmarshal input: ${e.message}`));
      continue;
    }
    const { error, result } = await invoke(fn, event, context);
    if (error !== undefined) {
      await answerError(requestId, error);
      continue;
    }
    let body;
    try {
      body = result === undefined ? "null" : JSON.stringify(result);
    } catch (e) {
      await answerError(requestId, new InitError("Runtime.MarshalError", `Unable to stringify response body: ${e.message}`));
      continue;
    }
    await call("POST", `/invocation/${requestId}/response`, body, { "Content-Type": "application/json" });
  }
}

async function answerError(requestId, error) {
  const body = errorBody(error);
  console.error(`ERROR\tInvoke Error \t${JSON.stringify(body)}`);
  await call("POST", `/invocation/${requestId}/error`, JSON.stringify(body), { "Content-Type": "application/json" });
}

main().catch((e) => {
  console.error(`cwsauth's Node.js runtime failed: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
