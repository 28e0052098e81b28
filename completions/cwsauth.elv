
use builtin;
use str;

set edit:completion:arg-completer[cwsauth] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'cwsauth'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'cwsauth'= {
            cand --profile 'The profile to use from the config file'
            cand -v 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand --verbose 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand configure 'Write or show a profile in the config file'
            cand decode 'Print a token''s header and claims without verifying it'
            cand verify 'Verify a token exactly as a Cognito JWT authorizer does'
            cand login 'Log in through the hosted UI (browser), or headless with --password, --srp or --client-credentials'
            cand token 'Print a usable token (refreshed when it is about to expire) and nothing else'
            cand status 'Show who is logged in with the profile, and until when'
            cand logout 'Revoke the refresh token and delete the stored tokens'
            cand connect 'Open an authenticated WebSocket session, with wscat''s flags and habits'
            cand demo 'The whole loop on 127.0.0.1: local user pool, hosted-UI login, verify, WebSocket'
            cand local 'Run a local Cognito user pool and API Gateway WebSocket API on 127.0.0.1'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cwsauth;configure'= {
            cand --scopes 'Scopes to request at login, space-separated'
            cand --ws-url 'Default WebSocket URL for `connect`'
            cand --client-id 'App client id'
            cand --domain 'Hosted UI domain: abc123.auth.us-east-1.amazoncognito.com, a bare prefix, a custom domain, or a URL'
            cand --redirect-uri 'Callback URL registered on the app client (repeatable; a taken port moves to the next)'
            cand --store 'Token store: keyring or file (default: the keyring when one answers)'
            cand --region 'AWS region of the user pool (derived from the pool id when absent)'
            cand --user-pool-id 'Cognito user pool id, e.g. us-east-1_AbCdEf123'
            cand --issuer 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}'
            cand --jwks-uri 'JWKS URL or file; default {issuer}/.well-known/jwks.json'
            cand --jwks 'JWKS URL or file; default {issuer}/.well-known/jwks.json'
            cand --idp-endpoint 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com'
            cand --profile 'The profile to use from the config file'
            cand --show 'Print the resolved profile with the source of each value, and change nothing'
            cand --json 'With --show, print JSON'
            cand --discover 'Fill issuer, jwks_uri and domain from {issuer}/.well-known/openid-configuration'
            cand -v 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand --verbose 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cwsauth;decode'= {
            cand --now 'Evaluate relative times at this Unix time instead of now'
            cand --profile 'The profile to use from the config file'
            cand --json 'Print one JSON object instead of the report'
            cand -v 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand --verbose 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cwsauth;verify'= {
            cand --token-use 'Which token is accepted'
            cand --client-id 'Accepted app client id (repeatable); default the profile''s client_id'
            cand --scope 'Require one of these scopes (repeatable)'
            cand --group 'Require membership in one of these groups (repeatable; cognito:groups)'
            cand --leeway 'Seconds of clock skew allowed on exp and nbf'
            cand --now 'Evaluate at this Unix time instead of now'
            cand --method-arn 'Resource of the policy; default the event''s methodArn or arn:aws:execute-api:{region}:*:*/*/$connect'
            cand --context 'Add KEY=VALUE to the context (repeatable)'
            cand --principal-id 'principalId of the policy; default the token''s username (or sub)'
            cand --effect 'What an invalid token gets'
            cand --event 'Replay an API Gateway $connect authorizer event (JSON) and take the token from it'
            cand --identity-source 'Where the event carries the token: header:NAME or query:NAME'
            cand --region 'AWS region of the user pool (derived from the pool id when absent)'
            cand --user-pool-id 'Cognito user pool id, e.g. us-east-1_AbCdEf123'
            cand --issuer 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}'
            cand --jwks-uri 'JWKS URL or file; default {issuer}/.well-known/jwks.json'
            cand --jwks 'JWKS URL or file; default {issuer}/.well-known/jwks.json'
            cand --idp-endpoint 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com'
            cand --profile 'The profile to use from the config file'
            cand --json 'Print {valid, error, header, claims} as JSON'
            cand --authorizer 'Print what a Lambda REQUEST authorizer returns: the policy and context'
            cand -v 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand --verbose 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cwsauth;login'= {
            cand --username 'User name for --password and --srp (asked on a terminal otherwise)'
            cand --scope 'Scope to request (repeatable); default the profile''s scopes'
            cand --identity-provider 'Send the user to this federated identity provider'
            cand --prompt 'Ask the hosted UI to show the sign-in form even with a session (e.g. login)'
            cand --login-hint 'Prefill the user name on the sign-in form'
            cand --timeout 'Give up waiting for the browser after this long'
            cand --browser-command 'Run this command with the URL as its last argument instead of the system browser'
            cand --client-id 'App client id'
            cand --domain 'Hosted UI domain: abc123.auth.us-east-1.amazoncognito.com, a bare prefix, a custom domain, or a URL'
            cand --redirect-uri 'Callback URL registered on the app client (repeatable; a taken port moves to the next)'
            cand --store 'Token store: keyring or file (default: the keyring when one answers)'
            cand --region 'AWS region of the user pool (derived from the pool id when absent)'
            cand --user-pool-id 'Cognito user pool id, e.g. us-east-1_AbCdEf123'
            cand --issuer 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}'
            cand --jwks-uri 'JWKS URL or file; default {issuer}/.well-known/jwks.json'
            cand --jwks 'JWKS URL or file; default {issuer}/.well-known/jwks.json'
            cand --idp-endpoint 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com'
            cand --profile 'The profile to use from the config file'
            cand --password 'Headless: USER_PASSWORD_AUTH on the JSON API (password from CWSAUTH_PASSWORD or a prompt)'
            cand --srp 'Headless: USER_SRP_AUTH, the password never leaves this machine'
            cand --client-credentials 'Machine to machine: client_credentials with the client secret; no refresh token'
            cand --no-browser 'Only print the URL (wins over --browser-command and CWSAUTH_BROWSER)'
            cand -v 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand --verbose 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cwsauth;token'= {
            cand --min-ttl 'Refresh first when the access token expires within this many seconds'
            cand --client-id 'App client id'
            cand --domain 'Hosted UI domain: abc123.auth.us-east-1.amazoncognito.com, a bare prefix, a custom domain, or a URL'
            cand --redirect-uri 'Callback URL registered on the app client (repeatable; a taken port moves to the next)'
            cand --store 'Token store: keyring or file (default: the keyring when one answers)'
            cand --region 'AWS region of the user pool (derived from the pool id when absent)'
            cand --user-pool-id 'Cognito user pool id, e.g. us-east-1_AbCdEf123'
            cand --issuer 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}'
            cand --jwks-uri 'JWKS URL or file; default {issuer}/.well-known/jwks.json'
            cand --jwks 'JWKS URL or file; default {issuer}/.well-known/jwks.json'
            cand --idp-endpoint 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com'
            cand --profile 'The profile to use from the config file'
            cand --access 'The access token (the default)'
            cand --id 'The ID token'
            cand --refresh 'The refresh token'
            cand --json 'Print {"token", "token_type", "expires_at", "expires_in"} as JSON'
            cand -v 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand --verbose 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cwsauth;status'= {
            cand --client-id 'App client id'
            cand --domain 'Hosted UI domain: abc123.auth.us-east-1.amazoncognito.com, a bare prefix, a custom domain, or a URL'
            cand --redirect-uri 'Callback URL registered on the app client (repeatable; a taken port moves to the next)'
            cand --store 'Token store: keyring or file (default: the keyring when one answers)'
            cand --region 'AWS region of the user pool (derived from the pool id when absent)'
            cand --user-pool-id 'Cognito user pool id, e.g. us-east-1_AbCdEf123'
            cand --issuer 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}'
            cand --jwks-uri 'JWKS URL or file; default {issuer}/.well-known/jwks.json'
            cand --jwks 'JWKS URL or file; default {issuer}/.well-known/jwks.json'
            cand --idp-endpoint 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com'
            cand --profile 'The profile to use from the config file'
            cand --json 'Print JSON'
            cand -v 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand --verbose 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cwsauth;logout'= {
            cand --browser-command 'Run this command with the URL as its last argument instead of the system browser'
            cand --client-id 'App client id'
            cand --domain 'Hosted UI domain: abc123.auth.us-east-1.amazoncognito.com, a bare prefix, a custom domain, or a URL'
            cand --redirect-uri 'Callback URL registered on the app client (repeatable; a taken port moves to the next)'
            cand --store 'Token store: keyring or file (default: the keyring when one answers)'
            cand --region 'AWS region of the user pool (derived from the pool id when absent)'
            cand --user-pool-id 'Cognito user pool id, e.g. us-east-1_AbCdEf123'
            cand --issuer 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}'
            cand --jwks-uri 'JWKS URL or file; default {issuer}/.well-known/jwks.json'
            cand --jwks 'JWKS URL or file; default {issuer}/.well-known/jwks.json'
            cand --idp-endpoint 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com'
            cand --profile 'The profile to use from the config file'
            cand --everywhere 'Also end the hosted UI session in the browser (/logout)'
            cand --no-browser 'Only print the URL (wins over --browser-command and CWSAUTH_BROWSER)'
            cand -v 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand --verbose 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cwsauth;connect'= {
            cand --auth-header 'Header that carries the token'
            cand --auth-scheme 'Scheme before the token; empty sends the raw token'
            cand --auth-query 'Put the token in this query parameter instead of a header'
            cand --token 'Use this token instead of the stored one'
            cand -H 'Extra header `Name: value` (repeatable)'
            cand --header 'Extra header `Name: value` (repeatable)'
            cand -s 'Subprotocol to offer (repeatable)'
            cand --subprotocol 'Subprotocol to offer (repeatable)'
            cand -o 'Origin header'
            cand --origin 'Origin header'
            cand --host 'Host header'
            cand --ca 'Trust the CA certificates in this PEM file too'
            cand --cert 'Client certificate (PEM)'
            cand --key 'Client key (PEM, unencrypted)'
            cand --passphrase 'Passphrase of the client key'
            cand -x 'Send this message after connecting (repeatable), then wait and exit'
            cand --execute 'Send this message after connecting (repeatable), then wait and exit'
            cand -w 'Seconds to wait after -x or at end of input for replies and the server''s close; -1 keeps the session open'
            cand --wait 'Seconds to wait after -x or at end of input for replies and the server''s close; -1 keeps the session open'
            cand --max-redirects 'Most redirects to follow with -L'
            cand --proxy 'Connect through this HTTP proxy (CONNECT); HTTPS_PROXY and NO_PROXY are honoured'
            cand --binary-format 'How received binary frames are shown'
            cand --ping-interval 'Send a ping this often (seconds)'
            cand --ping-timeout 'A ping unanswered this long (seconds) means the connection is lost'
            cand --max-messages 'Exit after this many received messages'
            cand --max-frame-size 'Largest outgoing frame; longer messages are split (API Gateway: 32 KB)'
            cand --client-id 'App client id'
            cand --domain 'Hosted UI domain: abc123.auth.us-east-1.amazoncognito.com, a bare prefix, a custom domain, or a URL'
            cand --redirect-uri 'Callback URL registered on the app client (repeatable; a taken port moves to the next)'
            cand --store 'Token store: keyring or file (default: the keyring when one answers)'
            cand --region 'AWS region of the user pool (derived from the pool id when absent)'
            cand --user-pool-id 'Cognito user pool id, e.g. us-east-1_AbCdEf123'
            cand --issuer 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}'
            cand --jwks-uri 'JWKS URL or file; default {issuer}/.well-known/jwks.json'
            cand --jwks 'JWKS URL or file; default {issuer}/.well-known/jwks.json'
            cand --idp-endpoint 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com'
            cand --profile 'The profile to use from the config file'
            cand --id-token 'Send the ID token instead of the access token'
            cand --no-auth 'Send no token'
            cand -n 'Do not check the server''s TLS certificate'
            cand --no-check 'Do not check the server''s TLS certificate'
            cand -P 'Show pings and pongs'
            cand --show-ping-pong 'Show pings and pongs'
            cand --slash 'Enable /ping [data], /pong [data] and /close [code [reason]]'
            cand -L 'Follow redirects of the handshake'
            cand --location 'Follow redirects of the handshake'
            cand --no-color 'No colours (also NO_COLOR)'
            cand --binary 'Send lines as binary frames'
            cand --reconnect 'Reconnect after a lost or abnormally closed connection, with a fresh token each time'
            cand --pretty 'Pretty-print JSON messages'
            cand --timestamps 'Prefix lines with the time'
            cand --jsonl 'Print one JSON event per line (open, message, ping, pong, close, error)'
            cand -1 'Exit after the first received message'
            cand --one-message 'Exit after the first received message'
            cand -v 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand --verbose 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cwsauth;demo'= {
            cand --profile 'The profile to use from the config file'
            cand --browser 'Sign in with the system browser instead of the built-in one'
            cand -v 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand --verbose 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cwsauth;local'= {
            cand --port 'Port to listen on (0 picks a free one)'
            cand --bind 'Address to listen on; anything but loopback exposes the emulator to the network'
            cand --user 'A user of the pool (repeatable); without any, user demo with password Demo-Passw0rd!'
            cand --token-ttl 'Lifetime of access and ID tokens (e.g. 1h, 5m, 30s)'
            cand --callback-url 'Another callback (and sign-out) URL for the app clients, besides http://localhost:3000'
            cand --identity-source 'Where the WebSocket API''s authorizer takes the token: header:NAME or query:NAME'
            cand --require-group 'Deny (403) WebSocket connections of users outside this group (repeatable)'
            cand --idle-timeout 'Close WebSocket connections idle this long (API Gateway: 10m)'
            cand --max-connection-time 'Close WebSocket connections after this long (API Gateway: 2h)'
            cand --code-ttl 'Lifetime of authorization codes (Cognito: 5m); shorter only to test expiry'
            cand --write-profile 'Write profile NAME (public client) and NAME-m2m (confidential client) for this instance'
            cand --profile 'The profile to use from the config file'
            cand --persist 'Keep the signing keys under CWSAUTH_HOME so tokens stay valid across restarts'
            cand -v 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand --verbose 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cwsauth;completions'= {
            cand --profile 'The profile to use from the config file'
            cand -v 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand --verbose 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cwsauth;help'= {
            cand configure 'Write or show a profile in the config file'
            cand decode 'Print a token''s header and claims without verifying it'
            cand verify 'Verify a token exactly as a Cognito JWT authorizer does'
            cand login 'Log in through the hosted UI (browser), or headless with --password, --srp or --client-credentials'
            cand token 'Print a usable token (refreshed when it is about to expire) and nothing else'
            cand status 'Show who is logged in with the profile, and until when'
            cand logout 'Revoke the refresh token and delete the stored tokens'
            cand connect 'Open an authenticated WebSocket session, with wscat''s flags and habits'
            cand demo 'The whole loop on 127.0.0.1: local user pool, hosted-UI login, verify, WebSocket'
            cand local 'Run a local Cognito user pool and API Gateway WebSocket API on 127.0.0.1'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cwsauth;help;configure'= {
        }
        &'cwsauth;help;decode'= {
        }
        &'cwsauth;help;verify'= {
        }
        &'cwsauth;help;login'= {
        }
        &'cwsauth;help;token'= {
        }
        &'cwsauth;help;status'= {
        }
        &'cwsauth;help;logout'= {
        }
        &'cwsauth;help;connect'= {
        }
        &'cwsauth;help;demo'= {
        }
        &'cwsauth;help;local'= {
        }
        &'cwsauth;help;completions'= {
        }
        &'cwsauth;help;help'= {
        }
    ]
    $completions[$command]
}
