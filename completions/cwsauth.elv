
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
            cand local 'Run a local Cognito user pool and API Gateway WebSocket API on 127.0.0.1'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cwsauth;configure'= {
            cand --client-id 'App client id'
            cand --domain 'Hosted UI domain: abc123.auth.us-east-1.amazoncognito.com, a custom domain, or a URL'
            cand --redirect-uri 'Callback URL registered on the app client (repeatable; tried in order)'
            cand --scopes 'Scopes to request at login, space-separated'
            cand --ws-url 'Default WebSocket URL for `connect`'
            cand --store 'Token store: keyring or file'
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
        &'cwsauth;help;local'= {
        }
        &'cwsauth;help;completions'= {
        }
        &'cwsauth;help;help'= {
        }
    ]
    $completions[$command]
}
