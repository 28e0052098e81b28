//! Any method and path as a request to a function's Runtime API: a route or none, never a
//! panic, and an invocation id never holds a slash.
#![no_main]

use cwsauth::fuzzing::{Route, runtime_route};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (method, path) = text.split_once(' ').unwrap_or(("GET", text));
    match runtime_route(method.as_bytes(), path) {
        Some(Route::Response(id)) | Some(Route::Error(id)) => {
            assert!(!id.contains('/'));
            assert_eq!(method, "POST");
        }
        Some(Route::Next) => assert_eq!(method, "GET"),
        Some(Route::InitError) => assert_eq!(method, "POST"),
        None => {}
    }
});
