//! The gate in front of Automerge, and Automerge's decoders behind it: nothing escapes as a
//! panic. (libFuzzer's panic hook would abort on a panic that `gate::guard` catches in the
//! server, so the hook is quietened: only a panic that escapes the guard is a crash.)
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: { std::panic::set_hook(Box::new(|_| {})); }, |data: &[u8]| {
    steward_sync_server::fuzzing::chunk_gate(data)
});
