//! End-to-end tests of the `cwsauth` binary: one test binary, one module per command.

mod bad_input;
mod common;
mod completions;
mod configure;
mod connect;
mod decode;
mod demo;
mod keyring;
mod local;
mod login;
mod ministack;
mod security;
mod verify;
