//! The CBOR sync envelope a phone sends: decoding never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| steward_sync_server::fuzzing::envelope(data));
