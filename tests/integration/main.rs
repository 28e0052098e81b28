//! End-to-end tests of the `cwsauth` binary: one test binary, one module per command.

mod bad_input;
mod common;
mod configure;
mod connect;
mod connect_faults;
mod decode;
mod demo;
mod function_faults;
mod functions;
mod generated;
mod iam;
mod keyring;
mod lifecycle;
mod local;
mod login;
mod mfa;
mod ministack;
mod passwordless;
mod readme;
mod refresh;
mod security;
mod signup;
mod stack;
mod structure;
mod triggers;
mod verify;
