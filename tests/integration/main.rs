//! End-to-end tests of the `cwsauth` binary.
