
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'cwsauth' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'cwsauth'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'cwsauth' {
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('configure', 'configure', [CompletionResultType]::ParameterValue, 'Write a profile (asks on a terminal), fill it by discovery, or show it resolved')
            [CompletionResult]::new('decode', 'decode', [CompletionResultType]::ParameterValue, 'Print a token''s header and claims without verifying it')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify a token exactly as a Cognito JWT authorizer does')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in through the hosted UI (browser), or headless with --password, --srp or --client-credentials')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print a usable token (refreshed when it is about to expire) and nothing else')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show who is logged in with the profile, and until when')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Revoke the refresh token and delete the stored tokens')
            [CompletionResult]::new('signup', 'signup', [CompletionResultType]::ParameterValue, 'Make a new user of the pool headless (SignUp, then ConfirmSignUp with the code it sent)')
            [CompletionResult]::new('mfa', 'mfa', [CompletionResultType]::ParameterValue, 'Multi-factor authentication: `mfa setup` enrolls a software token, `mfa forget` deletes a kept secret')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print a request signed with SigV4 for an AWS_IAM route: its headers, or a presigned URL')
            [CompletionResult]::new('verify-signature', 'verify-signature', [CompletionResultType]::ParameterValue, 'Check a captured SigV4-signed request against your credentials, naming what differs')
            [CompletionResult]::new('credentials', 'credentials', [CompletionResultType]::ParameterValue, 'Print the AWS credentials IAM signing uses (none of their secrets unless --json)')
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Open an authenticated WebSocket session, with wscat''s flags and habits')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'The whole loop on 127.0.0.1: local user pool, hosted-UI login, verify, WebSocket')
            [CompletionResult]::new('local', 'local', [CompletionResultType]::ParameterValue, 'Run a local Cognito user pool and API Gateway WebSocket API on 127.0.0.1')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cwsauth;configure' {
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region of the user pool (derived from the pool id when absent).')
            [CompletionResult]::new('--user-pool-id', '--user-pool-id', [CompletionResultType]::ParameterName, 'Cognito user pool id, e.g. us-east-1_AbCdEf123.')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'App client id.')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Callback URL registered on the app client (repeatable; a taken port moves to the next).')
            [CompletionResult]::new('--scopes', '--scopes', [CompletionResultType]::ParameterName, 'Scopes to request at login, space-separated.')
            [CompletionResult]::new('--ws-url', '--ws-url', [CompletionResultType]::ParameterName, 'Default WebSocket URL for `connect`.')
            [CompletionResult]::new('--idp-endpoint', '--idp-endpoint', [CompletionResultType]::ParameterName, 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.')
            [CompletionResult]::new('--issuer-type', '--issuer-type', [CompletionResultType]::ParameterName, 'The pool''s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.')
            [CompletionResult]::new('--identity-pool-id', '--identity-pool-id', [CompletionResultType]::ParameterName, 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user''s ID token.')
            [CompletionResult]::new('--jwks-uri', '--jwks-uri', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks', '--jwks', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks-max-age', '--jwks-max-age', [CompletionResultType]::ParameterName, 'Refetch a cached JWKS older than this, so a removed key stops verifying.')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy''s.')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Token store at login: keyring or file (default: the keyring when one answers); later commands use the store the login chose.')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile to use from the config file')
            [CompletionResult]::new('--show', '--show', [CompletionResultType]::ParameterName, 'Print the resolved profile with the source of each value, and change nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'With --show, print JSON')
            [CompletionResult]::new('--discover', '--discover', [CompletionResultType]::ParameterName, 'Fill issuer, jwks_uri and domain from {issuer}/.well-known/openid-configuration')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never ask: with nothing to set, name what is missing instead')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cwsauth;decode' {
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Evaluate relative times at this Unix time instead of now')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile to use from the config file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object instead of the report')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cwsauth;verify' {
            [CompletionResult]::new('--token-use', '--token-use', [CompletionResultType]::ParameterName, 'Which token is accepted')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'Accepted app client id (repeatable); default the profile''s client_id')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Require one of these scopes (repeatable)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Require membership in one of these groups (repeatable; cognito:groups)')
            [CompletionResult]::new('--leeway', '--leeway', [CompletionResultType]::ParameterName, 'Seconds of clock skew allowed on exp, nbf and iat')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Evaluate at this Unix time instead of now')
            [CompletionResult]::new('--method-arn', '--method-arn', [CompletionResultType]::ParameterName, 'Resource of the policy; default the event''s methodArn or arn:aws:execute-api:{region}:*:*/*/$connect')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Add KEY=VALUE to the context (repeatable)')
            [CompletionResult]::new('--principal-id', '--principal-id', [CompletionResultType]::ParameterName, 'principalId of the policy; default the token''s username (or sub)')
            [CompletionResult]::new('--effect', '--effect', [CompletionResultType]::ParameterName, 'What an invalid token gets')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Replay an API Gateway $connect authorizer event (JSON) and take the token from it')
            [CompletionResult]::new('--identity-source', '--identity-source', [CompletionResultType]::ParameterName, 'Where the event carries the token: header:NAME or query:NAME')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile to use from the config file')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region of the user pool (derived from the pool id when absent).')
            [CompletionResult]::new('--user-pool-id', '--user-pool-id', [CompletionResultType]::ParameterName, 'Cognito user pool id, e.g. us-east-1_AbCdEf123.')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.')
            [CompletionResult]::new('--issuer-type', '--issuer-type', [CompletionResultType]::ParameterName, 'The pool''s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.')
            [CompletionResult]::new('--jwks-uri', '--jwks-uri', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks', '--jwks', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks-max-age', '--jwks-max-age', [CompletionResultType]::ParameterName, 'Refetch a cached JWKS older than this, so a removed key stops verifying.')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy''s.')
            [CompletionResult]::new('--any-client', '--any-client', [CompletionResultType]::ParameterName, 'Skip the app client check (the token may come from any client of the pool)')
            [CompletionResult]::new('--refresh-keys', '--refresh-keys', [CompletionResultType]::ParameterName, 'Fetch the pool''s keys again instead of using the cached ones (the server''s view after its keys changed; not within 10 s of the last fetch)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object: {valid, error, header, claims} (with --authorizer: the answer too)')
            [CompletionResult]::new('--authorizer', '--authorizer', [CompletionResultType]::ParameterName, 'Print what a Lambda REQUEST authorizer returns: the policy and context')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cwsauth;login' {
            [CompletionResult]::new('--otp-command', '--otp-command', [CompletionResultType]::ParameterName, 'Runs CMD (in a shell) once a one-time code is sent and takes its first line as the code (CWSAUTH_OTP_CHALLENGE, CWSAUTH_OTP_DESTINATION and CWSAUTH_USERNAME in its environment)')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'User name for --password and --srp (asked on a terminal otherwise)')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Scope to request (repeatable); default the profile''s scopes')
            [CompletionResult]::new('--identity-provider', '--identity-provider', [CompletionResultType]::ParameterName, 'Send the user to this federated identity provider')
            [CompletionResult]::new('--prompt', '--prompt', [CompletionResultType]::ParameterName, 'Ask the hosted UI to show the sign-in form even with a session (e.g. login)')
            [CompletionResult]::new('--login-hint', '--login-hint', [CompletionResultType]::ParameterName, 'Prefill the user name on the sign-in form')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting for the browser after this long')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where to keep the tokens (default: the profile''s store, else the keyring when one answers, else a file); later commands use what the login chose')
            [CompletionResult]::new('--browser-command', '--browser-command', [CompletionResultType]::ParameterName, 'Run this command with the URL as its last argument instead of the system browser (split as a shell would: quotes and spaces work)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile to use from the config file')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region of the user pool (derived from the pool id when absent).')
            [CompletionResult]::new('--user-pool-id', '--user-pool-id', [CompletionResultType]::ParameterName, 'Cognito user pool id, e.g. us-east-1_AbCdEf123.')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'App client id.')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Callback URL registered on the app client (repeatable; a taken port moves to the next).')
            [CompletionResult]::new('--idp-endpoint', '--idp-endpoint', [CompletionResultType]::ParameterName, 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.')
            [CompletionResult]::new('--issuer-type', '--issuer-type', [CompletionResultType]::ParameterName, 'The pool''s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.')
            [CompletionResult]::new('--identity-pool-id', '--identity-pool-id', [CompletionResultType]::ParameterName, 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user''s ID token.')
            [CompletionResult]::new('--jwks-uri', '--jwks-uri', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks', '--jwks', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks-max-age', '--jwks-max-age', [CompletionResultType]::ParameterName, 'Refetch a cached JWKS older than this, so a removed key stops verifying.')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy''s.')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Headless: USER_PASSWORD_AUTH on the JSON API (password from CWSAUTH_PASSWORD or a prompt)')
            [CompletionResult]::new('--srp', '--srp', [CompletionResultType]::ParameterName, 'Headless: USER_SRP_AUTH, the password never leaves this machine')
            [CompletionResult]::new('--client-credentials', '--client-credentials', [CompletionResultType]::ParameterName, 'Machine to machine: client_credentials with the client secret; no refresh token')
            [CompletionResult]::new('--email-otp', '--email-otp', [CompletionResultType]::ParameterName, 'Passwordless: a one-time code by email (USER_AUTH with EMAIL_OTP)')
            [CompletionResult]::new('--sms-otp', '--sms-otp', [CompletionResultType]::ParameterName, 'Passwordless: a one-time code by SMS (USER_AUTH with SMS_OTP)')
            [CompletionResult]::new('--enroll-totp', '--enroll-totp', [CompletionResultType]::ParameterName, 'When the pool requires MFA and the user has none (MFA_SETUP): enroll a software token without an app and keep its secret in the profile''s store (as `mfa setup --keep-secret`)')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Only print the URL (wins over --browser-command and CWSAUTH_BROWSER)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cwsauth;token' {
            [CompletionResult]::new('--min-ttl', '--min-ttl', [CompletionResultType]::ParameterName, 'Refresh first when the access token expires within this many seconds')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile to use from the config file')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region of the user pool (derived from the pool id when absent).')
            [CompletionResult]::new('--user-pool-id', '--user-pool-id', [CompletionResultType]::ParameterName, 'Cognito user pool id, e.g. us-east-1_AbCdEf123.')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'App client id.')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Callback URL registered on the app client (repeatable; a taken port moves to the next).')
            [CompletionResult]::new('--idp-endpoint', '--idp-endpoint', [CompletionResultType]::ParameterName, 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.')
            [CompletionResult]::new('--issuer-type', '--issuer-type', [CompletionResultType]::ParameterName, 'The pool''s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.')
            [CompletionResult]::new('--identity-pool-id', '--identity-pool-id', [CompletionResultType]::ParameterName, 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user''s ID token.')
            [CompletionResult]::new('--jwks-uri', '--jwks-uri', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks', '--jwks', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks-max-age', '--jwks-max-age', [CompletionResultType]::ParameterName, 'Refetch a cached JWKS older than this, so a removed key stops verifying.')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy''s.')
            [CompletionResult]::new('--access', '--access', [CompletionResultType]::ParameterName, 'The access token (the default)')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'The ID token')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'The refresh token')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print {"token", "token_type", "expires_at", "expires_in", "username"} as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cwsauth;status' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile to use from the config file')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region of the user pool (derived from the pool id when absent).')
            [CompletionResult]::new('--user-pool-id', '--user-pool-id', [CompletionResultType]::ParameterName, 'Cognito user pool id, e.g. us-east-1_AbCdEf123.')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'App client id.')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Callback URL registered on the app client (repeatable; a taken port moves to the next).')
            [CompletionResult]::new('--idp-endpoint', '--idp-endpoint', [CompletionResultType]::ParameterName, 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.')
            [CompletionResult]::new('--issuer-type', '--issuer-type', [CompletionResultType]::ParameterName, 'The pool''s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.')
            [CompletionResult]::new('--identity-pool-id', '--identity-pool-id', [CompletionResultType]::ParameterName, 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user''s ID token.')
            [CompletionResult]::new('--jwks-uri', '--jwks-uri', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks', '--jwks', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks-max-age', '--jwks-max-age', [CompletionResultType]::ParameterName, 'Refetch a cached JWKS older than this, so a removed key stops verifying.')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy''s.')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object (also when logged out)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Ask the server whether the session is still alive (a refresh), not only the store')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cwsauth;logout' {
            [CompletionResult]::new('--browser-command', '--browser-command', [CompletionResultType]::ParameterName, 'Run this command with the URL as its last argument instead of the system browser (split as a shell would: quotes and spaces work)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile to use from the config file')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region of the user pool (derived from the pool id when absent).')
            [CompletionResult]::new('--user-pool-id', '--user-pool-id', [CompletionResultType]::ParameterName, 'Cognito user pool id, e.g. us-east-1_AbCdEf123.')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'App client id.')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Callback URL registered on the app client (repeatable; a taken port moves to the next).')
            [CompletionResult]::new('--idp-endpoint', '--idp-endpoint', [CompletionResultType]::ParameterName, 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.')
            [CompletionResult]::new('--issuer-type', '--issuer-type', [CompletionResultType]::ParameterName, 'The pool''s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.')
            [CompletionResult]::new('--identity-pool-id', '--identity-pool-id', [CompletionResultType]::ParameterName, 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user''s ID token.')
            [CompletionResult]::new('--jwks-uri', '--jwks-uri', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks', '--jwks', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks-max-age', '--jwks-max-age', [CompletionResultType]::ParameterName, 'Refetch a cached JWKS older than this, so a removed key stops verifying.')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy''s.')
            [CompletionResult]::new('--everywhere', '--everywhere', [CompletionResultType]::ParameterName, 'Also end the hosted UI session in the browser (/logout)')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Only print the URL (wins over --browser-command and CWSAUTH_BROWSER)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cwsauth;signup' {
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'The new user''s name')
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'The new user''s email (where the pool sends the confirmation code)')
            [CompletionResult]::new('--otp-command', '--otp-command', [CompletionResultType]::ParameterName, 'Runs CMD (in a shell) once the confirmation code is sent and takes its first line as the code (CWSAUTH_OTP_CHALLENGE, CWSAUTH_OTP_DESTINATION and CWSAUTH_USERNAME in its environment)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for --otp-command')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile to use from the config file')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region of the user pool (derived from the pool id when absent).')
            [CompletionResult]::new('--user-pool-id', '--user-pool-id', [CompletionResultType]::ParameterName, 'Cognito user pool id, e.g. us-east-1_AbCdEf123.')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'App client id.')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Callback URL registered on the app client (repeatable; a taken port moves to the next).')
            [CompletionResult]::new('--idp-endpoint', '--idp-endpoint', [CompletionResultType]::ParameterName, 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.')
            [CompletionResult]::new('--issuer-type', '--issuer-type', [CompletionResultType]::ParameterName, 'The pool''s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.')
            [CompletionResult]::new('--identity-pool-id', '--identity-pool-id', [CompletionResultType]::ParameterName, 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user''s ID token.')
            [CompletionResult]::new('--jwks-uri', '--jwks-uri', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks', '--jwks', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks-max-age', '--jwks-max-age', [CompletionResultType]::ParameterName, 'Refetch a cached JWKS older than this, so a removed key stops verifying.')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy''s.')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cwsauth;mfa' {
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Enroll a software token (TOTP) for the logged-in user and make it the preferred MFA')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Delete the TOTP secret `mfa setup --keep-secret` kept (the enrollment stays)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cwsauth;mfa;setup' {
            [CompletionResult]::new('--device-name', '--device-name', [CompletionResultType]::ParameterName, 'The name the pool keeps for the device')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile to use from the config file')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region of the user pool (derived from the pool id when absent).')
            [CompletionResult]::new('--user-pool-id', '--user-pool-id', [CompletionResultType]::ParameterName, 'Cognito user pool id, e.g. us-east-1_AbCdEf123.')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'App client id.')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Callback URL registered on the app client (repeatable; a taken port moves to the next).')
            [CompletionResult]::new('--idp-endpoint', '--idp-endpoint', [CompletionResultType]::ParameterName, 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.')
            [CompletionResult]::new('--issuer-type', '--issuer-type', [CompletionResultType]::ParameterName, 'The pool''s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.')
            [CompletionResult]::new('--identity-pool-id', '--identity-pool-id', [CompletionResultType]::ParameterName, 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user''s ID token.')
            [CompletionResult]::new('--jwks-uri', '--jwks-uri', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks', '--jwks', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks-max-age', '--jwks-max-age', [CompletionResultType]::ParameterName, 'Refetch a cached JWKS older than this, so a removed key stops verifying.')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy''s.')
            [CompletionResult]::new('--print-secret', '--print-secret', [CompletionResultType]::ParameterName, 'Enroll without an app: compute the first code and print the secret on stdout (for a test user''s CWSAUTH_TOTP_SECRET; whoever holds it passes the second factor)')
            [CompletionResult]::new('--keep-secret', '--keep-secret', [CompletionResultType]::ParameterName, 'Keep the secret in the profile''s store (keyring, or a 0600 file), so password and SRP logins answer the code themselves: this machine becomes the second factor')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cwsauth;mfa;forget' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile to use from the config file')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region of the user pool (derived from the pool id when absent).')
            [CompletionResult]::new('--user-pool-id', '--user-pool-id', [CompletionResultType]::ParameterName, 'Cognito user pool id, e.g. us-east-1_AbCdEf123.')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'App client id.')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Callback URL registered on the app client (repeatable; a taken port moves to the next).')
            [CompletionResult]::new('--idp-endpoint', '--idp-endpoint', [CompletionResultType]::ParameterName, 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.')
            [CompletionResult]::new('--issuer-type', '--issuer-type', [CompletionResultType]::ParameterName, 'The pool''s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.')
            [CompletionResult]::new('--identity-pool-id', '--identity-pool-id', [CompletionResultType]::ParameterName, 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user''s ID token.')
            [CompletionResult]::new('--jwks-uri', '--jwks-uri', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks', '--jwks', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks-max-age', '--jwks-max-age', [CompletionResultType]::ParameterName, 'Refetch a cached JWKS older than this, so a removed key stops verifying.')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy''s.')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cwsauth;mfa;help' {
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Enroll a software token (TOTP) for the logged-in user and make it the preferred MFA')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Delete the TOTP secret `mfa setup --keep-secret` kept (the enrollment stays)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cwsauth;mfa;help;setup' {
            break
        }
        'cwsauth;mfa;help;forget' {
            break
        }
        'cwsauth;mfa;help;help' {
            break
        }
        'cwsauth;sign' {
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'How long a presigned URL is valid, in seconds (at most 604800, a week)')
            [CompletionResult]::new('--signing-time', '--signing-time', [CompletionResultType]::ParameterName, 'Sign as of this time (RFC 3339, or X-Amz-Date''s 20261207T120000Z) instead of now, to reproduce another signer''s signature')
            [CompletionResult]::new('--signing-region', '--signing-region', [CompletionResultType]::ParameterName, 'The region signed for; default the execute-api host''s, else AWS_REGION, the profile''s')
            [CompletionResult]::new('--credentials-from', '--credentials-from', [CompletionResultType]::ParameterName, 'The source of AWS credentials: the profile''s identity pool (the default when it has one), or the AWS chain (AWS_ACCESS_KEY_ID…, then --aws-profile/AWS_PROFILE in ~/.aws)')
            [CompletionResult]::new('--role-arn', '--role-arn', [CompletionResultType]::ParameterName, 'A role of the identity pool''s role choice (CustomRoleArn), instead of its default role')
            [CompletionResult]::new('--aws-profile', '--aws-profile', [CompletionResultType]::ParameterName, 'A profile of ~/.aws/credentials and ~/.aws/config (keys, credential_process or SSO)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile to use from the config file')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region of the user pool (derived from the pool id when absent).')
            [CompletionResult]::new('--user-pool-id', '--user-pool-id', [CompletionResultType]::ParameterName, 'Cognito user pool id, e.g. us-east-1_AbCdEf123.')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'App client id.')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Callback URL registered on the app client (repeatable; a taken port moves to the next).')
            [CompletionResult]::new('--idp-endpoint', '--idp-endpoint', [CompletionResultType]::ParameterName, 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.')
            [CompletionResult]::new('--issuer-type', '--issuer-type', [CompletionResultType]::ParameterName, 'The pool''s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.')
            [CompletionResult]::new('--identity-pool-id', '--identity-pool-id', [CompletionResultType]::ParameterName, 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user''s ID token.')
            [CompletionResult]::new('--jwks-uri', '--jwks-uri', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks', '--jwks', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks-max-age', '--jwks-max-age', [CompletionResultType]::ParameterName, 'Refetch a cached JWKS older than this, so a removed key stops verifying.')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy''s.')
            [CompletionResult]::new('--iam', '--iam', [CompletionResultType]::ParameterName, 'Signs with SigV4 (execute-api); the default and, for now, the only way')
            [CompletionResult]::new('--query', '--query', [CompletionResultType]::ParameterName, 'A presigned URL (X-Amz-* in the query) instead of headers')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print {"method", "url", "headers"} as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cwsauth;verify-signature' {
            [CompletionResult]::new('--canonical-request', '--canonical-request', [CompletionResultType]::ParameterName, 'Your client''s canonical request (from its debug log): the first line that differs from the server''s is named')
            [CompletionResult]::new('--signing-region', '--signing-region', [CompletionResultType]::ParameterName, 'The region the API is in; default the execute-api host''s, else the request''s own')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'The service signed for')
            [CompletionResult]::new('--credentials-from', '--credentials-from', [CompletionResultType]::ParameterName, 'The source of AWS credentials: the profile''s identity pool (the default when it has one), or the AWS chain (AWS_ACCESS_KEY_ID…, then --aws-profile/AWS_PROFILE in ~/.aws)')
            [CompletionResult]::new('--role-arn', '--role-arn', [CompletionResultType]::ParameterName, 'A role of the identity pool''s role choice (CustomRoleArn), instead of its default role')
            [CompletionResult]::new('--aws-profile', '--aws-profile', [CompletionResultType]::ParameterName, 'A profile of ~/.aws/credentials and ~/.aws/config (keys, credential_process or SSO)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile to use from the config file')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region of the user pool (derived from the pool id when absent).')
            [CompletionResult]::new('--user-pool-id', '--user-pool-id', [CompletionResultType]::ParameterName, 'Cognito user pool id, e.g. us-east-1_AbCdEf123.')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'App client id.')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Callback URL registered on the app client (repeatable; a taken port moves to the next).')
            [CompletionResult]::new('--idp-endpoint', '--idp-endpoint', [CompletionResultType]::ParameterName, 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.')
            [CompletionResult]::new('--issuer-type', '--issuer-type', [CompletionResultType]::ParameterName, 'The pool''s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.')
            [CompletionResult]::new('--identity-pool-id', '--identity-pool-id', [CompletionResultType]::ParameterName, 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user''s ID token.')
            [CompletionResult]::new('--jwks-uri', '--jwks-uri', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks', '--jwks', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks-max-age', '--jwks-max-age', [CompletionResultType]::ParameterName, 'Refetch a cached JWKS older than this, so a removed key stops verifying.')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy''s.')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cwsauth;credentials' {
            [CompletionResult]::new('--credentials-from', '--credentials-from', [CompletionResultType]::ParameterName, 'The source of AWS credentials: the profile''s identity pool (the default when it has one), or the AWS chain (AWS_ACCESS_KEY_ID…, then --aws-profile/AWS_PROFILE in ~/.aws)')
            [CompletionResult]::new('--role-arn', '--role-arn', [CompletionResultType]::ParameterName, 'A role of the identity pool''s role choice (CustomRoleArn), instead of its default role')
            [CompletionResult]::new('--aws-profile', '--aws-profile', [CompletionResultType]::ParameterName, 'A profile of ~/.aws/credentials and ~/.aws/config (keys, credential_process or SSO)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile to use from the config file')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region of the user pool (derived from the pool id when absent).')
            [CompletionResult]::new('--user-pool-id', '--user-pool-id', [CompletionResultType]::ParameterName, 'Cognito user pool id, e.g. us-east-1_AbCdEf123.')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'App client id.')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Callback URL registered on the app client (repeatable; a taken port moves to the next).')
            [CompletionResult]::new('--idp-endpoint', '--idp-endpoint', [CompletionResultType]::ParameterName, 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.')
            [CompletionResult]::new('--issuer-type', '--issuer-type', [CompletionResultType]::ParameterName, 'The pool''s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.')
            [CompletionResult]::new('--identity-pool-id', '--identity-pool-id', [CompletionResultType]::ParameterName, 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user''s ID token.')
            [CompletionResult]::new('--jwks-uri', '--jwks-uri', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks', '--jwks', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks-max-age', '--jwks-max-age', [CompletionResultType]::ParameterName, 'Refetch a cached JWKS older than this, so a removed key stops verifying.')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy''s.')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print them in the AWS CLI''s credential_process format, secrets included, on purpose')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cwsauth;connect' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'The URL, as wscat takes it (-c/--connect)')
            [CompletionResult]::new('--connect', '--connect', [CompletionResultType]::ParameterName, 'The URL, as wscat takes it (-c/--connect)')
            [CompletionResult]::new('--auth-header', '--auth-header', [CompletionResultType]::ParameterName, 'Header that carries the token (sent with the name as typed)')
            [CompletionResult]::new('--auth-scheme', '--auth-scheme', [CompletionResultType]::ParameterName, 'Scheme before the token; empty sends the raw token')
            [CompletionResult]::new('--auth-query', '--auth-query', [CompletionResultType]::ParameterName, 'Put the token in this query parameter instead of a header')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Use this token instead of the stored one')
            [CompletionResult]::new('--credentials-from', '--credentials-from', [CompletionResultType]::ParameterName, 'The source of AWS credentials: the profile''s identity pool (the default when it has one), or the AWS chain (AWS_ACCESS_KEY_ID…, then --aws-profile/AWS_PROFILE in ~/.aws)')
            [CompletionResult]::new('--role-arn', '--role-arn', [CompletionResultType]::ParameterName, 'A role of the identity pool''s role choice (CustomRoleArn), instead of its default role')
            [CompletionResult]::new('--aws-profile', '--aws-profile', [CompletionResultType]::ParameterName, 'A profile of ~/.aws/credentials and ~/.aws/config (keys, credential_process or SSO)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra header `Name: value` (repeatable), sent with the name as typed')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra header `Name: value` (repeatable), sent with the name as typed')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Subprotocol to offer (repeatable)')
            [CompletionResult]::new('--subprotocol', '--subprotocol', [CompletionResultType]::ParameterName, 'Subprotocol to offer (repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Origin header')
            [CompletionResult]::new('--origin', '--origin', [CompletionResultType]::ParameterName, 'Origin header')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host header')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file too (also the profile''s ca_file)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client key (PEM, unencrypted)')
            [CompletionResult]::new('--passphrase', '--passphrase', [CompletionResultType]::ParameterName, 'Not supported: a passphrase on the command line is visible to every user; decrypt the key')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Send this message after connecting (repeatable), then wait and exit')
            [CompletionResult]::new('--execute', '--execute', [CompletionResultType]::ParameterName, 'Send this message after connecting (repeatable), then wait and exit')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'After -x or the end of input, close once no frame has arrived for this long (seconds); -1 keeps the session open')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'After -x or the end of input, close once no frame has arrived for this long (seconds); -1 keeps the session open')
            [CompletionResult]::new('--max-redirects', '--max-redirects', [CompletionResultType]::ParameterName, 'Most redirects to follow with -L')
            [CompletionResult]::new('--proxy', '--proxy', [CompletionResultType]::ParameterName, 'Connect through this HTTP proxy (CONNECT); HTTPS_PROXY and NO_PROXY are honoured')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up when TCP, TLS and the WebSocket handshake take longer than this (seconds)')
            [CompletionResult]::new('--binary-format', '--binary-format', [CompletionResultType]::ParameterName, 'How received binary frames are shown')
            [CompletionResult]::new('--ping-interval', '--ping-interval', [CompletionResultType]::ParameterName, 'Send a ping this often (seconds)')
            [CompletionResult]::new('--ping-timeout', '--ping-timeout', [CompletionResultType]::ParameterName, 'A ping unanswered this long (seconds) means the connection is lost')
            [CompletionResult]::new('--max-messages', '--max-messages', [CompletionResultType]::ParameterName, 'Exit after this many received messages (exactly this many are printed)')
            [CompletionResult]::new('--max-frame-size', '--max-frame-size', [CompletionResultType]::ParameterName, 'Largest outgoing frame; longer messages are split (API Gateway: 32 KB)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile to use from the config file')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS region of the user pool (derived from the pool id when absent).')
            [CompletionResult]::new('--user-pool-id', '--user-pool-id', [CompletionResultType]::ParameterName, 'Cognito user pool id, e.g. us-east-1_AbCdEf123.')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'App client id.')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.')
            [CompletionResult]::new('--redirect-uri', '--redirect-uri', [CompletionResultType]::ParameterName, 'Callback URL registered on the app client (repeatable; a taken port moves to the next).')
            [CompletionResult]::new('--idp-endpoint', '--idp-endpoint', [CompletionResultType]::ParameterName, 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.')
            [CompletionResult]::new('--issuer', '--issuer', [CompletionResultType]::ParameterName, 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.')
            [CompletionResult]::new('--issuer-type', '--issuer-type', [CompletionResultType]::ParameterName, 'The pool''s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.')
            [CompletionResult]::new('--identity-pool-id', '--identity-pool-id', [CompletionResultType]::ParameterName, 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user''s ID token.')
            [CompletionResult]::new('--jwks-uri', '--jwks-uri', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks', '--jwks', [CompletionResultType]::ParameterName, 'JWKS URL or file; default {issuer}/.well-known/jwks.json.')
            [CompletionResult]::new('--jwks-max-age', '--jwks-max-age', [CompletionResultType]::ParameterName, 'Refetch a cached JWKS older than this, so a removed key stops verifying.')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy''s.')
            [CompletionResult]::new('--id-token', '--id-token', [CompletionResultType]::ParameterName, 'Send the ID token instead of the access token')
            [CompletionResult]::new('--no-auth', '--no-auth', [CompletionResultType]::ParameterName, 'Send no token')
            [CompletionResult]::new('--iam', '--iam', [CompletionResultType]::ParameterName, 'Sign the upgrade with SigV4 (execute-api) instead of sending a token, for AWS_IAM routes; credentials from the profile''s identity pool, else the AWS chain (see --credentials-from)')
            [CompletionResult]::new('--iam-query', '--iam-query', [CompletionResultType]::ParameterName, 'With --iam: a presigned URL (X-Amz-* in the query, as browsers must) instead of headers')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Do not check the server''s TLS certificate')
            [CompletionResult]::new('--no-check', '--no-check', [CompletionResultType]::ParameterName, 'Do not check the server''s TLS certificate')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Show pings and pongs')
            [CompletionResult]::new('--show-ping-pong', '--show-ping-pong', [CompletionResultType]::ParameterName, 'Show pings and pongs')
            [CompletionResult]::new('--slash', '--slash', [CompletionResultType]::ParameterName, 'Enable /ping [data], /pong [data] and /close [code [reason]]')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Follow redirects of the handshake (credentials are dropped when the origin changes)')
            [CompletionResult]::new('--location', '--location', [CompletionResultType]::ParameterName, 'Follow redirects of the handshake (credentials are dropped when the origin changes)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (also NO_COLOR)')
            [CompletionResult]::new('--binary', '--binary', [CompletionResultType]::ParameterName, 'Send each line of input as a binary frame, byte for byte (no UTF-8 needed)')
            [CompletionResult]::new('--reconnect', '--reconnect', [CompletionResultType]::ParameterName, 'Reconnect after a lost or abnormally closed connection, with a fresh token each time')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON messages')
            [CompletionResult]::new('--timestamps', '--timestamps', [CompletionResultType]::ParameterName, 'Prefix lines with the time')
            [CompletionResult]::new('--jsonl', '--jsonl', [CompletionResultType]::ParameterName, 'Print one JSON event per line (open, message, ping, pong, close, error)')
            [CompletionResult]::new('-1', '-1', [CompletionResultType]::ParameterName, 'Exit after the first received message')
            [CompletionResult]::new('--one-message', '--one-message', [CompletionResultType]::ParameterName, 'Exit after the first received message')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cwsauth;demo' {
            [CompletionResult]::new('--browser-command', '--browser-command', [CompletionResultType]::ParameterName, 'Run this command with the URL as its last argument instead of the system browser (split as a shell would: quotes and spaces work)')
            [CompletionResult]::new('--browser', '--browser', [CompletionResultType]::ParameterName, 'Sign in with the system browser instead of the built-in one (or the command of --browser-command / CWSAUTH_BROWSER; the address is printed either way)')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Only print the URL (wins over --browser-command and CWSAUTH_BROWSER)')
            [CompletionResult]::new('--functions', '--functions', [CompletionResultType]::ParameterName, 'Run the authorizer as a real Lambda function: the cwsauth-authorizer binary (built next to cwsauth by `cargo build --release --workspace`, or on PATH) behind the Runtime API')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cwsauth;local' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on (0 picks a free one)')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to listen on; anything but loopback exposes the emulator to the network')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'A user of the pool (repeatable); without any, user demo with password Demo-Passw0rd!. Options: totp=BASE32SECRET (software-token MFA), temporary (a new password at first sign-in)')
            [CompletionResult]::new('--token-ttl', '--token-ttl', [CompletionResultType]::ParameterName, 'Lifetime of access and ID tokens (e.g. 1h, 5m, 30s)')
            [CompletionResult]::new('--callback-url', '--callback-url', [CompletionResultType]::ParameterName, 'Another callback (and sign-out) URL for the app clients, besides http://localhost:3000')
            [CompletionResult]::new('--identity-source', '--identity-source', [CompletionResultType]::ParameterName, 'Where the authorizer takes the token: header:NAME or query:NAME (or API Gateway''s route.request.header.NAME); repeatable for an authorizer function, all must be present')
            [CompletionResult]::new('--require-group', '--require-group', [CompletionResultType]::ParameterName, 'Deny (403) WebSocket connections of users outside this group (repeatable)')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Close WebSocket connections idle this long (the default is API Gateway''s)')
            [CompletionResult]::new('--max-connection-time', '--max-connection-time', [CompletionResultType]::ParameterName, 'Close WebSocket connections after this long (the default is API Gateway''s)')
            [CompletionResult]::new('--code-ttl', '--code-ttl', [CompletionResultType]::ParameterName, 'Lifetime of authorization codes (Cognito: 5m); shorter only to test expiry')
            [CompletionResult]::new('--auth-flows', '--auth-flows', [CompletionResultType]::ParameterName, 'The InitiateAuth flows the app clients allow, comma-separated (Cognito''s ExplicitAuthFlows; default all: USER_PASSWORD_AUTH, USER_SRP_AUTH, USER_AUTH, REFRESH_TOKEN_AUTH)')
            [CompletionResult]::new('--refresh-token-grace', '--refresh-token-grace', [CompletionResultType]::ParameterName, 'Seconds a rotated-away refresh token is still taken (Cognito''s RetryGracePeriodSeconds)')
            [CompletionResult]::new('--issuer-format', '--issuer-format', [CompletionResultType]::ParameterName, 'Issue AWS''s `iss` (https://cognito-idp.… or, updated, https://issuer-cognito-idp.…) instead of the emulator''s URL; its keys stay on the emulator (jwks_uri)')
            [CompletionResult]::new('--write-profile', '--write-profile', [CompletionResultType]::ParameterName, 'Write profile NAME (public client) and NAME-m2m (confidential client) for this instance')
            [CompletionResult]::new('--function', '--function', [CompletionResultType]::ParameterName, 'A Lambda function: NAME=COMMAND (started with the Lambda Runtime API) or NAME=http://HOST:PORT[#FUNCTION] (a running emulator''s Invoke API). Repeatable')
            [CompletionResult]::new('--function-env', '--function-env', [CompletionResultType]::ParameterName, 'An environment variable of a function (repeatable)')
            [CompletionResult]::new('--function-timeout', '--function-timeout', [CompletionResultType]::ParameterName, 'A function''s timeout (default 3s, Lambda''s)')
            [CompletionResult]::new('--function-concurrency', '--function-concurrency', [CompletionResultType]::ParameterName, 'Most processes of a started function at once (default 4; 1 runs one invocation at a time, in order)')
            [CompletionResult]::new('--function-dir', '--function-dir', [CompletionResultType]::ParameterName, 'The folder a started function runs in')
            [CompletionResult]::new('--route', '--route', [CompletionResultType]::ParameterName, 'A route and its function: KEY=NAME with KEY $connect, $disconnect, $default or your own')
            [CompletionResult]::new('--two-way', '--two-way', [CompletionResultType]::ParameterName, 'A route whose function''s answer (its body) goes back to the client (a route response)')
            [CompletionResult]::new('--authorizer', '--authorizer', [CompletionResultType]::ParameterName, 'The REQUEST authorizer on $connect: a function, instead of the built-in Cognito one')
            [CompletionResult]::new('--route-auth', '--route-auth', [CompletionResultType]::ParameterName, 'How $connect is authorized without a function: ''$connect=AWS_IAM'' (SigV4 with the emulator''s credentials, --iam-credentials) or ''$connect=NONE''')
            [CompletionResult]::new('--iam-credentials', '--iam-credentials', [CompletionResultType]::ParameterName, 'Credentials an AWS_IAM route accepts (repeatable); default the documented test pair AKIACWSAUTHLOCAL0001:cwsauth-local-iam-secret')
            [CompletionResult]::new('--route-selection', '--route-selection', [CompletionResultType]::ParameterName, 'The route selection expression')
            [CompletionResult]::new('--trigger', '--trigger', [CompletionResultType]::ParameterName, 'The pool''s pre-token-generation trigger: a function that shapes every token issued (V1_0: the ID token, Cognito''s default; V2_0: ID and access tokens; V3_0: also M2M)')
            [CompletionResult]::new('--aws-endpoint', '--aws-endpoint', [CompletionResultType]::ParameterName, 'Where the functions'' other AWS calls go (AWS_ENDPOINT_URL): a local DynamoDB such as ministack, moto or DynamoDB Local; the template''s tables are created there at start')
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'Read routes, authorizer and functions from a CloudFormation or SAM template (JSON): Python and Node functions run from their code as deployed; --function overrides')
            [CompletionResult]::new('--rotate-refresh-tokens', '--rotate-refresh-tokens', [CompletionResultType]::ParameterName, 'Rotate refresh tokens: each refresh returns a new one and retires the old (REFRESH_TOKEN_AUTH is then refused: GetTokensFromRefreshToken or /oauth2/token)')
            [CompletionResult]::new('--persist', '--persist', [CompletionResultType]::ParameterName, 'Keep the signing keys under CWSAUTH_HOME so tokens stay valid across restarts')
            [CompletionResult]::new('--mfa-required', '--mfa-required', [CompletionResultType]::ParameterName, 'Require MFA (Cognito''s MfaConfiguration ON): a user without one enrolls a software token at sign-in (MFA_SETUP), in the JSON API and the hosted UI')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print the confidential client''s secret in the banner (otherwise it goes only into the NAME-m2m profile that --write-profile writes)')
            [CompletionResult]::new('--cold-starts', '--cold-starts', [CompletionResultType]::ParameterName, 'Start each function''s first process at its first invocation, as Lambda does, to see real cold starts (by default every function starts one when the emulator starts)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cwsauth;completions' {
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Print the config file''s profile names, one per line (what the scripts complete `--profile` with)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cwsauth;help' {
            [CompletionResult]::new('configure', 'configure', [CompletionResultType]::ParameterValue, 'Write a profile (asks on a terminal), fill it by discovery, or show it resolved')
            [CompletionResult]::new('decode', 'decode', [CompletionResultType]::ParameterValue, 'Print a token''s header and claims without verifying it')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify a token exactly as a Cognito JWT authorizer does')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in through the hosted UI (browser), or headless with --password, --srp or --client-credentials')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print a usable token (refreshed when it is about to expire) and nothing else')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show who is logged in with the profile, and until when')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Revoke the refresh token and delete the stored tokens')
            [CompletionResult]::new('signup', 'signup', [CompletionResultType]::ParameterValue, 'Make a new user of the pool headless (SignUp, then ConfirmSignUp with the code it sent)')
            [CompletionResult]::new('mfa', 'mfa', [CompletionResultType]::ParameterValue, 'Multi-factor authentication: `mfa setup` enrolls a software token, `mfa forget` deletes a kept secret')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print a request signed with SigV4 for an AWS_IAM route: its headers, or a presigned URL')
            [CompletionResult]::new('verify-signature', 'verify-signature', [CompletionResultType]::ParameterValue, 'Check a captured SigV4-signed request against your credentials, naming what differs')
            [CompletionResult]::new('credentials', 'credentials', [CompletionResultType]::ParameterValue, 'Print the AWS credentials IAM signing uses (none of their secrets unless --json)')
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Open an authenticated WebSocket session, with wscat''s flags and habits')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'The whole loop on 127.0.0.1: local user pool, hosted-UI login, verify, WebSocket')
            [CompletionResult]::new('local', 'local', [CompletionResultType]::ParameterValue, 'Run a local Cognito user pool and API Gateway WebSocket API on 127.0.0.1')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cwsauth;help;configure' {
            break
        }
        'cwsauth;help;decode' {
            break
        }
        'cwsauth;help;verify' {
            break
        }
        'cwsauth;help;login' {
            break
        }
        'cwsauth;help;token' {
            break
        }
        'cwsauth;help;status' {
            break
        }
        'cwsauth;help;logout' {
            break
        }
        'cwsauth;help;signup' {
            break
        }
        'cwsauth;help;mfa' {
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Enroll a software token (TOTP) for the logged-in user and make it the preferred MFA')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Delete the TOTP secret `mfa setup --keep-secret` kept (the enrollment stays)')
            break
        }
        'cwsauth;help;mfa;setup' {
            break
        }
        'cwsauth;help;mfa;forget' {
            break
        }
        'cwsauth;help;sign' {
            break
        }
        'cwsauth;help;verify-signature' {
            break
        }
        'cwsauth;help;credentials' {
            break
        }
        'cwsauth;help;connect' {
            break
        }
        'cwsauth;help;demo' {
            break
        }
        'cwsauth;help;local' {
            break
        }
        'cwsauth;help;completions' {
            break
        }
        'cwsauth;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
