//! The fuzz targets' corpus and every crash they found, replayed in the ordinary test suite:
//! each input goes through the same entry point as under libFuzzer and must not panic.
//! Inputs live in `fuzz/corpus/<target>/` and crashes in `fuzz/regressions/<target>/`.

use std::path::{Path, PathBuf};

use steward_sync_server::fuzzing::{self, FuzzWorld};

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut out = Vec::new();
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else { continue };
        for e in entries.flatten() {
            if e.path().is_file() {
                out.push((e.path(), std::fs::read(e.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn replay(target: &str, f: impl Fn(&[u8])) -> usize {
    let all = inputs(target);
    for (path, data) in &all {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(data)));
        assert!(r.is_ok(), "{target}: {} panics", path.display());
    }
    all.len()
}

#[test]
fn the_sync_envelope_corpus_and_its_crashes_decode_without_panicking() {
    let n = replay("sync_envelope", fuzzing::envelope);
    assert!(n >= 1, "the corpus is there ({n} inputs)");
}

#[test]
fn the_chunk_gate_corpus_and_its_crashes_pass_or_are_refused_without_panicking() {
    let n = replay("chunk_gate", fuzzing::chunk_gate);
    assert!(n >= 1, "the corpus is there ({n} inputs)");
}

#[test]
fn the_push_path_corpus_and_its_crashes_are_stored_or_refused_without_panicking() {
    let world = FuzzWorld::new();
    // The seeds are valid and must stay so; the rest of the corpus only must not panic.
    for seed in world.seeds() {
        fuzzing::push(&world, &seed);
    }
    let n = replay("push_path", |d| fuzzing::push(&world, d));
    assert!(n >= 1, "the corpus is there ({n} inputs)");
}

/// Writes the seeds into `fuzz/corpus/` (run with `STEWARD_WRITE_FUZZ_SEEDS=1` after a format
/// change; the fuzzers start from them).
#[test]
fn seeds_can_be_written_for_the_fuzzers() {
    if std::env::var_os("STEWARD_WRITE_FUZZ_SEEDS").is_none() {
        return;
    }
    let world = FuzzWorld::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus");
    let seeds = world.seeds();
    for (target, items) in [
        ("push_path", seeds.clone()),
        ("chunk_gate", seeds.iter().map(|s| s[1..].to_vec()).collect()),
        ("sync_envelope", vec![seeds[0][1..].to_vec()]),
    ] {
        std::fs::create_dir_all(root.join(target)).unwrap();
        for (i, s) in items.iter().enumerate() {
            std::fs::write(root.join(target).join(format!("seed-{i}")), s).unwrap();
        }
    }
}
