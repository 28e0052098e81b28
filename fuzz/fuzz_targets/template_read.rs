//! Any text as a CloudFormation template for `cwsauth local --template`: reading it answers
//! an API or a typed error, never a panic or a runaway (intrinsics nest, refer to each
//! other, and name files).
#![no_main]

use cwsauth::fuzzing::{Local, read_template};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let local = Local {
        pool_id: "us-east-1_Fuzz",
        client_id: "fuzzclient",
        issuer: "http://127.0.0.1:1/us-east-1_Fuzz",
    };
    // A folder that does not exist: code paths resolve against it and are never read.
    if let Ok(read) = read_template(text, &local, std::path::Path::new("/nonexistent/cwsauth-fuzz")) {
        // Every route the API keeps has a key.
        let _ = format!("{:?}", read.api);
        for id in read.functions.keys() {
            assert!(!id.is_empty());
        }
    }
});
