# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_cwsauth_global_optspecs
    string join \n profile= v/verbose h/help V/version
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

complete -c cwsauth -n "__fish_cwsauth_needs_command" -l profile -d 'The profile to use from the config file' -r
complete -c cwsauth -n "__fish_cwsauth_needs_command" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -s h -l help -d 'Print help'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -f -a "configure" -d 'Write or show a profile in the config file'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -f -a "decode" -d 'Print a token\'s header and claims without verifying it'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -f -a "verify" -d 'Verify a token exactly as a Cognito JWT authorizer does'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -f -a "local" -d 'Run a local Cognito user pool and API Gateway WebSocket API on 127.0.0.1'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c cwsauth -n "__fish_cwsauth_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l client-id -d 'App client id' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l domain -d 'Hosted UI domain: abc123.auth.us-east-1.amazoncognito.com, a custom domain, or a URL' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l redirect-uri -d 'Callback URL registered on the app client (repeatable; tried in order)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l scopes -d 'Scopes to request at login, space-separated' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l ws-url -d 'Default WebSocket URL for `connect`' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l store -d 'Token store: keyring or file' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l region -d 'AWS region of the user pool (derived from the pool id when absent)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l user-pool-id -d 'Cognito user pool id, e.g. us-east-1_AbCdEf123' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l issuer -d 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l jwks-uri -l jwks -d 'JWKS URL or file; default {issuer}/.well-known/jwks.json' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l idp-endpoint -d 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l profile -d 'The profile to use from the config file' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l show -d 'Print the resolved profile with the source of each value, and change nothing'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l json -d 'With --show, print JSON'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -l discover -d 'Fill issuer, jwks_uri and domain from {issuer}/.well-known/openid-configuration'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -s h -l help -d 'Print help'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand configure" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand decode" -l now -d 'Evaluate relative times at this Unix time instead of now' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand decode" -l profile -d 'The profile to use from the config file' -r
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
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l leeway -d 'Seconds of clock skew allowed on exp and nbf' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l now -d 'Evaluate at this Unix time instead of now' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l method-arn -d 'Resource of the policy; default the event\'s methodArn or arn:aws:execute-api:{region}:*:*/*/$connect' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l context -d 'Add KEY=VALUE to the context (repeatable)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l principal-id -d 'principalId of the policy; default the token\'s username (or sub)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l effect -d 'What an invalid token gets' -r -f -a "unauthorized\t'An invalid token gets the authorizer\'s `Unauthorized` (API Gateway answers 401)'
deny-on-invalid\t'An invalid token gets a Deny policy (API Gateway answers 403)'"
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l event -d 'Replay an API Gateway $connect authorizer event (JSON) and take the token from it' -r -F
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l identity-source -d 'Where the event carries the token: header:NAME or query:NAME' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l region -d 'AWS region of the user pool (derived from the pool id when absent)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l user-pool-id -d 'Cognito user pool id, e.g. us-east-1_AbCdEf123' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l issuer -d 'Issuer (iss) to pin; default https://cognito-idp.{region}.amazonaws.com/{pool}' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l jwks-uri -l jwks -d 'JWKS URL or file; default {issuer}/.well-known/jwks.json' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l idp-endpoint -d 'Base URL of the Cognito JSON API; default https://cognito-idp.{region}.amazonaws.com' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l profile -d 'The profile to use from the config file' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l json -d 'Print {valid, error, header, claims} as JSON'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -l authorizer -d 'Print what a Lambda REQUEST authorizer returns: the policy and context'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand verify" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l port -d 'Port to listen on (0 picks a free one)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l bind -d 'Address to listen on; anything but loopback exposes the emulator to the network' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l user -d 'A user of the pool (repeatable); without any, user demo with password Demo-Passw0rd!' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l token-ttl -d 'Lifetime of access and ID tokens (e.g. 1h, 5m, 30s)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l callback-url -d 'Another callback (and sign-out) URL for the app clients, besides http://localhost:3000' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l identity-source -d 'Where the WebSocket API\'s authorizer takes the token: header:NAME or query:NAME' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l require-group -d 'Deny (403) WebSocket connections of users outside this group (repeatable)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l idle-timeout -d 'Close WebSocket connections idle this long (API Gateway: 10m)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l max-connection-time -d 'Close WebSocket connections after this long (API Gateway: 2h)' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l code-ttl -d 'Lifetime of authorization codes (Cognito: 5m); shorter only to test expiry' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l write-profile -d 'Write profile NAME (public client) and NAME-m2m (confidential client) for this instance' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l profile -d 'The profile to use from the config file' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -l persist -d 'Keep the signing keys under CWSAUTH_HOME so tokens stay valid across restarts'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -s h -l help -d 'Print help'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand local" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand completions" -l profile -d 'The profile to use from the config file' -r
complete -c cwsauth -n "__fish_cwsauth_using_subcommand completions" -s v -l verbose -d 'Log what happens on stderr (-v: steps and HTTP exchanges, -vv: more); secrets redacted'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand completions" -s h -l help -d 'Print help'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand completions" -s V -l version -d 'Print version'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and not __fish_seen_subcommand_from configure decode verify local completions help" -f -a "configure" -d 'Write or show a profile in the config file'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and not __fish_seen_subcommand_from configure decode verify local completions help" -f -a "decode" -d 'Print a token\'s header and claims without verifying it'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and not __fish_seen_subcommand_from configure decode verify local completions help" -f -a "verify" -d 'Verify a token exactly as a Cognito JWT authorizer does'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and not __fish_seen_subcommand_from configure decode verify local completions help" -f -a "local" -d 'Run a local Cognito user pool and API Gateway WebSocket API on 127.0.0.1'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and not __fish_seen_subcommand_from configure decode verify local completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c cwsauth -n "__fish_cwsauth_using_subcommand help; and not __fish_seen_subcommand_from configure decode verify local completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
