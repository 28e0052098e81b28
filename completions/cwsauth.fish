# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_cwsauth_global_optspecs
    string join \n v/verbose h/help V/version
end

function __fish_cwsauth_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_cwsauth_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_cwsauth_using_subcommand
    set -l cmd (__fish_cwsauth_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c cwsauth -n "__fish_cwsauth_needs_command" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -s h -l help -d 'Print help'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -f -a "configure" -d 'Write a profile (asks on a terminal), fill it by discovery, or show it resolved'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -f -a "decode" -d 'Print a token\'s header and claims without verifying it'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -f -a "verify" -d 'Verify a token exactly as a Cognito JWT authorizer does'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -f -a "login" -d 'Log in through the hosted UI (browser), or headless with --password, --srp or --client-credentials'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -f -a "token" -d 'Print a usable token (refreshed when it is about to expire) and nothing else'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -f -a "status" -d 'Show who is logged in with the profile, and until when'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -f -a "logout" -d 'Revoke the refresh token and delete the stored tokens'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -f -a "signup" -d 'Make a new user of the pool headless (SignUp, then ConfirmSignUp with the code it sent)'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -f -a "mfa" -d 'Multi-factor authentication: `mfa setup` enrolls a software token, `mfa forget` deletes a kept secret'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -f -a "sign" -d 'Print a request signed with SigV4 for an AWS_IAM route: its headers, or a presigned URL'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -f -a "verify-signature" -d 'Check a captured SigV4-signed request against your credentials, naming what differs'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -f -a "credentials" -d 'Print the AWS credentials IAM signing uses (none of their secrets unless --json)'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -f -a "connect" -d 'Open an authenticated WebSocket session, with wscat\'s flags and habits'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -f -a "demo" -d 'The whole loop on 127.0.0.1: local user pool, hosted-UI login, verify, WebSocket'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -f -a "local" -d 'Run a local Cognito user pool and API Gateway WebSocket API on 127.0.0.1'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l region -d 'AWS region of the user pool (derived from the pool id when absent).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l user-pool-id -d 'Cognito user pool id, e.g. us-east-1_AbCdEf123.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l client-id -d 'App client id.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l domain -d 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l redirect-uri -d 'Callback URL registered on the app client (repeatable; a taken port moves to the next).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l scopes -d 'Scopes to request at login, space-separated.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l ws-url -d 'Default WebSocket URL for `connect`.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l idp-endpoint -d 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l issuer -d 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l issuer-type -d 'The pool\'s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.' -r -f -a "original\t''
updated\t''"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l identity-pool-id -d 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user\'s ID token.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l jwks-uri -l jwks -d 'JWKS URL or file; default {issuer}/.well-known/jwks.json.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l jwks-max-age -d 'Refetch a cached JWKS older than this, so a removed key stops verifying.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l ca-file -d 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy\'s.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l store -d 'Token store at login: keyring or file (default: the keyring when one answers); later commands use the store the login chose.' -r -f -a "keyring\t''
file\t''"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l profile -d 'The profile to use from the config file' -r -f -a "(cwsauth completions --profiles 2>/dev/null)"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l show -d 'Print the resolved profile with the source of each value, and change nothing'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l json -d 'With --show, print JSON'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l discover -d 'Fill issuer, jwks_uri and domain from {issuer}/.well-known/openid-configuration'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l no-input -d 'Never ask: with nothing to set, name what is missing instead'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand decode" -l now -d 'Evaluate relative times at this Unix time instead of now' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand decode" -l profile -d 'The profile to use from the config file' -r -f -a "(cwsauth completions --profiles 2>/dev/null)"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand decode" -l json -d 'Print one JSON object instead of the report'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand decode" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand decode" -s h -l help -d 'Print help'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand decode" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l token-use -d 'Which token is accepted' -r -f -a "access\t''
id\t''
any\t''"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l client-id -d 'Accepted app client id (repeatable); default the profile\'s client_id' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l scope -d 'Require one of these scopes (repeatable)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l group -d 'Require membership in one of these groups (repeatable; cognito:groups)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l leeway -d 'Seconds of clock skew allowed on exp, nbf and iat' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l now -d 'Evaluate at this Unix time instead of now' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l method-arn -d 'Resource of the policy; default the event\'s methodArn or arn:aws:execute-api:{region}:*:*/*/$connect' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l context -d 'Add KEY=VALUE to the context (repeatable)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l principal-id -d 'principalId of the policy; default the token\'s username (or sub)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l effect -d 'What an invalid token gets' -r -f -a "unauthorized\t'An invalid token gets the authorizer\'s `Unauthorized` (API Gateway answers 401)'
deny-on-invalid\t'An invalid token gets a Deny policy (API Gateway answers 403)'"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l event -d 'Replay an API Gateway $connect authorizer event (JSON) and take the token from it' -r -F
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l identity-source -d 'Where the event carries the token: header:NAME or query:NAME' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l profile -d 'The profile to use from the config file' -r -f -a "(cwsauth completions --profiles 2>/dev/null)"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l region -d 'AWS region of the user pool (derived from the pool id when absent).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l user-pool-id -d 'Cognito user pool id, e.g. us-east-1_AbCdEf123.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l issuer -d 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l issuer-type -d 'The pool\'s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.' -r -f -a "original\t''
updated\t''"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l jwks-uri -l jwks -d 'JWKS URL or file; default {issuer}/.well-known/jwks.json.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l jwks-max-age -d 'Refetch a cached JWKS older than this, so a removed key stops verifying.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l ca-file -d 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy\'s.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l any-client -d 'Skip the app client check (the token may come from any client of the pool)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l refresh-keys -d 'Fetch the pool\'s keys again instead of using the cached ones (the server\'s view after its keys changed; not within 10 s of the last fetch)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l json -d 'Print one JSON object: {valid, error, header, claims} (with --authorizer: the answer too)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l authorizer -d 'Print what a Lambda REQUEST authorizer returns: the policy and context'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l otp-command -d 'Runs CMD (in a shell) once a one-time code is sent and takes its first line as the code (CWSAUTH_OTP_CHALLENGE, CWSAUTH_OTP_DESTINATION and CWSAUTH_USERNAME in its environment)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l username -d 'User name for --password and --srp (asked on a terminal otherwise)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l scope -d 'Scope to request (repeatable); default the profile\'s scopes' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l identity-provider -d 'Send the user to this federated identity provider' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l prompt -d 'Ask the hosted UI to show the sign-in form even with a session (e.g. login)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l login-hint -d 'Prefill the user name on the sign-in form' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l timeout -d 'Give up waiting for the browser after this long' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l store -d 'Where to keep the tokens (default: the profile\'s store, else the keyring when one answers, else a file); later commands use what the login chose' -r -f -a "keyring\t''
file\t''"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l browser-command -d 'Run this command with the URL as its last argument instead of the system browser (split as a shell would: quotes and spaces work)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l profile -d 'The profile to use from the config file' -r -f -a "(cwsauth completions --profiles 2>/dev/null)"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l region -d 'AWS region of the user pool (derived from the pool id when absent).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l user-pool-id -d 'Cognito user pool id, e.g. us-east-1_AbCdEf123.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l client-id -d 'App client id.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l domain -d 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l redirect-uri -d 'Callback URL registered on the app client (repeatable; a taken port moves to the next).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l idp-endpoint -d 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l issuer -d 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l issuer-type -d 'The pool\'s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.' -r -f -a "original\t''
updated\t''"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l identity-pool-id -d 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user\'s ID token.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l jwks-uri -l jwks -d 'JWKS URL or file; default {issuer}/.well-known/jwks.json.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l jwks-max-age -d 'Refetch a cached JWKS older than this, so a removed key stops verifying.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l ca-file -d 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy\'s.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l password -d 'Headless: USER_PASSWORD_AUTH on the JSON API (password from CWSAUTH_PASSWORD or a prompt)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l srp -d 'Headless: USER_SRP_AUTH, the password never leaves this machine'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l client-credentials -d 'Machine to machine: client_credentials with the client secret; no refresh token'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l email-otp -d 'Passwordless: a one-time code by email (USER_AUTH with EMAIL_OTP)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l sms-otp -d 'Passwordless: a one-time code by SMS (USER_AUTH with SMS_OTP)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l enroll-totp -d 'When the pool requires MFA and the user has none (MFA_SETUP): enroll a software token without an app and keep its secret in the profile\'s store (as `mfa setup --keep-secret`)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -l no-browser -d 'Only print the URL (wins over --browser-command and CWSAUTH_BROWSER)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand login" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand token" -l min-ttl -d 'Refresh first when the access token expires within this many seconds' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand token" -l profile -d 'The profile to use from the config file' -r -f -a "(cwsauth completions --profiles 2>/dev/null)"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand token" -l region -d 'AWS region of the user pool (derived from the pool id when absent).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand token" -l user-pool-id -d 'Cognito user pool id, e.g. us-east-1_AbCdEf123.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand token" -l client-id -d 'App client id.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand token" -l domain -d 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand token" -l redirect-uri -d 'Callback URL registered on the app client (repeatable; a taken port moves to the next).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand token" -l idp-endpoint -d 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand token" -l issuer -d 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand token" -l issuer-type -d 'The pool\'s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.' -r -f -a "original\t''
updated\t''"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand token" -l identity-pool-id -d 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user\'s ID token.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand token" -l jwks-uri -l jwks -d 'JWKS URL or file; default {issuer}/.well-known/jwks.json.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand token" -l jwks-max-age -d 'Refetch a cached JWKS older than this, so a removed key stops verifying.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand token" -l ca-file -d 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy\'s.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand token" -l access -d 'The access token (the default)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand token" -l id -d 'The ID token'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand token" -l refresh -d 'The refresh token'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand token" -l json -d 'Print {"token", "token_type", "expires_at", "expires_in", "username"} as JSON'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand token" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand token" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand status" -l profile -d 'The profile to use from the config file' -r -f -a "(cwsauth completions --profiles 2>/dev/null)"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand status" -l region -d 'AWS region of the user pool (derived from the pool id when absent).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand status" -l user-pool-id -d 'Cognito user pool id, e.g. us-east-1_AbCdEf123.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand status" -l client-id -d 'App client id.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand status" -l domain -d 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand status" -l redirect-uri -d 'Callback URL registered on the app client (repeatable; a taken port moves to the next).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand status" -l idp-endpoint -d 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand status" -l issuer -d 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand status" -l issuer-type -d 'The pool\'s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.' -r -f -a "original\t''
updated\t''"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand status" -l identity-pool-id -d 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user\'s ID token.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand status" -l jwks-uri -l jwks -d 'JWKS URL or file; default {issuer}/.well-known/jwks.json.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand status" -l jwks-max-age -d 'Refetch a cached JWKS older than this, so a removed key stops verifying.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand status" -l ca-file -d 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy\'s.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand status" -l json -d 'Print one JSON object (also when logged out)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand status" -l check -d 'Ask the server whether the session is still alive (a refresh), not only the store'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand status" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand status" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand logout" -l browser-command -d 'Run this command with the URL as its last argument instead of the system browser (split as a shell would: quotes and spaces work)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand logout" -l profile -d 'The profile to use from the config file' -r -f -a "(cwsauth completions --profiles 2>/dev/null)"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand logout" -l region -d 'AWS region of the user pool (derived from the pool id when absent).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand logout" -l user-pool-id -d 'Cognito user pool id, e.g. us-east-1_AbCdEf123.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand logout" -l client-id -d 'App client id.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand logout" -l domain -d 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand logout" -l redirect-uri -d 'Callback URL registered on the app client (repeatable; a taken port moves to the next).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand logout" -l idp-endpoint -d 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand logout" -l issuer -d 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand logout" -l issuer-type -d 'The pool\'s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.' -r -f -a "original\t''
updated\t''"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand logout" -l identity-pool-id -d 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user\'s ID token.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand logout" -l jwks-uri -l jwks -d 'JWKS URL or file; default {issuer}/.well-known/jwks.json.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand logout" -l jwks-max-age -d 'Refetch a cached JWKS older than this, so a removed key stops verifying.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand logout" -l ca-file -d 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy\'s.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand logout" -l everywhere -d 'Also end the hosted UI session in the browser (/logout)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand logout" -l no-browser -d 'Only print the URL (wins over --browser-command and CWSAUTH_BROWSER)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand logout" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand logout" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand logout" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand signup" -l username -d 'The new user\'s name' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand signup" -l email -d 'The new user\'s email (where the pool sends the confirmation code)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand signup" -l otp-command -d 'Runs CMD (in a shell) once the confirmation code is sent and takes its first line as the code (CWSAUTH_OTP_CHALLENGE, CWSAUTH_OTP_DESTINATION and CWSAUTH_USERNAME in its environment)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand signup" -l timeout -d 'How long to wait for --otp-command' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand signup" -l profile -d 'The profile to use from the config file' -r -f -a "(cwsauth completions --profiles 2>/dev/null)"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand signup" -l region -d 'AWS region of the user pool (derived from the pool id when absent).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand signup" -l user-pool-id -d 'Cognito user pool id, e.g. us-east-1_AbCdEf123.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand signup" -l client-id -d 'App client id.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand signup" -l domain -d 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand signup" -l redirect-uri -d 'Callback URL registered on the app client (repeatable; a taken port moves to the next).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand signup" -l idp-endpoint -d 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand signup" -l issuer -d 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand signup" -l issuer-type -d 'The pool\'s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.' -r -f -a "original\t''
updated\t''"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand signup" -l identity-pool-id -d 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user\'s ID token.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand signup" -l jwks-uri -l jwks -d 'JWKS URL or file; default {issuer}/.well-known/jwks.json.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand signup" -l jwks-max-age -d 'Refetch a cached JWKS older than this, so a removed key stops verifying.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand signup" -l ca-file -d 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy\'s.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand signup" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand signup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand signup" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and not __fish_seen_subcommand_from setup forget help" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and not __fish_seen_subcommand_from setup forget help" -s h -l help -d 'Print help'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and not __fish_seen_subcommand_from setup forget help" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and not __fish_seen_subcommand_from setup forget help" -f -a "setup" -d 'Enroll a software token (TOTP) for the logged-in user and make it the preferred MFA'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and not __fish_seen_subcommand_from setup forget help" -f -a "forget" -d 'Delete the TOTP secret `mfa setup --keep-secret` kept (the enrollment stays)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and not __fish_seen_subcommand_from setup forget help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from setup" -l device-name -d 'The name the pool keeps for the device' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from setup" -l profile -d 'The profile to use from the config file' -r -f -a "(cwsauth completions --profiles 2>/dev/null)"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from setup" -l region -d 'AWS region of the user pool (derived from the pool id when absent).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from setup" -l user-pool-id -d 'Cognito user pool id, e.g. us-east-1_AbCdEf123.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from setup" -l client-id -d 'App client id.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from setup" -l domain -d 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from setup" -l redirect-uri -d 'Callback URL registered on the app client (repeatable; a taken port moves to the next).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from setup" -l idp-endpoint -d 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from setup" -l issuer -d 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from setup" -l issuer-type -d 'The pool\'s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.' -r -f -a "original\t''
updated\t''"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from setup" -l identity-pool-id -d 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user\'s ID token.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from setup" -l jwks-uri -l jwks -d 'JWKS URL or file; default {issuer}/.well-known/jwks.json.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from setup" -l jwks-max-age -d 'Refetch a cached JWKS older than this, so a removed key stops verifying.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from setup" -l ca-file -d 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy\'s.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from setup" -l print-secret -d 'Enroll without an app: compute the first code and print the secret on stdout (for a test user\'s CWSAUTH_TOTP_SECRET; whoever holds it passes the second factor)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from setup" -l keep-secret -d 'Keep the secret in the profile\'s store (keyring, or a 0600 file), so password and SRP logins answer the code themselves: this machine becomes the second factor'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from setup" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from setup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from setup" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from forget" -l profile -d 'The profile to use from the config file' -r -f -a "(cwsauth completions --profiles 2>/dev/null)"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from forget" -l region -d 'AWS region of the user pool (derived from the pool id when absent).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from forget" -l user-pool-id -d 'Cognito user pool id, e.g. us-east-1_AbCdEf123.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from forget" -l client-id -d 'App client id.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from forget" -l domain -d 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from forget" -l redirect-uri -d 'Callback URL registered on the app client (repeatable; a taken port moves to the next).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from forget" -l idp-endpoint -d 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from forget" -l issuer -d 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from forget" -l issuer-type -d 'The pool\'s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.' -r -f -a "original\t''
updated\t''"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from forget" -l identity-pool-id -d 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user\'s ID token.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from forget" -l jwks-uri -l jwks -d 'JWKS URL or file; default {issuer}/.well-known/jwks.json.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from forget" -l jwks-max-age -d 'Refetch a cached JWKS older than this, so a removed key stops verifying.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from forget" -l ca-file -d 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy\'s.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from forget" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from forget" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from forget" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from help" -f -a "setup" -d 'Enroll a software token (TOTP) for the logged-in user and make it the preferred MFA'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from help" -f -a "forget" -d 'Delete the TOTP secret `mfa setup --keep-secret` kept (the enrollment stays)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand mfa; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -l expires -d 'How long a presigned URL is valid, in seconds (at most 604800, a week)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -l signing-time -d 'Sign as of this time (RFC 3339, or X-Amz-Date\'s 20261207T120000Z) instead of now, to reproduce another signer\'s signature' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -l signing-region -d 'The region signed for; default the execute-api host\'s, else AWS_REGION, the profile\'s' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -l credentials-from -d 'The source of AWS credentials: the profile\'s identity pool (the default when it has one), or the AWS chain (AWS_ACCESS_KEY_ID…, then --aws-profile/AWS_PROFILE in ~/.aws)' -r -f -a "identity-pool\t'The profile\'s Cognito identity pool, for the logged-in user\'s ID token'
aws\t'The standard AWS chain: the environment, then a shared profile of ~/.aws'"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -l role-arn -d 'A role of the identity pool\'s role choice (CustomRoleArn), instead of its default role' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -l aws-profile -d 'A profile of ~/.aws/credentials and ~/.aws/config (keys, credential_process or SSO)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -l profile -d 'The profile to use from the config file' -r -f -a "(cwsauth completions --profiles 2>/dev/null)"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -l region -d 'AWS region of the user pool (derived from the pool id when absent).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -l user-pool-id -d 'Cognito user pool id, e.g. us-east-1_AbCdEf123.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -l client-id -d 'App client id.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -l domain -d 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -l redirect-uri -d 'Callback URL registered on the app client (repeatable; a taken port moves to the next).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -l idp-endpoint -d 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -l issuer -d 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -l issuer-type -d 'The pool\'s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.' -r -f -a "original\t''
updated\t''"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -l identity-pool-id -d 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user\'s ID token.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -l jwks-uri -l jwks -d 'JWKS URL or file; default {issuer}/.well-known/jwks.json.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -l jwks-max-age -d 'Refetch a cached JWKS older than this, so a removed key stops verifying.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -l ca-file -d 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy\'s.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -l iam -d 'Signs with SigV4 (execute-api); the default and, for now, the only way'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -l query -d 'A presigned URL (X-Amz-* in the query) instead of headers'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -l json -d 'Print {"method", "url", "headers"} as JSON'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand sign" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify-signature" -l canonical-request -d 'Your client\'s canonical request (from its debug log): the first line that differs from the server\'s is named' -r -F
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify-signature" -l signing-region -d 'The region the API is in; default the execute-api host\'s, else the request\'s own' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify-signature" -l service -d 'The service signed for' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify-signature" -l credentials-from -d 'The source of AWS credentials: the profile\'s identity pool (the default when it has one), or the AWS chain (AWS_ACCESS_KEY_ID…, then --aws-profile/AWS_PROFILE in ~/.aws)' -r -f -a "identity-pool\t'The profile\'s Cognito identity pool, for the logged-in user\'s ID token'
aws\t'The standard AWS chain: the environment, then a shared profile of ~/.aws'"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify-signature" -l role-arn -d 'A role of the identity pool\'s role choice (CustomRoleArn), instead of its default role' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify-signature" -l aws-profile -d 'A profile of ~/.aws/credentials and ~/.aws/config (keys, credential_process or SSO)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify-signature" -l profile -d 'The profile to use from the config file' -r -f -a "(cwsauth completions --profiles 2>/dev/null)"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify-signature" -l region -d 'AWS region of the user pool (derived from the pool id when absent).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify-signature" -l user-pool-id -d 'Cognito user pool id, e.g. us-east-1_AbCdEf123.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify-signature" -l client-id -d 'App client id.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify-signature" -l domain -d 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify-signature" -l redirect-uri -d 'Callback URL registered on the app client (repeatable; a taken port moves to the next).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify-signature" -l idp-endpoint -d 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify-signature" -l issuer -d 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify-signature" -l issuer-type -d 'The pool\'s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.' -r -f -a "original\t''
updated\t''"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify-signature" -l identity-pool-id -d 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user\'s ID token.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify-signature" -l jwks-uri -l jwks -d 'JWKS URL or file; default {issuer}/.well-known/jwks.json.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify-signature" -l jwks-max-age -d 'Refetch a cached JWKS older than this, so a removed key stops verifying.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify-signature" -l ca-file -d 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy\'s.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify-signature" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify-signature" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify-signature" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand credentials" -l credentials-from -d 'The source of AWS credentials: the profile\'s identity pool (the default when it has one), or the AWS chain (AWS_ACCESS_KEY_ID…, then --aws-profile/AWS_PROFILE in ~/.aws)' -r -f -a "identity-pool\t'The profile\'s Cognito identity pool, for the logged-in user\'s ID token'
aws\t'The standard AWS chain: the environment, then a shared profile of ~/.aws'"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand credentials" -l role-arn -d 'A role of the identity pool\'s role choice (CustomRoleArn), instead of its default role' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand credentials" -l aws-profile -d 'A profile of ~/.aws/credentials and ~/.aws/config (keys, credential_process or SSO)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand credentials" -l profile -d 'The profile to use from the config file' -r -f -a "(cwsauth completions --profiles 2>/dev/null)"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand credentials" -l region -d 'AWS region of the user pool (derived from the pool id when absent).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand credentials" -l user-pool-id -d 'Cognito user pool id, e.g. us-east-1_AbCdEf123.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand credentials" -l client-id -d 'App client id.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand credentials" -l domain -d 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand credentials" -l redirect-uri -d 'Callback URL registered on the app client (repeatable; a taken port moves to the next).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand credentials" -l idp-endpoint -d 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand credentials" -l issuer -d 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand credentials" -l issuer-type -d 'The pool\'s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.' -r -f -a "original\t''
updated\t''"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand credentials" -l identity-pool-id -d 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user\'s ID token.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand credentials" -l jwks-uri -l jwks -d 'JWKS URL or file; default {issuer}/.well-known/jwks.json.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand credentials" -l jwks-max-age -d 'Refetch a cached JWKS older than this, so a removed key stops verifying.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand credentials" -l ca-file -d 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy\'s.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand credentials" -l json -d 'Print them in the AWS CLI\'s credential_process format, secrets included, on purpose'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand credentials" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand credentials" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand credentials" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -s c -l connect -d 'The URL, as wscat takes it (-c/--connect)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l auth-header -d 'Header that carries the token (sent with the name as typed)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l auth-scheme -d 'Scheme before the token; empty sends the raw token' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l auth-query -d 'Put the token in this query parameter instead of a header' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l token -d 'Use this token instead of the stored one' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l credentials-from -d 'The source of AWS credentials: the profile\'s identity pool (the default when it has one), or the AWS chain (AWS_ACCESS_KEY_ID…, then --aws-profile/AWS_PROFILE in ~/.aws)' -r -f -a "identity-pool\t'The profile\'s Cognito identity pool, for the logged-in user\'s ID token'
aws\t'The standard AWS chain: the environment, then a shared profile of ~/.aws'"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l role-arn -d 'A role of the identity pool\'s role choice (CustomRoleArn), instead of its default role' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l aws-profile -d 'A profile of ~/.aws/credentials and ~/.aws/config (keys, credential_process or SSO)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -s H -l header -d 'Extra header `Name: value` (repeatable), sent with the name as typed' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -s s -l subprotocol -d 'Subprotocol to offer (repeatable)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -s o -l origin -d 'Origin header' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l host -d 'Host header' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l ca -d 'Trust the CA certificates in this PEM file too (also the profile\'s ca_file)' -r -F
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l cert -d 'Client certificate (PEM)' -r -F
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l key -d 'Client key (PEM, unencrypted)' -r -F
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l passphrase -d 'Not supported: a passphrase on the command line is visible to every user; decrypt the key' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -s x -l execute -d 'Send this message after connecting (repeatable), then wait and exit' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -s w -l wait -d 'After -x or the end of input, close once no frame has arrived for this long (seconds); -1 keeps the session open' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l max-redirects -d 'Most redirects to follow with -L' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l proxy -d 'Connect through this HTTP proxy (CONNECT); HTTPS_PROXY and NO_PROXY are honoured' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l connect-timeout -d 'Give up when TCP, TLS and the WebSocket handshake take longer than this (seconds)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l binary-format -d 'How received binary frames are shown' -r -f -a "hex\t''
base64\t''"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l ping-interval -d 'Send a ping this often (seconds)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l ping-timeout -d 'A ping unanswered this long (seconds) means the connection is lost' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l max-messages -d 'Exit after this many received messages (exactly this many are printed)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l max-frame-size -d 'Largest outgoing frame; longer messages are split (API Gateway: 32 KB)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l profile -d 'The profile to use from the config file' -r -f -a "(cwsauth completions --profiles 2>/dev/null)"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l region -d 'AWS region of the user pool (derived from the pool id when absent).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l user-pool-id -d 'Cognito user pool id, e.g. us-east-1_AbCdEf123.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l client-id -d 'App client id.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l domain -d 'Hosted UI domain: a prefix (with region), abc.auth.us-east-1.amazoncognito.com, a custom domain, or a URL.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l redirect-uri -d 'Callback URL registered on the app client (repeatable; a taken port moves to the next).' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l idp-endpoint -d 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l issuer -d 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l issuer-type -d 'The pool\'s issuer format (IssuerConfiguration.Type): original (https://cognito-idp.{region}.amazonaws.com/{pool}) or updated (https://issuer-cognito-idp.…); decides the derived issuer.' -r -f -a "original\t''
updated\t''"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l identity-pool-id -d 'Cognito identity pool (region:uuid) whose credentials `connect --iam` signs with, for the user\'s ID token.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l jwks-uri -l jwks -d 'JWKS URL or file; default {issuer}/.well-known/jwks.json.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l jwks-max-age -d 'Refetch a cached JWKS older than this, so a removed key stops verifying.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l ca-file -d 'Extra CA certificates (PEM) to trust for Cognito and JWKS calls, e.g. a TLS-inspecting proxy\'s.' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l id-token -d 'Send the ID token instead of the access token'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l no-auth -d 'Send no token'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l iam -d 'Sign the upgrade with SigV4 (execute-api) instead of sending a token, for AWS_IAM routes; credentials from the profile\'s identity pool, else the AWS chain (see --credentials-from)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l iam-query -d 'With --iam: a presigned URL (X-Amz-* in the query, as browsers must) instead of headers'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -s n -l no-check -d 'Do not check the server\'s TLS certificate'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -s P -l show-ping-pong -d 'Show pings and pongs'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l slash -d 'Enable /ping [data], /pong [data] and /close [code [reason]]'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -s L -l location -d 'Follow redirects of the handshake (credentials are dropped when the origin changes)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l no-color -d 'No colours (also NO_COLOR)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l binary -d 'Send each line of input as a binary frame, byte for byte (no UTF-8 needed)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l reconnect -d 'Reconnect after a lost or abnormally closed connection, with a fresh token each time'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l pretty -d 'Pretty-print JSON messages'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l timestamps -d 'Prefix lines with the time'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -l jsonl -d 'Print one JSON event per line (open, message, ping, pong, close, error)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -s 1 -l one-message -d 'Exit after the first received message'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand connect" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand demo" -l browser-command -d 'Run this command with the URL as its last argument instead of the system browser (split as a shell would: quotes and spaces work)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand demo" -l browser -d 'Sign in with the system browser instead of the built-in one (or the command of --browser-command / CWSAUTH_BROWSER; the address is printed either way)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand demo" -l no-browser -d 'Only print the URL (wins over --browser-command and CWSAUTH_BROWSER)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand demo" -l functions -d 'Run the authorizer as a real Lambda function: the cwsauth-authorizer binary (built next to cwsauth by `cargo build --release --workspace`, or on PATH) behind the Runtime API'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand demo" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand demo" -s h -l help -d 'Print help'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand demo" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l port -d 'Port to listen on (0 picks a free one)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l bind -d 'Address to listen on; anything but loopback exposes the emulator to the network' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l user -d 'A user of the pool (repeatable); without any, user demo with password Demo-Passw0rd!. Options: totp=BASE32SECRET (software-token MFA), temporary (a new password at first sign-in)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l token-ttl -d 'Lifetime of access and ID tokens (e.g. 1h, 5m, 30s)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l callback-url -d 'Another callback (and sign-out) URL for the app clients, besides http://localhost:3000' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l identity-source -d 'Where the authorizer takes the token: header:NAME or query:NAME (or API Gateway\'s route.request.header.NAME); repeatable for an authorizer function, all must be present' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l require-group -d 'Deny (403) WebSocket connections of users outside this group (repeatable)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l idle-timeout -d 'Close WebSocket connections idle this long (the default is API Gateway\'s)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l max-connection-time -d 'Close WebSocket connections after this long (the default is API Gateway\'s)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l code-ttl -d 'Lifetime of authorization codes (Cognito: 5m); shorter only to test expiry' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l auth-flows -d 'The InitiateAuth flows the app clients allow, comma-separated (Cognito\'s ExplicitAuthFlows; default all: USER_PASSWORD_AUTH, USER_SRP_AUTH, USER_AUTH, REFRESH_TOKEN_AUTH)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l refresh-token-grace -d 'Seconds a rotated-away refresh token is still taken (Cognito\'s RetryGracePeriodSeconds)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l issuer-format -d 'Issue AWS\'s `iss` (https://cognito-idp.… or, updated, https://issuer-cognito-idp.…) instead of the emulator\'s URL; its keys stay on the emulator (jwks_uri)' -r -f -a "original\t''
updated\t''"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l write-profile -d 'Write profile NAME (public client) and NAME-m2m (confidential client) for this instance' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l function -d 'A Lambda function: NAME=COMMAND (started with the Lambda Runtime API) or NAME=http://HOST:PORT[#FUNCTION] (a running emulator\'s Invoke API). Repeatable' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l function-env -d 'An environment variable of a function (repeatable)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l function-timeout -d 'A function\'s timeout (default 3s, Lambda\'s)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l function-concurrency -d 'Most processes of a started function at once (default 4; 1 runs one invocation at a time, in order)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l function-dir -d 'The folder a started function runs in' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l route -d 'A route and its function: KEY=NAME with KEY $connect, $disconnect, $default or your own' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l two-way -d 'A route whose function\'s answer (its body) goes back to the client (a route response)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l authorizer -d 'The REQUEST authorizer on $connect: a function, instead of the built-in Cognito one' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l route-auth -d 'How $connect is authorized without a function: \'$connect=AWS_IAM\' (SigV4 with the emulator\'s credentials, --iam-credentials) or \'$connect=NONE\'' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l iam-credentials -d 'Credentials an AWS_IAM route accepts (repeatable); default the documented test pair AKIACWSAUTHLOCAL0001:cwsauth-local-iam-secret' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l route-selection -d 'The route selection expression' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l trigger -d 'The pool\'s pre-token-generation trigger: a function that shapes every token issued (V1_0: the ID token, Cognito\'s default; V2_0: ID and access tokens; V3_0: also M2M)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l aws-endpoint -d 'Where the functions\' other AWS calls go (AWS_ENDPOINT_URL): a local DynamoDB such as ministack, moto or DynamoDB Local; the template\'s tables are created there at start' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l template -d 'Read routes, authorizer and functions from a CloudFormation or SAM template (JSON): Python and Node functions run from their code as deployed; --function overrides' -r -F
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l rotate-refresh-tokens -d 'Rotate refresh tokens: each refresh returns a new one and retires the old (REFRESH_TOKEN_AUTH is then refused: GetTokensFromRefreshToken or /oauth2/token)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l persist -d 'Keep the signing keys under CWSAUTH_HOME so tokens stay valid across restarts'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l mfa-required -d 'Require MFA (Cognito\'s MfaConfiguration ON): a user without one enrolls a software token at sign-in (MFA_SETUP), in the JSON API and the hosted UI'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l show-secrets -d 'Print the confidential client\'s secret in the banner (otherwise it goes only into the NAME-m2m profile that --write-profile writes)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l cold-starts -d 'Start each function\'s first process at its first invocation, as Lambda does, to see real cold starts (by default every function starts one when the emulator starts)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -s h -l help -d 'Print help'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand completions" -l profiles -d 'Print the config file\'s profile names, one per line (what the scripts complete `--profile` with)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand completions" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand completions" -s h -l help -d 'Print help'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand completions" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and not __fish_seen_subcommand_from configure decode verify login token status logout signup mfa sign verify-signature credentials connect demo local completions help" -f -a "configure" -d 'Write a profile (asks on a terminal), fill it by discovery, or show it resolved'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and not __fish_seen_subcommand_from configure decode verify login token status logout signup mfa sign verify-signature credentials connect demo local completions help" -f -a "decode" -d 'Print a token\'s header and claims without verifying it'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and not __fish_seen_subcommand_from configure decode verify login token status logout signup mfa sign verify-signature credentials connect demo local completions help" -f -a "verify" -d 'Verify a token exactly as a Cognito JWT authorizer does'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and not __fish_seen_subcommand_from configure decode verify login token status logout signup mfa sign verify-signature credentials connect demo local completions help" -f -a "login" -d 'Log in through the hosted UI (browser), or headless with --password, --srp or --client-credentials'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and not __fish_seen_subcommand_from configure decode verify login token status logout signup mfa sign verify-signature credentials connect demo local completions help" -f -a "token" -d 'Print a usable token (refreshed when it is about to expire) and nothing else'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and not __fish_seen_subcommand_from configure decode verify login token status logout signup mfa sign verify-signature credentials connect demo local completions help" -f -a "status" -d 'Show who is logged in with the profile, and until when'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and not __fish_seen_subcommand_from configure decode verify login token status logout signup mfa sign verify-signature credentials connect demo local completions help" -f -a "logout" -d 'Revoke the refresh token and delete the stored tokens'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and not __fish_seen_subcommand_from configure decode verify login token status logout signup mfa sign verify-signature credentials connect demo local completions help" -f -a "signup" -d 'Make a new user of the pool headless (SignUp, then ConfirmSignUp with the code it sent)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and not __fish_seen_subcommand_from configure decode verify login token status logout signup mfa sign verify-signature credentials connect demo local completions help" -f -a "mfa" -d 'Multi-factor authentication: `mfa setup` enrolls a software token, `mfa forget` deletes a kept secret'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and not __fish_seen_subcommand_from configure decode verify login token status logout signup mfa sign verify-signature credentials connect demo local completions help" -f -a "sign" -d 'Print a request signed with SigV4 for an AWS_IAM route: its headers, or a presigned URL'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and not __fish_seen_subcommand_from configure decode verify login token status logout signup mfa sign verify-signature credentials connect demo local completions help" -f -a "verify-signature" -d 'Check a captured SigV4-signed request against your credentials, naming what differs'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and not __fish_seen_subcommand_from configure decode verify login token status logout signup mfa sign verify-signature credentials connect demo local completions help" -f -a "credentials" -d 'Print the AWS credentials IAM signing uses (none of their secrets unless --json)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and not __fish_seen_subcommand_from configure decode verify login token status logout signup mfa sign verify-signature credentials connect demo local completions help" -f -a "connect" -d 'Open an authenticated WebSocket session, with wscat\'s flags and habits'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and not __fish_seen_subcommand_from configure decode verify login token status logout signup mfa sign verify-signature credentials connect demo local completions help" -f -a "demo" -d 'The whole loop on 127.0.0.1: local user pool, hosted-UI login, verify, WebSocket'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and not __fish_seen_subcommand_from configure decode verify login token status logout signup mfa sign verify-signature credentials connect demo local completions help" -f -a "local" -d 'Run a local Cognito user pool and API Gateway WebSocket API on 127.0.0.1'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and not __fish_seen_subcommand_from configure decode verify login token status logout signup mfa sign verify-signature credentials connect demo local completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and not __fish_seen_subcommand_from configure decode verify login token status logout signup mfa sign verify-signature credentials connect demo local completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and __fish_seen_subcommand_from mfa" -f -a "setup" -d 'Enroll a software token (TOTP) for the logged-in user and make it the preferred MFA'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and __fish_seen_subcommand_from mfa" -f -a "forget" -d 'Delete the TOTP secret `mfa setup --keep-secret` kept (the enrollment stays)'
