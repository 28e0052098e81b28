# cwsauth local's runtime for python3.x functions: the Lambda Runtime API loop as the managed
# runtime runs it, with the standard library only. It imports _HANDLER ("module.function" or
# "dir/module.function") from LAMBDA_TASK_ROOT, reports an init failure to /runtime/init/error,
# then answers /runtime/invocation/next forever. Written into the function's temporary folder
# by cwsauth; not a file to edit.
import decimal
import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback

API = os.environ["AWS_LAMBDA_RUNTIME_API"]
PREFIX = "/2018-06-01/runtime"
_connection = None


def call(method, path, body=None, headers=None):
    """One request to the Runtime API on a kept-alive connection (reopened once if dropped)."""
    global _connection
    for attempt in (0, 1):
        if _connection is None:
            _connection = http.client.HTTPConnection(API)
        try:
            _connection.request(method, PREFIX + path, body=body, headers=headers or {})
            response = _connection.getresponse()
            return response, response.read()
        except (http.client.HTTPException, ConnectionError, OSError):
            _connection.close()
            _connection = None
            if attempt:
                raise


def error_body(error_type, message, trace, request_id=""):
    return json.dumps(
        {"errorMessage": message, "errorType": error_type, "requestId": request_id, "stackTrace": trace}
    ).encode()


def init_failed(error_type, message, trace=None):
    print(f"[ERROR] {error_type}: {message}", flush=True)
    call("POST", "/init/error", error_body(error_type, message, trace or []),
         {"Lambda-Runtime-Function-Error-Type": error_type, "Content-Type": "application/json"})
    sys.exit(1)


def load_handler():
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    if task_root not in sys.path:
        sys.path.insert(0, task_root)
    handler = os.environ.get("_HANDLER", "")
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        init_failed("Runtime.MalformedHandlerName", f"Bad handler '{handler}': {e}")
    if modname.replace("/", ".") in sys.builtin_module_names:
        init_failed("Runtime.BuiltInModuleConflict", f"Cannot use built-in module {modname} as a handler module")
    try:
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        init_failed("Runtime.ImportModuleError", f"Unable to import module '{modname}': {e}")
    except SyntaxError as e:
        trace = [f'  File "{e.filename}" Line {e.lineno}\n    {e.text}']
        init_failed("Runtime.UserCodeSyntaxError", f"Syntax error in module '{modname}': {e}", trace)
    except Exception as e:
        init_failed(type(e).__name__, str(e), traceback.format_list(traceback.extract_tb(e.__traceback__)))
    function = getattr(module, fname, None)
    if function is None:
        init_failed("Runtime.HandlerNotFound", f"Handler '{fname}' missing on module '{modname}'")
    return function


class Identity:
    def __init__(self, raw):
        self.cognito_identity_id = raw.get("cognitoIdentityId")
        self.cognito_identity_pool_id = raw.get("cognitoIdentityPoolId")


class Context:
    def __init__(self, request_id, deadline_ms, arn, client_context, identity):
        self.aws_request_id = request_id
        self.invoked_function_arn = arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.client_context = client_context
        self.identity = Identity(identity or {})
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))

    def log(self, message):
        sys.stdout.write(str(message))
        sys.stdout.flush()


class RequestId(logging.Filter):
    current = ""

    def filter(self, record):
        record.aws_request_id = RequestId.current
        return True


def set_up_logging():
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
        "%Y-%m-%dT%H:%M:%S"))
    handler.formatter.converter = time.gmtime
    handler.addFilter(RequestId())
    logging.getLogger().addHandler(handler)


def encode(result):
    if isinstance(result, (bytes, bytearray)):
        return bytes(result), "application/unknown"

    def default(o):
        if isinstance(o, decimal.Decimal):
            return int(o) if o == o.to_integral_value() else float(o)
        raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")

    return json.dumps(result, default=default).encode(), "application/json"


def header_json(headers, name):
    value = headers.get(name)
    try:
        return json.loads(value) if value else None
    except ValueError:
        return None


def main():
    set_up_logging()
    function = load_handler()
    while True:
        response, body = call("GET", "/invocation/next")
        headers = {k.lower(): v for k, v in response.getheaders()}
        request_id = headers.get("lambda-runtime-aws-request-id", "")
        RequestId.current = request_id
        trace = headers.get("lambda-runtime-trace-id")
        if trace:
            os.environ["_X_AMZN_TRACE_ID"] = trace
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        context = Context(
            request_id,
            int(headers.get("lambda-runtime-deadline-ms", "0") or 0),
            headers.get("lambda-runtime-invoked-function-arn"),
            header_json(headers, "lambda-runtime-client-context"),
            header_json(headers, "lambda-runtime-cognito-identity"),
        )
        try:
            if headers.get("content-type", "application/json").startswith("application/json"):
                event = json.loads(body) if body else None
            else:
                event = body
        except ValueError as e:
            report(request_id, "Runtime.UnmarshalError", f"Unable to unmarshal input: {e}", [])
            continue
        try:
            result = function(event, context)
        except Exception as e:
            frames = traceback.extract_tb(e.__traceback__)[1:]
            report(request_id, type(e).__name__, str(e), traceback.format_list(frames))
            continue
        try:
            data, content_type = encode(result)
        except Exception as e:
            report(request_id, "Runtime.MarshalError", f"Unable to marshal response: {e}", [])
            continue
        call("POST", f"/invocation/{request_id}/response", data, {"Content-Type": content_type})


def report(request_id, error_type, message, trace):
    print(f"[ERROR] {error_type}: {message}", flush=True)
    call("POST", f"/invocation/{request_id}/error", error_body(error_type, message, trace, request_id),
         {"Content-Type": "application/json"})


if __name__ == "__main__":
    main()
