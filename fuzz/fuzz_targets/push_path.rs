//! The server's whole push path on a seeded store: decode, gate, apply, authorise, store. The
//! first byte picks how the rest is sent (see `steward_sync_server::fuzzing::push`).
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use steward_sync_server::fuzzing::{push, FuzzWorld};

static WORLD: OnceLock<FuzzWorld> = OnceLock::new();

fuzz_target!(init: { std::panic::set_hook(Box::new(|_| {})); }, |data: &[u8]| {
    push(WORLD.get_or_init(FuzzWorld::new), data)
});
